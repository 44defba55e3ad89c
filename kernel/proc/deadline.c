/*
 * Sleeping until a deadline (contract in sched.h). Sleepers with a
 * deadline are on one more list than their channel's (sleep.c), the
 * timed sleepers. Deadlines are rdtime() values, and cpus[0] alone wakes
 * the sleepers whose deadline has come (wake_expired), at each of its
 * ticks and, for a deadline before its next tick, when its timer is set
 * earlier for it (next_wake): so a futex timeout of 1 ms lasts about
 * 1 ms, not up to two 10 ms ticks. Apart from sleep.c because it is
 * about time, and about the one hart whose timer serves every sleeper.
 */
#include <kernel/riscv.h>
#include <kernel/platform.h>
#include <kernel/thread.h>

#include "sched_internal.h"

/* The cpus[] index of the hart that wakes timed sleepers for all: the
 * boot hart, whatever its hartid, so one hart's clock decides. */
#define WAKER 0

static struct list timed_sleepers;               /* SLEEPING with a deadline; sched_lock */
static uint64_t next_wake = UINT64_MAX;          /* no timed sleeper's deadline is earlier;
                                                  * set under sched_lock, read without by
                                                  * cpus[0] to set its timer */

/* No timed sleeper yet, before the first thread sleeps. Contract in
 * sched_internal.h. */
void deadline_init(void)
{
    list_init(&timed_sleepers);
}

/* Puts t, going to sleep until t->wake_at, on the timed sleepers, and
 * makes sure cpus[0] looks at them by then: a deadline before the time
 * its timer is set for becomes next_wake, and cpus[0] is told to set its
 * timer earlier (by an IPI, unless this is cpus[0], which is on its way
 * to the scheduler and does it itself: both once sched_lock is released,
 * sched_unlock). timer_at is read without a lock,
 * after a fence that pairs with the one in cpus[0]'s timer_set_due
 * (trap.c): if this read misses a later timer_at, cpus[0] sees the new
 * next_wake. While cpus[0] runs threads its every tick also wakes
 * whoever is due; an idle cpus[0] has no tick (trap.c), only its timer
 * for next_wake. sched_lock held. Contract in sched_internal.h. */
void add_timed(struct thread *t)
{
    list_append(&timed_sleepers, &t->timed_link);
    if (t->wake_at >= next_wake)
        return;                  /* cpus[0] will look by an earlier deadline */
    __atomic_store_n(&next_wake, t->wake_at, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (t->wake_at >= __atomic_load_n(&cpus[WAKER].timer_at, __ATOMIC_RELAXED))
        return;
    owe_ipi(WAKER);
}

/* Wakes the sleepers whose deadline has come (sched_sleep_killable), and
 * sets next_wake to the first deadline of the others. */
static void wake_expired(void)
{
    spinlock_acquire(&sched_lock);
    uint64_t now = rdtime(), first = UINT64_MAX;
    struct list *l = &timed_sleepers;
    for (struct list_node *node = list_begin(l), *next; node != list_end(l); node = next) {
        next = node->next;
        struct thread *t = list_entry(node, struct thread, timed_link);
        if (now >= t->wake_at)
            wake(t);
        else if (t->wake_at < first)
            first = t->wake_at;
    }
    __atomic_store_n(&next_wake, first, __ATOMIC_RELAXED);
    sched_unlock();
}

/* Only the WAKER's interrupts wake timed sleepers. Contract in
 * <kernel/sched.h>. */
void sched_timer(void)
{
    if (mycpu()->id == WAKER)
        wake_expired();
}

/* next_wake, read without a lock, for the WAKER only. Contract in
 * <kernel/sched.h>. */
uint64_t sched_next_wake(int cpu)
{
    return cpu == WAKER ? __atomic_load_n(&next_wake, __ATOMIC_RELAXED) : UINT64_MAX;
}

/* Whole seconds and the milliseconds left apart, the latter rounded up:
 * exact for any clock rate (timebase_hz / 1000 rounded down would end a
 * wait up to 2.3% early on a 32768 Hz clock), and no overflow for
 * sleep(UINT_MAX). Contract in <kernel/sched.h>. */
uint64_t sched_deadline_ms(uint64_t ms)
{
    uint64_t hz = platform.timebase_hz;
    return rdtime() + ms / 1000 * hz + (ms % 1000 * hz + 999) / 1000;
}

/* A timed sleep on a channel no one wakes (the thread's own address), so
 * only the deadline (wake_expired) or a kill ends it. sleep() once waited
 * on a condvar every tick broadcast: each sleeper was woken, run and put
 * back to sleep 100 times a second, and 2,500 of them slowed a program
 * that only computes twelvefold (sleep_quiet). Contract in
 * <kernel/sched.h>. */
err_t sched_sleep_until(uint64_t deadline)
{
    struct thread *t = thread_current();
    err_t err = ERR_OK;
    spinlock_acquire(&sched_lock);
    while (rdtime() < deadline && err == ERR_OK)
        err = sleep_on(t, &sched_lock, deadline, true);
    sched_unlock();
    return err;
}
