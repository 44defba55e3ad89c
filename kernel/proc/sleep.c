/*
 * Sleeping and waking by channel (contract in sched.h). Sleeping threads
 * are kept by channel in a small hash of lists, so a wakeup looks only
 * at threads that may sleep on its channel: its cost does not grow with
 * the number of processes (thousands may be asleep or zombies at once).
 * A killable sleep also ends at a kill of its process, and a timed one
 * at its deadline (deadline.c). Apart from sched.c because this is who
 * sleeps on what and who is woken; sched.c then queues the woken thread
 * (enqueue) and switches away from the sleeper (switch_to_scheduler),
 * all under sched_lock (sched_internal.h).
 */
#include <kernel/proc.h>
#include <kernel/thread.h>

#include "sched_internal.h"

#define SLEEP_BUCKETS 64

static struct list sleepers[SLEEP_BUCKETS];      /* SLEEPING threads by channel; sched_lock */

/* The sleep queues start empty, before the first thread sleeps.
 * Contract in sched_internal.h. */
void sleep_init(void)
{
    for (int i = 0; i < SLEEP_BUCKETS; i++)
        list_init(&sleepers[i]);
}

/* The bucket of threads that may sleep on chan. */
static struct list *bucket_of(void *chan)
{
    uintptr_t a = (uintptr_t)chan;
    return &sleepers[((a >> 4) ^ (a >> 12)) % SLEEP_BUCKETS];
}

/* Takes a SLEEPING thread off the sleep lists and queues it. Contract
 * in sched_internal.h. */
void wake(struct thread *t)
{
    list_remove(&t->sleep_link);
    if (t->wake_at)
        list_remove(&t->timed_link);
    enqueue(t, false);
}

/* Whether t's process has been killed (proc_kill). The flag is set
 * before the killer takes sched_lock to wake t, and read here under it,
 * so a sleeper either sees it or is asleep when the killer looks. */
static bool killed(struct thread *t)
{
    return t->proc && proc_killed(t->proc);
}

/* The one sleep: on chan, until a wakeup, the deadline (0: none) or, if
 * killable, a kill of the caller's process. lk is released while asleep
 * and re-acquired. ERR_KILLED if killable and killed (before or during
 * the sleep), else ERR_OK. Contract in sched_internal.h. */
err_t sleep_on(void *chan, struct spinlock *lk, uint64_t deadline, bool killable)
{
    struct thread *t = thread_current();
    if (lk != &sched_lock) {
        spinlock_acquire(&sched_lock);
        spinlock_release(lk);
    }
    err_t err = ERR_OK;
    if (killable && killed(t)) {
        err = ERR_KILLED;
    } else {
        t->chan = chan;
        t->wake_at = deadline;
        t->killable = killable;
        t->state = THREAD_SLEEPING;
        list_append(bucket_of(chan), &t->sleep_link);
        if (deadline)
            add_timed(t);
        switch_to_scheduler();
        t->chan = NULL;
        t->wake_at = 0;
        t->killable = false;
        if (killable && killed(t))
            err = ERR_KILLED;
    }
    if (lk != &sched_lock) {
        sched_unlock();
        spinlock_acquire(lk);
    }
    return err;
}

/* sleep_on, not killable, no deadline. Contract in <kernel/sched.h>. */
void sched_sleep(void *chan, struct spinlock *lk)
{
    sleep_on(chan, lk, 0, false);
}

/* sleep_on, killable. Contract in <kernel/sched.h>. */
err_t sched_sleep_killable(void *chan, struct spinlock *lk, uint64_t deadline)
{
    return sleep_on(chan, lk, deadline, true);
}

/* Ends t's sleep early if it is killable, so a kill is noticed now.
 * Contract in <kernel/sched.h>. */
void sched_wake_killable(struct thread *t)
{
    spinlock_acquire(&sched_lock);
    if (t->state == THREAD_SLEEPING && t->killable)
        wake(t);
    sched_unlock();
}

/* Wakes up to max threads sleeping on chan; returns how many. One hashed
 * bucket of sleepers is scanned under sched_lock. */
static int wakeup(void *chan, int max)
{
    int n = 0;
    spinlock_acquire(&sched_lock);
    struct list *b = bucket_of(chan);
    for (struct list_node *node = list_begin(b), *next; node != list_end(b) && n < max; node = next) {
        next = node->next;
        struct thread *t = list_entry(node, struct thread, sleep_link);
        if (t->chan == chan) {
            wake(t);
            n++;
        }
    }
    sched_unlock();
    return n;
}

/* Every sleeper on chan (no count can exceed 1 << 30 threads).
 * Contract in <kernel/sched.h>. */
int sched_wakeup(void *chan)
{
    return wakeup(chan, 1 << 30);
}

/* Contract in <kernel/sched.h>. */
int sched_wakeup_one(void *chan)
{
    return wakeup(chan, 1);
}
