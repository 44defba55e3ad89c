/*
 * The lock-order check of the debug build (synch.h). Without DEBUG this
 * file is empty and synch.h makes the two hooks nothing.
 *
 * A thread's record (struct thread) holds its sleeplocks and transaction,
 * which it keeps while it sleeps and wherever it runs next; a hart's record
 * (struct cpu) holds its spinlocks, which are taken and released with
 * interrupts off on that hart (the scheduler lock too: a thread takes it
 * and its hart's scheduler loop releases it, on the same hart). Both are
 * read and changed with interrupts off, so an interrupt handler's locks,
 * checked against them, never see one half written.
 */
#include <kernel/synch.h>
#include <kernel/console.h>
#include <kernel/thread.h>

#ifdef DEBUG

/* The record a lock goes in: the running thread's, or NULL when there is
 * no thread (boot), else the hart's. Interrupts off. */
static struct locks_held *record_of(bool on_thread)
{
    if (!on_thread)
        return &mycpu()->locks_held;
    struct thread *t = mycpu()->thread;
    return t ? &t->locks_held : NULL;
}

/* Index of the lock of highest rank in h that is not below rank, or -1. */
static int worst_in(struct locks_held *h, int rank)
{
    int worst = -1;
    for (int i = 0; h && i < h->n; i++)
        if (h->held[i].rank >= rank && (worst < 0 || h->held[i].rank > h->held[worst].rank))
            worst = i;
    return worst;
}

/* Panics if a lock of this rank or higher is already held by the thread or
 * hart (a possible deadlock), else records lock as held. */
void lock_order_acquire(const void *lock, const char *name, enum lock_rank rank, bool on_thread)
{
    push_off();
    struct locks_held *records[2] = { record_of(false), record_of(true) };
    struct locks_held *culprit = NULL;
    int worst = -1;
    for (int r = 0; r < 2; r++) {
        int i = worst_in(records[r], rank);
        if (i >= 0 && (!culprit || records[r]->held[i].rank > culprit->held[worst].rank)) {
            culprit = records[r];
            worst = i;
        }
    }
    if (culprit)
        panic("lock order: taking %s (rank %d) while holding %s (rank %d)", name, rank,
              culprit->held[worst].name, culprit->held[worst].rank);
    struct locks_held *mine = records[on_thread];
    if (mine) {
        if (mine->n == LOCKS_HELD_MAX)
            panic("lock order: taking %s with %d locks held already (LOCKS_HELD_MAX)", name,
                  mine->n);
        mine->held[mine->n].lock = lock;
        mine->held[mine->n].name = name;
        mine->held[mine->n].rank = rank;
        mine->n++;
    }
    pop_off();
}

/* Removes lock from the holder's record; releasing a lock not held panics. */
void lock_order_release(const void *lock, const char *name, bool on_thread)
{
    push_off();
    struct locks_held *mine = record_of(on_thread);
    if (mine) {
        int i = mine->n - 1;
        while (i >= 0 && mine->held[i].lock != lock)
            i--;
        if (i < 0)
            panic("lock order: releasing %s, which this %s does not hold", name,
                  on_thread ? "thread" : "hart");
        for (; i + 1 < mine->n; i++)
            mine->held[i] = mine->held[i + 1];
        mine->n--;
    }
    pop_off();
}

#endif /* DEBUG */
