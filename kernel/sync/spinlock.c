/*
 * Spinlocks. Acquire turns interrupts off on this hart first (push_off), so
 * an interrupt handler that takes the same lock cannot deadlock against the
 * code it interrupted; release turns them back on when the outermost lock
 * is dropped (pop_off). The atomic swap and the fences order every access
 * inside the critical section. In the debug build each acquire checks the
 * lock order (synch.h) against the locks this hart and its thread hold.
 */
#include <kernel/synch.h>
#include <kernel/console.h>
#include <kernel/platform.h>
#include <kernel/riscv.h>
#include <kernel/thread.h>
#include <kernel/trap.h>

/* A lock is held for a few microseconds; one still taken after
 * SPIN_BEFORE_NAP_US most likely has a holder whose hart the host has
 * preempted (under QEMU each hart is a host thread, and harts may
 * outnumber host cores). Spinning on would only take the host core it
 * needs; the hart naps for NAP_US in wfi instead, which gives the core
 * away, then tries again. */
#define SPIN_BEFORE_NAP_US 100
#define NAP_US 50

/* A free spinlock; rank is its place in the lock order (synch.h). */
void spinlock_init(struct spinlock *lock, const char *name, enum lock_rank rank)
{
    lock->locked = 0;
    lock->rank = (uint8_t)rank;
    lock->name = name;
    lock->holder = NULL;
}

/* True if this hart holds lock: the acquire and release checks. Only
 * meaningful with interrupts off: a hart that could be preempted between
 * the two reads might move to another hart meanwhile. */
static bool spinlock_holding(struct spinlock *lock)
{
    return lock->locked && lock->holder == mycpu();
}

/* Spins until the lock is free, with interrupts off on this hart until the
 * release (an interrupt handler taking the lock would deadlock). Taking a
 * lock this hart holds panics. */
void spinlock_acquire(struct spinlock *lock)
{
    push_off();
    if (spinlock_holding(lock))
        panic("spinlock_acquire: %s already held by this hart", lock->name);
    lock_order_acquire(lock, lock->name, lock->rank, false);
    uint64_t since = 0;
    while (__sync_lock_test_and_set(&lock->locked, 1) != 0) {
        if (!since) {
            since = rdtime();
        } else if (rdtime() - since > platform_us_ticks(SPIN_BEFORE_NAP_US)) {
            trap_nap(NAP_US);
            since = 0;
        }
    }
    __sync_synchronize();
    lock->holder = mycpu();
}

/* Frees the lock, with a fence so the critical section's stores are seen
 * first, and restores interrupts as push_off found them. */
void spinlock_release(struct spinlock *lock)
{
    if (!spinlock_holding(lock))
        panic("spinlock_release: %s not held", lock->name);
    lock_order_release(lock, lock->name, false);
    lock->holder = NULL;
    __sync_synchronize();
    __sync_lock_release(&lock->locked);
    pop_off();
}

/* Like intr_off, but nests: interrupts stay off until the matching number
 * of pop_offs, then return to their state at the first push_off. */
void push_off(void)
{
    bool was_on = intr_get();
    intr_off();
    struct cpu *c = mycpu();
    if (c->noff == 0)
        c->intena = was_on;
    c->noff++;
}

/* Undoes one push_off; panics if unbalanced or interrupts were turned on. */
void pop_off(void)
{
    struct cpu *c = mycpu();
    if (intr_get())
        panic("pop_off: interrupts on");
    if (c->noff < 1)
        panic("pop_off: not pushed");
    c->noff--;
    if (c->noff == 0 && c->intena)
        intr_on();
}
