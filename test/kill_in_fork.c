/*
 * kill_in_fork: a process killed while it forks takes the child with it,
 * which is killed before it runs one instruction of its own (proc.h: a
 * process started by a killed one is killed too, so a job being killed
 * cannot escape through a fork in progress).
 *
 * Each round a child P of the test notes the time in a shared region and
 * calls fork_copy on 24 MiB of heap, which copies page by page for 10 to
 * 30 ms; the test, spinning on the region, kills P a fifth of a
 * millisecond later (on one hart: when the tick preempts P's fork). P's
 * child, if it ever runs, writes a byte to a pipe, which the test reads
 * to its end. A round counts when the call never returned to P (it notes
 * that too) and kill() returned sooner after P's time than the shorter of
 * two fork_copy calls the test timed first: the kill then came before the
 * fork started the child (or within the few instructions after, where a
 * preempted P would make a false alarm), and the byte must not come.
 * Other rounds (P done first) prove nothing and are skipped. Without the
 * kill passed on in proc_start, or without the check in thread_start, the
 * byte came in every run (4 of 4 each, on 4 harts and on 1);
 * proc_kill's kills at once after fork cannot tell, as its children exit
 * at once and a kill turns any status into -1.
 */
// test: timeout=30

#include "shmlib.h"
#include <lib/bench.h>

#define HEAP (24 << 20)
#define ROUNDS 5
#define REGION "kill_in_fork"

/* In a shared region: the time P calls fork_copy, and the time the call
 * returned to it (0: not yet). */
static volatile struct {
    uint64_t sent, returned;
} *shared;

/* How long fork_copy takes with the heap as it is (a child that exits). */
static uint64_t fork_copy_time(void)
{
    uint64_t start = rdtime();
    int pid = fork_copy();
    if (pid == 0)
        exit(0);
    uint64_t took = rdtime() - start;
    if (pid < 0)
        error("fork_copy = %d", pid);
    expect_exit(pid, 0);
    return took;
}

/* One round; returns whether it counted (above: the kill came before the
 * fork returned, and sooner than window after P began it). */
static bool round_counted(uint64_t window)
{
    int escaped[2];
    expect(pipe(escaped), ERR_OK);
    shared->sent = shared->returned = 0;
    int pid = fork_ok();
    if (pid == 0) {
        close(escaped[0]);
        shared->sent = rdtime();
        if (fork_copy() == 0) {
            write(escaped[1], "e", 1);
            exit(0);
        }
        shared->returned = rdtime();
        exit(1);
    }
    close(escaped[1]);
    uint64_t sent;
    while ((sent = shared->sent) == 0)
        ;
    while (rdtime() - sent < TIME_HZ / 5000)
        ;
    int answer = kill(pid);
    uint64_t killed = rdtime();
    int status = wait_for(pid);
    char c;
    long got = read(escaped[0], &c, 1);
    close(escaped[0]);
    if (answer == ERR_NOTEXIST && status == 1)
        return false;                  /* P was done before the kill */
    if (answer != ERR_OK || status != -1)
        error("kill(%d) = %d, and it exited with %d", pid, answer, status);
    if (shared->returned != 0 || killed - sent >= window)
        return false;                  /* the fork may have started the child first */
    if (got != 0)
        error("the child of a process killed %ld us into its fork ran (read = %ld)",
              (long)((killed - sent) / (TIME_HZ / 1000000)), got);
    return true;
}

int main(void)
{
    char *heap = sbrk(HEAP);
    if (heap == (char *)ERR_NOMEM)
        error("sbrk(%d) failed", HEAP);
    for (int i = 0; i < HEAP; i += 4096)
        heap[i] = 1;
    expect(shm_create(REGION, PAGE, RS_DEFAULT), ERR_OK);
    shared = map_ok(REGION, SHM_READ | SHM_WRITE);
    uint64_t a = fork_copy_time(), b = fork_copy_time();
    uint64_t window = a < b ? a : b;
    int counted = 0;
    for (int round = 0; round < ROUNDS; round++)
        counted += round_counted(window);
    if (counted == 0)                  /* every round skipped: nothing was checked */
        error("no round of %d counted (window %ld us)", ROUNDS,
              (long)(window / (TIME_HZ / 1000000)));
    expect(shm_unmap(REGION, (void *)shared), ERR_OK);
    expect(shm_destroy(REGION), ERR_OK);
    pass("kill_in_fork: %d of %d rounds counted (window %ld us)", counted, ROUNDS,
         (long)(window / (TIME_HZ / 1000000)));
    return 0;
}
