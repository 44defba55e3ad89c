/*
 * kill_user: user accesses that no region allows kill the process.
 *
 * NULL and the rest of page 0 (never mapped), an unmapped address in the
 * middle of user space, a store to the program's own read-only text, a
 * jump to NULL, and a jump into the (non-executable) data segment: each
 * child must be killed with one `killed:` line and status -1, and the
 * parent must not be disturbed. A last child is killed while the parent
 * has other children running, which must all finish normally.
 */
// test: expect-killed=9
#include "testlib.h"
#include <lib/stddef.h>

static long data_word = 0x13;            /* .data: readable, writable, not executable */

static const struct {
    uintptr_t addr;
    enum how how;
    const char *what;
} cases[] = {
    {0, LOAD, "NULL load"},
    {0, STORE, "NULL store"},
    {0x8, LOAD, "load near NULL"},
    {0xffc, STORE, "store at the end of page 0"},
    {0x3000000000UL, LOAD, "load from unmapped user memory"},
    {0, JUMP, "jump to NULL"},
};

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;

    for (unsigned i = 0; i < NELEM(cases); i++)
        expect_killed(cases[i].addr, cases[i].how, cases[i].what);
    expect_killed((uintptr_t)main & ~7UL, STORE, "store to read-only text");
    expect_killed((uintptr_t)&data_word, JUMP, "jump into the data segment");

    /* A kill among live siblings: they finish normally. */
    int pids[4];
    for (int i = 0; i < 4; i++) {
        pids[i] = fork();
        if (pids[i] == 0) {
            volatile unsigned long x = 0;
            for (int k = 0; k < 200000; k++)
                x += k;
            exit(i == 2 ? (access_address(0, LOAD), 99) : 10 + i);
        }
        assert(pids[i] > 0);
    }
    for (int i = 0; i < 4; i++) {
        int status = 0;
        expect(wait(pids[i], &status), pids[i]);
        expect(status, i == 2 ? -1 : 10 + i);
    }

    /* The parent's own memory is intact. */
    expect(data_word, 0x13);
    pass("kill_user");
    return 0;
}
