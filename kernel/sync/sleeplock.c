/*
 * Sleeplocks: locks held across operations that may sleep (disk I/O, page
 * faults that allocate). Waiters sleep instead of spinning. The lock order
 * (synch.h) is checked before a thread waits, so an acquisition out of
 * order panics in the debug build even when it would not have deadlocked
 * this time.
 *
 * First come, first served: waiters queue in the lock, and a release
 * hands the lock straight to the oldest one (it stays locked, with the
 * waiter as its holder) instead of freeing it for whoever asks next. A
 * free-for-all lock starved waiters: on one hart, the thread that had just
 * let go always took the lock again before the waiter it woke ran, and a
 * reader waited behind a mapping's write-back for ever (lock_fair).
 */
#include <kernel/synch.h>
#include <kernel/thread.h>
#include <kernel/sched.h>

/* A free sleeplock; rank is its place in the lock order (synch.h). */
void sleeplock_init(struct sleeplock *lock, const char *name, enum lock_rank rank)
{
    spinlock_init(&lock->lk, name, LOCK_SLEEPLOCK);
    list_init(&lock->waiters);
    lock->locked = false;
    lock->rank = (uint8_t)rank;
    lock->holder = NULL;
    lock->name = name;
}

/* At the lock's own rank; a second lock of a class (an inode in its
 * directory, a nested buffer) uses sleeplock_acquire_nested instead. */
void sleeplock_acquire(struct sleeplock *lock)
{
    sleeplock_acquire_nested(lock, lock->rank);
}

/* Takes a free lock, or queues the caller and sleeps until a release hands
 * it the lock (killable: or until a kill). ERR_KILLED if killed before the
 * lock came, off the queue again; else ERR_OK, the lock held. Caller
 * holds lock->lk. */
static err_t take_or_wait(struct sleeplock *lock, bool killable)
{
    struct thread *self = thread_current();
    err_t err = ERR_OK;
    if (lock->locked) {
        /* the thread's lock_link is the channel, so a release wakes it alone */
        list_append(&lock->waiters, &self->lock_link);
        while (lock->holder != self && err == ERR_OK) {
            if (killable)
                err = sched_sleep_killable(&self->lock_link, &lock->lk, 0);
            else
                sched_sleep(&self->lock_link, &lock->lk);
        }
        if (lock->holder == self)
            return ERR_OK; /* handed over, perhaps as the kill came */
        list_remove(&self->lock_link);
        return err;
    }
    lock->locked = true;
    lock->holder = self;
    return ERR_OK;
}

/* Sleeps until the lock is handed over (or is free), checked against the
 * lock order at rank (for a second lock of the same kind held at once). */
void sleeplock_acquire_nested(struct sleeplock *lock, enum lock_rank rank)
{
    lock_order_acquire(lock, lock->name, rank, true);
    spinlock_acquire(&lock->lk);
    take_or_wait(lock, false);
    spinlock_release(&lock->lk);
}

/* As sleeplock_acquire, but gives up with ERR_KILLED if the process is
 * killed before the lock is handed over. */
int sleeplock_acquire_killable(struct sleeplock *lock)
{
    lock_order_acquire(lock, lock->name, lock->rank, true);
    spinlock_acquire(&lock->lk);
    err_t err = take_or_wait(lock, true);
    spinlock_release(&lock->lk);
    if (err != ERR_OK)
        lock_order_release(lock, lock->name, true); /* not taken after all */
    return err;
}

/* Hands the lock to the oldest waiter, which wakes up holding it, or
 * frees it if nobody waits. */
void sleeplock_release(struct sleeplock *lock)
{
    lock_order_release(lock, lock->name, true);
    spinlock_acquire(&lock->lk);
    if (list_empty(&lock->waiters)) {
        lock->locked = false;
        lock->holder = NULL;
    } else {
        struct thread *t = list_entry(list_begin(&lock->waiters), struct thread, lock_link);
        list_remove(&t->lock_link);
        lock->holder = t;
        sched_wakeup_one(&t->lock_link);
    }
    spinlock_release(&lock->lk);
}

/* True if the current thread holds the lock (for assertions). */
bool sleeplock_holding(struct sleeplock *lock)
{
    spinlock_acquire(&lock->lk);
    bool held = lock->locked && lock->holder == thread_current();
    spinlock_release(&lock->lk);
    return held;
}
