/*
 * Synchronization: spinlocks, sleeplocks and condition variables.
 *
 * spinlock: busy-waits; interrupts are off on the holding hart from acquire
 *   to release (nested acquires are counted per hart, so interrupts come back
 *   on only when the last spinlock is released). Never sleep holding one.
 *   Held for short critical sections only.
 * sleeplock: a lock whose waiters sleep; may be held across disk I/O and
 *   while sleeping. Must not be taken with a spinlock held.
 * condvar: Mesa semantics. condvar_wait atomically releases the spinlock,
 *   sleeps until signalled, and re-acquires the spinlock before returning;
 *   callers re-check their condition in a loop.
 *
 * Lock order (DESIGN.md): proc_lock (proc.h), then address space, then the shm
 * table or the file-map table, then a page cache, then a file system
 * transaction, then inode locks, then buffer locks, then pmem. (read() and
 * write() take a file's page cache before their transaction: pgcache.h.)
 * The scheduler's lock comes after every other spinlock (sleeping, waking,
 * and proc_kill's wakeup under proc_lock take it last). The console's lock
 * is taken with no other: Ctrl-C releases it before proc_kill_job takes
 * proc_lock (console.c).
 */
#ifndef _KERNEL_SYNCH_H_
#define _KERNEL_SYNCH_H_

#include <kernel/types.h>

struct cpu;
struct thread;

struct spinlock {
    volatile uint32_t locked;
    const char *name;      /* for debugging */
    struct cpu *holder;    /* the hart holding it, or NULL */
};

void spinlock_init(struct spinlock *lock, const char *name);
void spinlock_acquire(struct spinlock *lock);
void spinlock_release(struct spinlock *lock);
/* True if this hart holds lock. Interrupts must be off. */
bool spinlock_holding(struct spinlock *lock);

/* Interrupt-disable nesting used by spinlocks; usable on their own. */
void push_off(void);
void pop_off(void);

struct condvar {
    int waiters;           /* threads waiting; guarded by the caller's lock */
};

void condvar_init(struct condvar *cv);
/* Caller holds lock. Releases it, sleeps, re-acquires it. */
void condvar_wait(struct condvar *cv, struct spinlock *lock);
/* The same, as a killable sleep (sched.h): ERR_KILLED, with lock held
 * again, if the caller's process is killed before or while it waits;
 * else ERR_OK. A waiter that gives up may have taken a condvar_signal
 * meant for the next one: where wakers signal one waiter, a killed one
 * signals again if what it waited for is there. */
int condvar_wait_killable(struct condvar *cv, struct spinlock *lock);
/* Wakes one waiter / every waiter; the caller should hold the lock that
 * guards the condition, so no wakeup is lost. */
void condvar_signal(struct condvar *cv);
void condvar_broadcast(struct condvar *cv);

struct sleeplock {
    bool locked;
    struct spinlock lk;    /* guards locked and holder */
    struct condvar cv;
    struct thread *holder;
    const char *name;
};

void sleeplock_init(struct sleeplock *lock, const char *name);
void sleeplock_acquire(struct sleeplock *lock);
/* The same, as a killable sleep: ERR_KILLED (lock not taken) if the
 * caller's process is killed first, else ERR_OK. For locks a waiter may
 * wait on for as long as a user wants (a pipe's end). */
int sleeplock_acquire_killable(struct sleeplock *lock);
void sleeplock_release(struct sleeplock *lock);
bool sleeplock_holding(struct sleeplock *lock);

#endif /* _KERNEL_SYNCH_H_ */
