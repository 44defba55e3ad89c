/*
 * Mutexes, condition variables and semaphores on futexes (see sync.h).
 * The mutex is the three-state futex mutex of Drepper's "Futexes Are
 * Tricky": unlock only calls the kernel when someone may be waiting.
 */
#include <lib/sync.h>
#include <stdbool.h>

/* The value seen, whether or not it was swapped: callers compare it with
 * expected. Acquire on success, as a successful cas takes a lock. */
static int cas(int *p, int expected, int desired)
{
    __atomic_compare_exchange_n(p, &expected, desired, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
    return expected;             /* the value seen */
}

/* 0: unlocked, no waiter. Release, so a process that sees the object
 * through a shared region sees it initialized. */
void mutex_init(mutex_t *m)
{
    __atomic_store_n(&m->state, 0, __ATOMIC_RELEASE);
}

/* Drepper's mutex: 0 -> 1 without the kernel; else mark the lock 2
 * (contended) and sleep until an exchange finds it 0. Taking it as 2 may
 * cost one needless wake at unlock, never a lost one. */
void mutex_lock(mutex_t *m)
{
    int c = cas(&m->state, 0, 1);
    if (c == 0)
        return;                  /* uncontended: no system call */
    if (c != 2)
        c = __atomic_exchange_n(&m->state, 2, __ATOMIC_ACQUIRE);
    while (c != 0) {
        futex(&m->state, FUTEX_WAIT, 2, 0);
        c = __atomic_exchange_n(&m->state, 2, __ATOMIC_ACQUIRE);
    }
}

/* Only the uncontended 0 -> 1, never sleeping. */
int mutex_trylock(mutex_t *m)
{
    return cas(&m->state, 0, 1) == 0 ? ERR_OK : ERR_LOCK_BUSY;
}

/* From 1 nobody waits: done. From 2 someone may: set 0 and wake one. */
void mutex_unlock(mutex_t *m)
{
    if (__atomic_fetch_sub(&m->state, 1, __ATOMIC_RELEASE) != 1) {
        __atomic_store_n(&m->state, 0, __ATOMIC_RELEASE);
        futex(&m->state, FUTEX_WAKE, 1, 0);
    }
}

/* seq starts at 0; only its changes matter. */
void cond_init(cond_t *c)
{
    __atomic_store_n(&c->seq, 0, __ATOMIC_RELEASE);
}

/* seq is read before m is released, so a signal sent after that (under m)
 * changes seq and FUTEX_WAIT returns at once: no wakeup is lost. */
void cond_wait(cond_t *c, mutex_t *m)
{
    int seq = __atomic_load_n(&c->seq, __ATOMIC_ACQUIRE);
    mutex_unlock(m);
    futex(&c->seq, FUTEX_WAIT, seq, 0);
    /* Take the mutex as contended: others may have queued behind us. */
    while (__atomic_exchange_n(&m->state, 2, __ATOMIC_ACQUIRE) != 0)
        futex(&m->state, FUTEX_WAIT, 2, 0);
}

/* Bumping seq makes a waiter about to sleep return at once; then one
 * sleeper is woken. */
void cond_signal(cond_t *c)
{
    __atomic_fetch_add(&c->seq, 1, __ATOMIC_RELEASE);
    futex(&c->seq, FUTEX_WAKE, 1, 0);
}

/* As cond_signal, waking every sleeper (1 << 30: more than can exist). */
void cond_broadcast(cond_t *c)
{
    __atomic_fetch_add(&c->seq, 1, __ATOMIC_RELEASE);
    futex(&c->seq, FUTEX_WAKE, 1 << 30, 0);
}

/* waiters first, then count with release: a process that sees the count
 * through a shared region sees both set. */
void sem_init(sem_t *s, int value)
{
    __atomic_store_n(&s->waiters, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&s->count, value, __ATOMIC_RELEASE);
}

/* Takes a unit with a cas when there is one; else counts itself a waiter
 * and sleeps while count is still 0 (the kernel checks it), then tries again. */
void sem_wait(sem_t *s)
{
    for (;;) {
        int v = __atomic_load_n(&s->count, __ATOMIC_ACQUIRE);
        if (v > 0) {
            if (cas(&s->count, v, v - 1) == v)
                return;
            continue;
        }
        __atomic_fetch_add(&s->waiters, 1, __ATOMIC_SEQ_CST);
        futex(&s->count, FUTEX_WAIT, 0, 0);
        __atomic_fetch_sub(&s->waiters, 1, __ATOMIC_ACQ_REL);
    }
}

/*
 * sem_wait stores to waiters, then loads count (in the kernel, which
 * sleeps only if it is still 0); sem_post stores to count, then loads
 * waiters. Both pairs must stay in order, or each side can miss the
 * other's store and the waiter sleeps through the post (store buffering,
 * allowed by RISC-V's memory model): hence seq_cst on both sides, which
 * keeps a later load after the AMO (test/sem_order checks sem_post's code).
 */
void sem_post(sem_t *s)
{
    __atomic_fetch_add(&s->count, 1, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&s->waiters, __ATOMIC_SEQ_CST) > 0)
        futex(&s->count, FUTEX_WAKE, 1, 0);
}
