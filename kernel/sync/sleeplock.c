/*
 * Sleeplocks: locks held across operations that may sleep (disk I/O, page
 * faults that allocate). Waiters sleep on the lock's condvar instead of
 * spinning. The lock order (synch.h) is checked before a thread waits, so
 * an acquisition out of order panics in the debug build even when it would
 * not have deadlocked this time.
 */
#include <kernel/synch.h>
#include <kernel/thread.h>
#include <kernel/sched.h>

/* A free sleeplock; rank is its place in the lock order (synch.h). */
void sleeplock_init(struct sleeplock *lock, const char *name, enum lock_rank rank)
{
    spinlock_init(&lock->lk, name, LOCK_SLEEPLOCK);
    condvar_init(&lock->cv);
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

/* Sleeps until the lock is free, checked against the lock order at rank
 * (for a second lock of the same kind held at once). */
void sleeplock_acquire_nested(struct sleeplock *lock, enum lock_rank rank)
{
    lock_order_acquire(lock, lock->name, rank, true);
    spinlock_acquire(&lock->lk);
    while (lock->locked)
        condvar_wait(&lock->cv, &lock->lk);
    lock->locked = true;
    lock->holder = thread_current();
    spinlock_release(&lock->lk);
}

/* As sleeplock_acquire, but gives up with ERR_KILLED if the process is
 * killed while waiting, passing on a wakeup it may have taken. */
int sleeplock_acquire_killable(struct sleeplock *lock)
{
    int err = ERR_OK;
    lock_order_acquire(lock, lock->name, lock->rank, true);
    spinlock_acquire(&lock->lk);
    while (lock->locked && err == ERR_OK)
        err = condvar_wait_killable(&lock->cv, &lock->lk);
    if (err == ERR_OK) {
        lock->locked = true;
        lock->holder = thread_current();
    } else if (!lock->locked) {
        condvar_signal(&lock->cv); /* the release's wakeup may have been ours */
    }
    spinlock_release(&lock->lk);
    if (err != ERR_OK)
        lock_order_release(lock, lock->name, true); /* not taken after all */
    return err;
}

/* Frees the lock and wakes one waiter. */
void sleeplock_release(struct sleeplock *lock)
{
    lock_order_release(lock, lock->name, true);
    spinlock_acquire(&lock->lk);
    lock->locked = false;
    lock->holder = NULL;
    condvar_signal(&lock->cv);
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
