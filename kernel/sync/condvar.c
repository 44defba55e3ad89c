/*
 * Condition variables on top of the scheduler's sleep channels: the
 * condvar's own address is the channel. The waiter count lets signal skip
 * the scan of sleeping threads when nobody waits.
 */
#include <kernel/synch.h>
#include <kernel/sched.h>

/* A condvar is only a count: the sleep channel is its address. */
void condvar_init(struct condvar *cv)
{
    cv->waiters = 0;
}

/* Releases lock, sleeps until signalled, and retakes lock; the waiter
 * count lets signal skip the sleepers scan. Caller holds lock. */
void condvar_wait(struct condvar *cv, struct spinlock *lock)
{
    cv->waiters++;
    sched_sleep(cv, lock);
    cv->waiters--;
}

/* As condvar_wait, but ERR_KILLED if the process is killed meanwhile. */
int condvar_wait_killable(struct condvar *cv, struct spinlock *lock)
{
    cv->waiters++;
    err_t err = sched_sleep_killable(cv, lock, 0);
    cv->waiters--;
    return err;
}

/* No waiter counted: nothing to wake, and no sleep queue scanned. Correct
 * only when the caller holds the lock the waiters released (synch.h), since
 * a waiter counts itself under that lock. */
void condvar_signal(struct condvar *cv)
{
    if (cv->waiters > 0)
        sched_wakeup_one(cv);
}

/* As condvar_signal, for every waiter. */
void condvar_broadcast(struct condvar *cv)
{
    if (cv->waiters > 0)
        sched_wakeup(cv);
}
