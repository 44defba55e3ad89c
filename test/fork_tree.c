/*
 * fork_tree: a three-level tree of processes, each parent waiting for its
 * own children only.
 *
 * The root forks 3 children, each of those forks 3, each of those forks 2
 * leaves (30 processes below the root). Every process checks that each
 * child it reaps exits with (size of the child's subtree) * 8 + (its index
 * among its siblings), then exits the same way itself, so a status lost,
 * swapped or delivered to the wrong parent is caught. Levels reap in
 * different ways: wait(-1), wait(pid) in reverse order, wait(pid) in order.
 */
#include "testlib.h"

static const int fanout[] = {3, 3, 2};   /* children at depth 0, 1, 2 */
#define DEPTH 3

/* Processes in a subtree whose root is at depth d. */
static int subtree_size(int d)
{
    return d == DEPTH ? 1 : 1 + fanout[d] * subtree_size(d + 1);
}

/* Runs the node at depth d: forks its children, reaps them, returns its
 * subtree size (the caller encodes it into the exit status). */
static int node(int d)
{
    if (d == DEPTH)
        return 1;
    int n = fanout[d];
    int pids[4];
    int me = getpid();
    for (int i = 0; i < n; i++) {
        int pid = fork();
        if (pid < 0)
            error("depth %d: fork = %d", d, pid);
        if (pid == 0) {
            if (getpid() == me)
                error("child has its parent's pid");
            int size = node(d + 1);
            exit(size * 8 + i);
        }
        pids[i] = pid;
    }
    int total = 1;
    for (int k = 0; k < n; k++) {
        int status = -1, i, pid;
        if (d == 0) {
            pid = wait(-1, &status);
            for (i = 0; i < n && pids[i] != pid; i++)
                ;
            if (i == n)
                error("depth %d: wait(-1) = %d, not my child", d, pid);
        } else {
            i = d == 1 ? n - 1 - k : k;
            pid = wait(pids[i], &status);
            if (pid != pids[i])
                error("depth %d: wait(%d) = %d", d, pids[i], pid);
        }
        if (status % 8 != i || status / 8 != subtree_size(d + 1))
            error("depth %d: child %d exited with %d, expected %d", d, i, status,
                  subtree_size(d + 1) * 8 + i);
        pids[i] = -1000;
        total += status / 8;
    }
    if (wait(-1, NULL) != ERR_CHILD)
        error("depth %d: a child is left after reaping all", d);
    return total;
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    int total = node(0);
    expect(total, subtree_size(0));
    pass("fork_tree: %d processes", total);
    return 0;
}
