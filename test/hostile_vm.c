/*
 * hostile_vm: the test-only calls vminfo and asid_limit (lib/vm-ext.h) as
 * any program may make them, in one quick pass:
 *   - vminfo into NULL, kernel, unmapped and read-only memory, and a
 *     struct that straddles the end of the heap: ERR_FAULT;
 *   - asid_limit of INT_MIN, -1, 0, 1, 2, the width, one more, INT_MAX
 *     and 64-bit values (the upper half dropped, as the int prototype
 *     would): the width clamped to what the harts implement, each time a
 *     new generation;
 *   - the width changed as fast as one process can (1, 0, 2, all bits,
 *     in turn) while WORKERS processes on the other harts fork, write
 *     their copy-on-write heap in parent and child, store through a
 *     shared view the parent and child both check, and exit: every word
 *     each of them reads is its own. On the debug kernel (`debug`), which
 *     panics if a hart runs an ASID of a generation older than its last
 *     full flush with no flush due: a generation begun between an
 *     activation's reading of the ASID and its flush used to leave it so
 *     (QEMU flushes its TLB at every satp write, so the stale entries
 *     themselves never show there).
 * The default width is restored before any verdict, so a failure leaves
 * the tests after it in the boot the width they expect.
 */
// test: debug timeout=60
#include "vmlib.h"
#include <lib/shm.h>
#include <lib/syscall-num-ext.h>
#include <lib/stdio-ext.h>
#include <lib/stddef.h>

#define WORKERS 4
#define ROUNDS 300
#define PAGES 8

int main(int argc, char **argv);

static void vminfo_bad_pointers(void)
{
    const uintptr_t bad[] = BAD_POINTERS;
    for (int i = 0; i < (int)NELEM(bad); i++)
        expect(vminfo((struct vm_info *)bad[i]), ERR_FAULT);
    expect(vminfo((struct vm_info *)(uintptr_t)main), ERR_FAULT);
    expect(vminfo((struct vm_info *)heap_end(8)), ERR_FAULT);
    expect(vminfo((struct vm_info *)(heap_end(sizeof(struct vm_info)) + 1)), ERR_FAULT);
}

static void asid_limit_values(int hw)
{
    long gens = (long)vm_now().asid_generations;
    const struct {
        long arg;
        int want;
    } cases[] = {
        { -2147483647L - 1, hw }, { -1, hw }, { 0, 0 }, { 1, hw >= 1 ? 1 : hw },
        { 2, hw >= 2 ? 2 : hw }, { hw, hw }, { hw + 1, hw }, { 2147483647L, hw },
        { (1L << 32) + 1, hw >= 1 ? 1 : hw }, { -(1L << 32), 0 }, { 0x7fffffffffffffffL, hw },
    };
    for (int i = 0; i < (int)NELEM(cases); i++) {
        long got = raw_call(SYS_asid_limit, cases[i].arg);
        long in_use = (long)vm_now().asid_bits;
        if (got != cases[i].want || in_use != cases[i].want) {
            asid_limit(-1);    /* the boot's later tests get the default width */
            error("asid_limit(%ld) = %ld, %ld bits in use, expected %d", cases[i].arg, got,
                  in_use, cases[i].want);
        }
    }
    long began = (long)vm_now().asid_generations - gens;
    if (began < (long)NELEM(cases))
        error("%ld asid_limit calls began %ld generations", (long)NELEM(cases), began);
}

/* A worker: ROUNDS times, a forked child and the parent each write the
 * copy-on-write heap and a shared view, then check both. */
static void worker(int w)
{
    char name[16];
    snprintf(name, sizeof(name), "hvm%d", w);
    shm_destroy(name);
    expect(shm_create(name, PAGES * PAGE, RS_DEFAULT), ERR_OK);
    char *view = NULL;
    expect(shm_map(name, (void **)&view, SHM_READ | SHM_WRITE), ERR_OK);
    char *heap = heap_pages(PAGES);
    for (int r = 0; r < ROUNDS; r++) {
        int tag = w * 1000 + r * 2 + 1;
        write_pages(heap, PAGES, tag);
        write_pages(view, PAGES, tag);
        int pid = fork_ok();
        if (pid == 0) {
            long bad = check_pages(heap, PAGES, tag) + check_pages(view, PAGES, tag);
            write_pages(heap, PAGES, tag + 1);
            write_pages(view, PAGES, tag + 1);
            bad += check_pages(heap, PAGES, tag + 1);
            exit((int)bad);
        }
        long bad = check_pages(heap, PAGES, tag);
        int status = wait_for(pid);
        if (status != 0)
            error("worker %d round %d: the child saw %d wrong words", w, r, status);
        bad += check_pages(view, PAGES, tag + 1);  /* the child's stores */
        if (bad)
            error("worker %d round %d: %ld wrong words", w, r, bad);
    }
    expect(shm_unmap(name, view), ERR_OK);
    expect(shm_destroy(name), ERR_OK);
}

/* The toggler: changes the width until the word at stop is set; exits
 * with 0 if it made at least 100 changes. */
static void toggler(volatile int *stop, int hw)
{
    const int widths[] = { 1, 0, 2, -1 };
    long toggles = 0;
    while (!*stop) {
        int want = widths[toggles % NELEM(widths)];
        expect(asid_limit(want), want < 0 ? hw : want);
        toggles++;
    }
    if (toggles < 100)
        error("only %ld width changes while the workers ran", toggles);
}

static void toggle_under_load(int hw)
{
    shm_destroy("hvm_stop");
    expect(shm_create("hvm_stop", PAGE, RS_DEFAULT), ERR_OK);
    volatile int *stop = NULL;
    expect(shm_map("hvm_stop", (void **)&stop, SHM_READ | SHM_WRITE), ERR_OK);
    int tpid = fork_ok();
    if (tpid == 0) {
        toggler(stop, hw);
        exit(0);
    }
    int pids[WORKERS], failed = 0;
    for (int w = 0; w < WORKERS; w++)
        pids[w] = fork_worker(worker, w);
    /* Every worker reaped, the toggler stopped and the width back before
     * any verdict: failing first left the toggler changing the width for
     * good, under the tests that share the boot. */
    for (int w = 0; w < WORKERS; w++)
        failed += wait_for(pids[w]) != 0;
    *stop = 1;
    int toggled = wait_for(tpid);
    expect(asid_limit(-1), hw);
    if (failed)
        error("%d of %d workers failed", failed, WORKERS);
    expect(toggled, 0);
    expect(shm_unmap("hvm_stop", (void *)stop), ERR_OK);
    expect(shm_destroy("hvm_stop"), ERR_OK);
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    int hw = (int)vm_now().asid_bits_hw;
    vminfo_bad_pointers();
    asid_limit_values(hw);
    toggle_under_load(hw);
    pass("hostile_vm");
    return 0;
}
