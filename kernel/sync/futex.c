/*
 * Futexes (contract in futex.h). A waiter is a struct on the waiting
 * thread's stack, queued in the bucket of its key; futex_wake marks it
 * woken, unqueues it and wakes the thread sleeping on it.
 */
#include <kernel/futex.h>
#include <kernel/config.h>
#include <kernel/pmem.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/synch.h>
#include <kernel/uaccess.h>
#include <kernel/vpmap.h>

#define FUTEX_BUCKETS 64

struct futex_waiter {
    paddr_t key;
    bool woken;
    struct futex_waiter *next;
};

static struct bucket {
    struct spinlock lock;
    struct futex_waiter *waiters;
} buckets[FUTEX_BUCKETS];

void futex_init(void)
{
    for (int i = 0; i < FUTEX_BUCKETS; i++)
        spinlock_init(&buckets[i].lock, "futex");
}

static struct bucket *bucket_of(paddr_t key)
{
    return &buckets[(key >> 2) % FUTEX_BUCKETS];
}

/* The physical address of the user word at uaddr, faulting it in. */
static err_t futex_key(int *uaddr, paddr_t *key)
{
    int value;
    if ((uintptr_t)uaddr & 3)
        return ERR_INVAL;
    err_t err = copy_from_user(&value, uaddr, sizeof(value));
    if (err != ERR_OK)
        return err;
    paddr_t pa;
    struct addrspace *as = &proc_current()->as;
    sleeplock_acquire(&as->lock);
    bool mapped = vpmap_lookup(as->root, pg_round_down((uintptr_t)uaddr), &pa, NULL);
    sleeplock_release(&as->lock);
    if (!mapped)
        return ERR_FAULT;
    *key = pa + ((uintptr_t)uaddr & (PG_SIZE - 1));
    return ERR_OK;
}

static void unqueue(struct bucket *b, struct futex_waiter *w)
{
    for (struct futex_waiter **link = &b->waiters; *link; link = &(*link)->next)
        if (*link == w) {
            *link = w->next;
            return;
        }
}

int futex_wait(int *uaddr, int val, unsigned int timeout_ms)
{
    paddr_t key;
    err_t err = futex_key(uaddr, &key);
    if (err != ERR_OK)
        return err;
    uint64_t deadline = 0;
    if (timeout_ms)              /* + 1: the current tick is already partly gone */
        deadline = sched_ticks() + ((uint64_t)timeout_ms * TIMER_HZ + 999) / 1000 + 1;
    struct bucket *b = bucket_of(key);
    struct futex_waiter w = { .key = key, .woken = false };
    spinlock_acquire(&b->lock);
    /* The frame stays mapped while we sleep: only this thread could unmap it. */
    if (__atomic_load_n((int *)kmap_p2v(key), __ATOMIC_SEQ_CST) != val) {
        spinlock_release(&b->lock);
        return ERR_AGAIN;
    }
    w.next = b->waiters;
    b->waiters = &w;
    while (!w.woken) {
        if (deadline && sched_ticks() >= deadline) {
            unqueue(b, &w);
            err = ERR_TIMEDOUT;
            break;
        }
        sched_sleep_until(&w, &b->lock, deadline);
    }
    spinlock_release(&b->lock);
    return err;
}

int futex_wake(int *uaddr, int n)
{
    paddr_t key;
    err_t err = futex_key(uaddr, &key);
    if (err != ERR_OK)
        return err;
    int woken = 0;
    struct bucket *b = bucket_of(key);
    spinlock_acquire(&b->lock);
    for (struct futex_waiter **link = &b->waiters; *link && woken < n;) {
        struct futex_waiter *w = *link;
        if (w->key != key) {
            link = &w->next;
            continue;
        }
        *link = w->next;
        w->woken = true;
        sched_wakeup(w);
        woken++;
    }
    spinlock_release(&b->lock);
    return woken;
}
