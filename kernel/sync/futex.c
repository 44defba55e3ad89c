/*
 * Futexes (contract in futex.h). A waiter is a struct on the waiting
 * thread's stack, queued in the bucket of its key; futex_wake marks it
 * woken, unqueues it and wakes the thread sleeping on it.
 *
 * Waiters are woken first come, first served. They were woken latest
 * first (a waiter was pushed on the front of a singly linked list): a
 * process that waited again as soon as it was woken was always the one
 * the next FUTEX_WAKE 1 took, and a waiter under it slept for ever while
 * wakes kept coming (futex_fair).
 *
 * A key names what the word is, not where it lies: (memstore, offset) for
 * a word in a shared view or shared file mapping, (address space, virtual
 * address) for one in private memory. Neither can be freed and reused
 * while a waiter sleeps on it: the waiter's own region holds a reference
 * on the store, and its own process owns the address space.
 */
#include <kernel/futex.h>
#include <kernel/pmem.h>
#include <kernel/proc.h>
#include <kernel/riscv.h>
#include <kernel/sched.h>
#include <kernel/synch.h>
#include <kernel/uaccess.h>
#include <kernel/vpmap.h>

#define FUTEX_BUCKETS 64

struct futex_key {
    const void *space; /* a struct memstore or a struct addrspace */
    uint64_t offset;   /* in the store, or the virtual address */
};

/* On its thread's stack; key is set before it is queued, then constant,
 * and woken and link are guarded by the lock of key's bucket. */
struct futex_waiter {
    struct futex_key key;
    bool woken;            /* a wake took it off the queue */
    struct list_node link; /* in its bucket's waiters */
};

static struct bucket {
    struct spinlock lock; /* LOCK_FUTEX */
    struct list waiters;  /* oldest first; guarded by lock */
} buckets[FUTEX_BUCKETS];

/* Once at boot, before any futex call. */
void futex_init(void)
{
    for (int i = 0; i < FUTEX_BUCKETS; i++) {
        spinlock_init(&buckets[i].lock, "futex", LOCK_FUTEX);
        list_init(&buckets[i].waiters);
    }
}

/* A key's bucket: space and offset mixed, each without its low bits
 * (alike in every key: an aligned pointer, a 4-aligned word), so keys
 * spread over the buckets. */
static struct bucket *bucket_of(struct futex_key key)
{
    return &buckets[(((uintptr_t)key.space >> 4) ^ (key.offset >> 2)) % FUTEX_BUCKETS];
}

/* Two waits are on one futex when they name the same word of the same
 * space: a shared region seen at two addresses is one futex. */
static bool same_key(struct futex_key a, struct futex_key b)
{
    return a.space == b.space && a.offset == b.offset;
}

/* The key of the user word at uaddr, and the physical address of the
 * word as mapped now (for futex_wait to read it). The page tables are
 * asked first (vpmap_user_frame: could the program load the word now?);
 * only a word not mapped so yet is read once through the user-copy path,
 * which faults it in or fails with its error. That path opens user
 * memory (sstatus.SUM), and under QEMU 7.2 each change of SUM flushes
 * the hart's whole TLB: with it every time, a FUTEX_WAKE that woke nobody
 * cost eight null system calls, without it under three. */
static err_t futex_key(int *uaddr, struct futex_key *key, paddr_t *pa)
{
    vaddr_t va = (uintptr_t)uaddr;
    if (va & 3)
        return ERR_INVAL;
    struct addrspace *as = &proc_current()->as;
    for (bool faulted = false;; faulted = true) {
        sleeplock_acquire(&as->lock);
        struct memregion *r = as_find_region(as, va);
        bool mapped = r && vpmap_user_frame(as->root, va, false, pa);
        if (mapped && r->shared)
            *key = (struct futex_key){ r->store, r->offset + (va - r->start) };
        else
            *key = (struct futex_key){ as, va };
        sleeplock_release(&as->lock);
        if (mapped) {
            *pa += va & (PG_SIZE - 1);
            return ERR_OK;
        }
        if (faulted)
            return ERR_FAULT;
        int value;
        err_t err = copy_from_user(&value, uaddr, sizeof(value));
        if (err != ERR_OK)
            return err;
    }
}

/* Wakes up to n of b's waiters on key, the oldest first; returns how
 * many. Caller holds b->lock. */
static int wake_locked(struct bucket *b, struct futex_key key, int n)
{
    int woken = 0;
    for (struct list_node *node = list_begin(&b->waiters), *next;
         node != list_end(&b->waiters) && woken < n; node = next) {
        next = node->next;
        struct futex_waiter *w = list_entry(node, struct futex_waiter, link);
        if (!same_key(w->key, key))
            continue;
        list_remove(&w->link);
        w->woken = true;
        sched_wakeup(w);
        woken++;
    }
    return woken;
}

/*
 * Sleeps while *uaddr == val, checked under the bucket lock so a wake
 * between the check and the sleep is not lost. A waiter killed after a
 * wake chose it (kill made it runnable, the wake came before it ran)
 * passes the wake on to the next waiter: it was meant for a process that
 * goes on, as mutex_unlock's one wake is (lib/sync.h). Dropped, it left
 * the other waiters asleep on a free mutex (hostile_sync). Contract in
 * <kernel/futex.h>.
 */
int futex_wait(int *uaddr, int val, unsigned int timeout_ms)
{
    struct futex_key key;
    paddr_t pa;
    err_t err = futex_key(uaddr, &key, &pa);
    if (err != ERR_OK)
        return err;
    uint64_t deadline = timeout_ms ? sched_deadline_ms(timeout_ms) : 0;
    struct bucket *b = bucket_of(key);
    struct futex_waiter w = { .key = key, .woken = false };
    spinlock_acquire(&b->lock);
    /* The frame is still mapped for this read: only this thread could unmap it. */
    if (__atomic_load_n((int *)kmap_p2v(pa), __ATOMIC_SEQ_CST) != val) {
        spinlock_release(&b->lock);
        return ERR_AGAIN;
    }
    list_append(&b->waiters, &w.link);
    while (!w.woken) {
        if (deadline && rdtime() >= deadline) {
            list_remove(&w.link);
            err = ERR_TIMEDOUT;
            break;
        }
        if (sched_sleep_killable(&w, &b->lock, deadline) != ERR_OK) {
            if (!w.woken)
                list_remove(&w.link);
            else
                wake_locked(b, key, 1); /* the wake was ours and dies with us: pass it on */
            err = ERR_KILLED;
            break;
        }
    }
    spinlock_release(&b->lock);
    return err;
}

/* Wakes up to n waiters on uaddr's futex key. Contract in <kernel/futex.h>. */
int futex_wake(int *uaddr, int n)
{
    struct futex_key key;
    paddr_t pa;
    err_t err = futex_key(uaddr, &key, &pa);
    if (err != ERR_OK)
        return err;
    struct bucket *b = bucket_of(key);
    spinlock_acquire(&b->lock);
    int woken = wake_locked(b, key, n);
    spinlock_release(&b->lock);
    return woken;
}
