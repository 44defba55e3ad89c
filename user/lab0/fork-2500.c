/*
 * fork-2500: 2,500 children alive or zombie at once, with no process table
 * to run out of (osv's fork-and-race tests need about 2,000).
 *
 * The parent forks 2,500 children before it waits for any; each exits at
 * once with a status naming its index, so most are zombies when the
 * reaping starts. Every pid must be positive and distinct, and wait(-1)
 * must then return each child exactly once, with its own status, and
 * nothing more. The runner checks that every frame came back.
 */
// test: timeout=120
#include <lib/test.h>
#include <lib/stddef.h>

#define NCHILD 2500
#define STATUS_BASE 1000

static int pids[NCHILD];
static char reaped[NCHILD];

int
main(void)
{
    for (int i = 0; i < NCHILD; i++) {
        int pid = fork();
        if (pid == 0)
            exit(STATUS_BASE + i);
        if (pid < 0)
            error("fork %d of %d = %d", i + 1, NCHILD, pid);
        pids[i] = pid;
    }

    // Distinct pids: sort a copy (insertion sort: the pids come in nearly
    // increasing order) and compare neighbours.
    static int sorted[NCHILD];
    for (int i = 0; i < NCHILD; i++) {
        int j = i;
        while (j > 0 && sorted[j - 1] > pids[i]) {
            sorted[j] = sorted[j - 1];
            j--;
        }
        sorted[j] = pids[i];
    }
    for (int i = 1; i < NCHILD; i++)
        if (sorted[i] == sorted[i - 1])
            error("two children have pid %d", sorted[i]);

    for (int k = 0; k < NCHILD; k++) {
        int status = -1;
        int pid = wait(-1, &status);
        int i = status - STATUS_BASE;
        if (pid < 0)
            error("wait %d of %d = %d", k + 1, NCHILD, pid);
        if (i < 0 || i >= NCHILD)
            error("child %d exited with %d, no child's status", pid, status);
        if (pids[i] != pid)
            error("status %d is child %d's, but pid %d returned it", status, i, pid);
        if (reaped[i])
            error("child %d (pid %d) reaped twice", i, pid);
        reaped[i] = 1;
    }
    int pid = wait(-1, NULL);
    if (pid != ERR_CHILD)
        error("wait after the last child = %d", pid);
    pass("fork-2500");
    exit(0);
}
