/*
 * kill_kernel: a user access to a kernel address kills only that process.
 *
 * Each child loads from, stores to, or jumps to one kernel address (the
 * start of the kernel half, the kernel image, the last page) or to an
 * address outside Sv39's user half that is not a canonical kernel address
 * either. The kernel must print one `killed:` line per child and exit it
 * with status -1; the parent, the other harts and the kernel go on, and
 * the frames of the killed children come back (the runner's free check).
 */
// test: expect-killed=9
#include "testlib.h"
#include <lib/stddef.h>

static const struct {
    uintptr_t addr;
    enum how how;
    const char *what;
} cases[] = {
    {KMAP_BASE, LOAD, "load from KMAP_BASE"},
    {KMAP_BASE, STORE, "store to KMAP_BASE"},
    {KERNEL_IMAGE, LOAD, "load from the kernel image"},
    {KERNEL_IMAGE, STORE, "store to the kernel image"},
    {KERNEL_IMAGE, JUMP, "jump into the kernel image"},
    {0xFFFFFFFFFFFFF000UL, LOAD, "load from the last page"},
    {0xFFFFFFFFFFFFFFF8UL, STORE, "store to the last word"},
    {0x4000000000UL, LOAD, "load from just above user space (non-canonical)"},
    {0x8000000000000000UL, STORE, "store to a non-canonical address"},
};

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    int me = getpid();

    for (unsigned i = 0; i < NELEM(cases); i++) {
        expect_killed(cases[i].addr, cases[i].how, cases[i].what);
    }
    expect(getpid(), me);
    expect(wait(-1, NULL), ERR_CHILD);

    pass("kill_kernel: %d children killed, parent fine", (int)NELEM(cases));
    return 0;
}
