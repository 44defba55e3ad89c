/*
 * many_procs: 32 processes alive at once, spread over the harts.
 *
 * The parent forks 32 children before reaping any. Each spins on a
 * computation long enough to be preempted and to run beside the others on
 * every hart, then exits with a status that encodes its index and whether
 * its result was right (a register or stack clobbered by a context switch
 * or a migration shows up as a wrong result). The parent reaps all with
 * wait(-1), checks every pid and status once, and repeats the round, so a
 * leak per process shows in the runner's free_pages check.
 */
// test: timeout=90
#include "testlib.h"

#define NCHILD 32
#define ROUNDS 2
#define SPIN 2000000          /* ~20 ms of a hart under QEMU: past a 10 ms tick */

/* A value the child computes the slow way and the parent the same way. */
static unsigned long work(int seed, int iterations)
{
    volatile unsigned long x = (unsigned long)seed * 2654435761UL + 1;
    unsigned long stack[16];
    for (int i = 0; i < 16; i++)
        stack[i] = x + i;
    for (int i = 0; i < iterations; i++) {
        x = x * 6364136223846793005UL + 1442695040888963407UL;
        stack[i & 15] ^= x >> 7;
    }
    unsigned long h = x;
    for (int i = 0; i < 16; i++)
        h = h * 31 + stack[i];
    return h;
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    static unsigned long expected[NCHILD];
    for (int i = 0; i < NCHILD; i++)
        expected[i] = work(i, SPIN);

    for (int round = 0; round < ROUNDS; round++) {
        int pids[NCHILD];
        for (int i = 0; i < NCHILD; i++) {
            int pid = fork();
            if (pid < 0)
                error("round %d: fork %d = %d", round, i, pid);
            if (pid == 0)
                exit(work(i, SPIN) == expected[i] ? 100 + i : 200 + i);
            pids[i] = pid;
        }
        int seen = 0;
        for (int k = 0; k < NCHILD; k++) {
            int status = -1;
            int pid = wait(-1, &status);
            int i;
            for (i = 0; i < NCHILD && pids[i] != pid; i++)
                ;
            if (i == NCHILD)
                error("round %d: wait(-1) = %d, not a live child", round, pid);
            if (status == 200 + i)
                error("round %d: child %d computed a wrong result", round, i);
            if (status != 100 + i)
                error("round %d: child %d exited with %d", round, i, status);
            pids[i] = -1;
            seen++;
        }
        expect(seen, NCHILD);
        expect(wait(-1, NULL), ERR_CHILD);
    }

    pass("many_procs: %d rounds of %d children", ROUNDS, NCHILD);
    return 0;
}
