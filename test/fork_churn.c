/*
 * fork_churn: more fork + exit + wait rounds than the kernel has stack
 * slots, so freed kernel stacks must be purged and their slots reused.
 *
 * The kernel keeps at most one kernel-stack slot per 4 frames (KSTACK_PAGES)
 * of RAM, and a freed slot is reused only after a purge flushes every
 * hart's TLB (include/kernel/vpmap.h). Forking a child that exits at once,
 * total_pages / 4 + 1000 times (in WORKERS processes at once), runs
 * through every slot at least once: without the purge, fork would fail
 * with ERR_NOMEM near the end. The kernel is capped at 16 MiB by mem=,
 * about 1000 slots, so the 2000 rounds take half a second; a bigger
 * machine only has more slots to go through (at 64 MiB, 5000 rounds took
 * 2.3 s to 6 s) and proves nothing more. Each
 * child returns a status taken from its own stack and computed after a
 * few calls deep, so a child running on a stack that still reached some
 * other frames would show as a wrong status (or a crash).
 */
// test: timeout=180 mem=16M
#include "vmlib.h"

#define WORKERS 4              /* forking at once, one per hart of the default machine */

/* A value built on the stack, several frames deep. */
static int __attribute__((noinline)) deep(int n, int seed)
{
    volatile int local[64];
    for (int i = 0; i < 64; i++)
        local[i] = seed + i;
    int below = n ? deep(n - 1, seed * 3 + 1) : 0;
    int sum = 0;
    for (int i = 0; i < 64; i++)
        sum += local[i];
    return (sum + below) & 0x3fff;
}

/* One of WORKERS processes: rounds fork + exit + wait in a row. */
static int churn(long rounds, int worker)
{
    for (long i = 0; i < rounds; i++) {
        int seed = (int)((i * WORKERS + worker) % 1000);
        int pid = fork();
        if (pid == 0)
            exit(deep(8, seed));
        if (pid < 0)
            error("worker %d, round %ld of %ld: fork = %d", worker, i, rounds, pid);
        int status = -1;
        expect(wait(pid, &status), pid);
        if (status != deep(8, seed))
            error("worker %d, round %ld: child exited with %d, expected %d", worker, i, status,
                  deep(8, seed));
    }
    return 0;
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    long rounds = (long)sysinfo().total_pages / 4 + 1000;
    int pids[WORKERS];
    for (int w = 0; w < WORKERS; w++) {
        pids[w] = fork();
        if (pids[w] == 0)
            exit(churn(rounds / WORKERS + 1, w));
        expect(pids[w] > 0, 1);
    }
    for (int w = 0; w < WORKERS; w++)
        expect(wait_for(pids[w]), 0);
    pass("fork_churn: %ld rounds in %d workers", rounds, WORKERS);
    return 0;
}
