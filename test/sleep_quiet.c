/*
 * sleep_quiet: a process in sleep() stays asleep until its time is up.
 *
 * SLEEPERS children call sleep(30); once all are asleep, the test takes
 * proc_list snapshots back to back for WATCH_MS (some 40 timer ticks,
 * thousands of snapshots), and every sleeper must be sleeping in every
 * one. sleep() once waited on a condition variable that every tick
 * broadcast: each sleeper was woken, queued and run 100 times a second
 * only to go back to sleep, so some snapshots at each tick found sleepers
 * ready or running (about 55 of 5,000 in 400 ms, in every run), and 2,500
 * processes in sleep() slowed a program that only computes twelvefold. A
 * sleeper must cost nothing until its deadline, or a kill: they are killed
 * at the end, which must end each at once with -1.
 */
#include "testlib.h"

#define SLEEPERS 100
#define WATCH_MS 400              /* 40 ticks */

static int pids[SLEEPERS];

/* How many of the sleepers proc_list shows in another state than
 * sleeping (a sleeper it does not list at all counts too). */
static int awake_sleepers(void)
{
    int n = proc_list(proc_list_buf, PROC_LIST_MAX);
    if (n < 0 || n == PROC_LIST_MAX)
        error("proc_list = %d", n);
    int awake = 0;
    for (int i = 0; i < SLEEPERS; i++) {
        int state = 0;
        for (int j = 0; j < n; j++)
            if (proc_list_buf[j].pid == pids[i])
                state = proc_list_buf[j].state;
        if (state != PROC_INFO_SLEEPING)
            awake++;
    }
    return awake;
}

int main(int argc, char **argv)
{
    (void)argc, (void)argv;
    for (int i = 0; i < SLEEPERS; i++) {
        pids[i] = fork_ok();
        if (pids[i] == 0) {
            sleep(30);
            exit(0);
        }
    }
    for (int i = 0; i < SLEEPERS; i++)
        await_state(pids[i], PROC_INFO_SLEEPING, "sleeper");
    int awake = 0, snapshots = 0, snapshots_awake = 0;
    uint64_t end = rdtime() + WATCH_MS * (TIME_HZ / 1000);
    while (rdtime() < end) {
        int a = awake_sleepers();
        awake += a;
        snapshots++;
        snapshots_awake += a > 0;
    }
    if (awake > 0)
        error("%d of %d snapshots found sleepers awake (%d in all) before their time",
              snapshots_awake, snapshots, awake);
    for (int i = 0; i < SLEEPERS; i++)
        expect(kill(pids[i]), ERR_OK);
    for (int i = 0; i < SLEEPERS; i++)
        expect_exit(pids[i], -1);
    pass("%d sleepers asleep in %d snapshots over %d ms", SLEEPERS, snapshots, WATCH_MS);
    return 0;
}
