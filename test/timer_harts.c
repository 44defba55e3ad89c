/*
 * timer_harts: every hart's timer fires, whichever way the kernel sets it
 * (stimecmp with Sstc, or SBI: include/kernel/trap.h). Sleep tests cover
 * only cpus[0], which wakes every timed sleeper; a hart whose timer never
 * fired would still run user code, only never preempt it.
 *
 * SPINNERS (twice the harts) children spin in user mode without a system
 * call, so only a tick takes a hart from one: with the timers working
 * each is preempted within a few ticks and shows up READY in proc_list.
 * The parent looks between short sleeps (msleep: a hart is then free for
 * a spinner, the broken one too) until it has seen every spinner READY.
 * A spinner on a hart whose timer never fires runs there for good and is
 * never seen READY: after WATCH_S seconds the test fails naming it (and
 * leaves the spinners behind: that one cannot be killed).
 * Host load cannot make a spinner look preempted: proc_list shows the
 * kernel's states, not time.
 */
// test: cpus=4 timeout=60
#include "testlib.h"

#define HARTS 4
#define SPINNERS (2 * HARTS)
#define WATCH_S 10

static int pids[SPINNERS];

/* Marks seen[i] for each spinner proc_list shows READY; returns how many
 * are marked in all. */
static int look(bool seen[SPINNERS])
{
    int n = proc_list(proc_list_buf, PROC_LIST_MAX);
    assert(n > 0);
    int all = 0;
    for (int i = 0; i < SPINNERS; i++) {
        for (int k = 0; k < n; k++)
            if (proc_list_buf[k].pid == pids[i] && proc_list_buf[k].state == PROC_INFO_READY)
                seen[i] = true;
        all += seen[i];
    }
    return all;
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    for (int i = 0; i < SPINNERS; i++) {
        pids[i] = fork_ok();
        if (pids[i] == 0)
            for (;;)
                __asm__ volatile("");
    }
    bool seen[SPINNERS] = { false };
    uint64_t deadline = rdtime() + WATCH_S * TIME_HZ;
    int all = 0;
    while ((all = look(seen)) < SPINNERS && rdtime() < deadline)
        msleep(1);
    /* Before the kills: a spinner no tick takes off its hart never
     * returns to the kernel, where a kill takes effect, so its reap
     * would wait for ever. */
    for (int i = 0; i < SPINNERS; i++)
        if (!seen[i])
            error("spinner %d (pid %d) never seen READY in %d s of %d spinners on %d "
                  "harts: its hart's timer never preempted it", i, pids[i], WATCH_S,
                  SPINNERS, HARTS);
    for (int i = 0; i < SPINNERS; i++)
        kill_and_reap(pids[i]);
    pass("timer_harts: %d spinners on %d harts, each preempted", all, HARTS);
    return 0;
}
