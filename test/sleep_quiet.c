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
 *
 * The snapshots see a sleeper awake only while another hart runs it beside
 * the test, so under a loaded host they missed the old wakeups in half
 * the runs. A count does not: the watch runs on one ASID (asid_limit(1)),
 * so every switch to another process's space begins an ASID generation
 * (vminfo): one tick that runs the sleepers begins about SLEEPERS of them
 * (the old sleep() began 900 to 3,100 in the watch, on a loaded host too),
 * the test alone none. So that what an earlier test of the boot left
 * behind (orphans dying, init reaping them) is not counted, the test
 * first waits for a machine where nothing else runs.
 */
#include "vmlib.h"

#define SLEEPERS 100
#define WATCH_MS 400              /* 40 ticks */

static int pids[SLEEPERS];

/* ASID generations begun since boot. */
static long generations(void)
{
    return (long)vm_now().asid_generations;
}

/* Waits (up to ~10 s) for QUIET_MS in which no other space ran: on one
 * ASID, no generation began. Fails with the default ASIDs back. */
#define QUIET_MS 100
static void await_quiet(void)
{
    long gens = 0;
    for (int tries = 0; tries < 100; tries++) {
        long before = generations();
        msleep(QUIET_MS);
        if ((gens = generations() - before) == 0)
            return;
    }
    asid_limit(-1);
    error("other processes still ran after 10 s (%ld ASID generations in %d ms)", gens, QUIET_MS);
}

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
    expect(asid_limit(1), 1);
    await_quiet();
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
    long gens = generations();
    uint64_t end = rdtime() + WATCH_MS * (TIME_HZ / 1000);
    while (rdtime() < end) {
        int a = awake_sleepers();
        awake += a;
        snapshots++;
        snapshots_awake += a > 0;
    }
    gens = generations() - gens;
    expect(asid_limit(-1), (int)vm_now().asid_bits_hw);
    if (gens >= SLEEPERS / 2)
        error("%ld ASID generations while the sleepers slept: other spaces ran", gens);
    if (awake > 0)
        error("%d of %d snapshots found sleepers awake (%d in all) before their time",
              snapshots_awake, snapshots, awake);
    for (int i = 0; i < SLEEPERS; i++)
        expect(kill(pids[i]), ERR_OK);
    for (int i = 0; i < SLEEPERS; i++)
        expect_exit(pids[i], -1);
    pass("%d sleepers asleep in %d snapshots over %d ms, %ld ASID generations", SLEEPERS,
         snapshots, WATCH_MS, gens);
    return 0;
}
