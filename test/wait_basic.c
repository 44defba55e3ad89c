/*
 * wait_basic: wait's arguments and errors.
 *
 * wait(-1) takes any child and blocks until one exits; wait(pid) takes that
 * child only, leaving the others; a reaped child cannot be waited for again
 * (ERR_CHILD), nor can a process that is not the caller's child (itself,
 * init, a grandchild, a sibling's pid, a pid never used). NULL as the
 * status pointer is allowed; a status pointer that is in the kernel,
 * unmapped, or read-only is ERR_FAULT and must not crash anything.
 */
#include "testlib.h"

/* How long a "slow" child sleeps: far longer than its parent takes to
 * reach wait(), so that wait blocks (and is woken by the exit). */
#define SLOW_MS 100

static int child(int status, bool slow)
{
    int pid = fork();
    if (pid < 0)
        error("fork failed: %d", pid);
    if (pid == 0) {
        if (slow)
            msleep(SLOW_MS);
        exit(status);
    }
    return pid;
}

/* Waits for pid with a bad status pointer: ERR_FAULT. Whether the child is
 * then still waitable is not specified; if it is, it must still carry its
 * status. Either way it must end up reaped. */
static void wait_bad_pointer(int *bad, const char *what)
{
    int pid = child(9, false);
    int r = wait(pid, bad);
    if (r != ERR_FAULT)
        error("wait(pid, %s) = %d, expected ERR_FAULT", what, r);
    int status = 0;
    r = wait(pid, &status);
    if (r == pid) {
        expect(status, 9);
    } else if (r != ERR_CHILD) {
        error("wait after ERR_FAULT = %d", r);
    }
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    int status;

    /* No children at all. */
    expect(wait(-1, &status), ERR_CHILD);
    expect(wait(-1, NULL), ERR_CHILD);

    /* wait(-1) blocks until the (sleeping) child exits. */
    int pid = child(3, true);
    status = -5;
    expect(wait(-1, &status), pid);
    expect(status, 3);

    /* Reaped once only. */
    expect(wait(pid, &status), ERR_CHILD);
    expect(wait(-1, &status), ERR_CHILD);

    /* wait(pid) picks that child even when another exited first. */
    int slow = child(21, true);
    int fast = child(22, false);
    status = 0;
    expect(wait(slow, &status), slow);
    expect(status, 21);
    expect(wait(slow, &status), ERR_CHILD);
    expect(wait(fast, &status), fast);
    expect(status, 22);

    /* Children waited for in the reverse of their creation order. */
    int pids[5];
    for (int i = 0; i < 5; i++)
        pids[i] = child(30 + i, false);
    for (int i = 4; i >= 0; i--) {
        expect(wait(pids[i], &status), pids[i]);
        expect(status, 30 + i);
    }
    expect(wait(-1, &status), ERR_CHILD);

    /* NULL status is allowed, for a given pid and for any child. */
    pid = child(4, false);
    expect(wait(pid, NULL), pid);
    pid = child(5, false);
    expect(wait(-1, NULL), pid);

    /* Not our children. */
    expect(wait(getpid(), &status), ERR_CHILD);
    expect(wait(1, &status), ERR_CHILD);              /* init */
    expect(wait(1000000, &status), ERR_CHILD);        /* never used */
    expect(wait(0x7fffffff, &status), ERR_CHILD);

    /* A grandchild: the child forks it, reports its pid and exits; the
     * grandchild is then init's, never ours. */
    pid = fork();
    if (pid == 0) {
        int g = fork();
        if (g < 0)
            exit(-2);
        if (g == 0) {
            msleep(SLOW_MS);
            exit(0);
        }
        exit(g);
    }
    expect(wait(pid, &status), pid);
    int grandchild = status;
    assert(grandchild > 0);
    expect(wait(grandchild, &status), ERR_CHILD);
    expect(wait(-1, &status), ERR_CHILD);

    /* A child's own child, while both are alive: the child keeps its child
     * until it waits for it. */
    pid = fork();
    if (pid == 0) {
        int g = fork();
        if (g == 0) {
            msleep(SLOW_MS);
            exit(77);
        }
        /* Hand g's pid up through a second, short-lived child's status. */
        int r = fork();
        if (r == 0)
            exit(g);
        int st;
        if (wait(r, &st) != r || st != g)
            exit(1);
        if (wait(g, &st) != g || st != 77)
            exit(2);
        exit(0);
    }
    expect(wait(pid, &status), pid);
    expect(status, 0);

    /* Bad status pointers. */
    wait_bad_pointer((int *)KMAP_BASE, "KMAP_BASE");
    wait_bad_pointer((int *)KERNEL_IMAGE, "kernel image");
    wait_bad_pointer((int *)UNMAPPED, "unmapped");
    wait_bad_pointer((int *)USTACK_UPPERBOUND, "USTACK_UPPERBOUND");
    wait_bad_pointer((int *)(uintptr_t)main, "read-only text");
    expect(wait(-1, NULL), ERR_CHILD);

    pass("wait_basic");
    return 0;
}
