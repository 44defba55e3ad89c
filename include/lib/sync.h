/*
 * User-level synchronization on futexes: mutexes, condition variables and
 * semaphores that work between threads of control in one process and
 * between processes, when the object lives in a shared region.
 *
 * None makes a system call when there is no contention: the state lives
 * in the object and changes with atomic instructions; only a thread that
 * must wait (or wake a waiter) enters the kernel through futex().
 * Initialize each object once (e.g. by the region's creator) before use.
 * osv-rv's, not osv's (user/lib/sync.c).
 */
#ifndef _LIB_SYNC_H_
#define _LIB_SYNC_H_

#include <lib/futex.h>

typedef struct {
    int state;           /* 0 unlocked, 1 locked, 2 locked with waiters */
} mutex_t;

typedef struct {
    int seq;             /* bumped by every signal and broadcast */
} cond_t;

typedef struct {
    int count;           /* available units */
    int waiters;         /* threads blocked in sem_wait */
} sem_t;

/* Unlocked. */
void mutex_init(mutex_t *m);
/* Sleeps (in futex) while another holds m. Not recursive: locking a mutex
 * the caller holds sleeps for ever. */
void mutex_lock(mutex_t *m);
/* ERR_OK if the mutex was taken, ERR_LOCK_BUSY if it is held. */
int mutex_trylock(mutex_t *m);
/* Caller holds m (not checked); wakes one waiter if there may be one. */
void mutex_unlock(mutex_t *m);

/* No waiter. */
void cond_init(cond_t *c);
/* Releases m, waits for a signal, re-acquires m. Wakeups may be
 * spurious: wait in a loop that re-checks the condition. */
void cond_wait(cond_t *c, mutex_t *m);
/* Wakes one waiter / every waiter; call them holding the mutex the
 * waiters use, so none is between its check and its wait. */
void cond_signal(cond_t *c);
void cond_broadcast(cond_t *c);

/* value units available, no waiter. */
void sem_init(sem_t *s, int value);
/* Takes a unit, sleeping while there is none. */
void sem_wait(sem_t *s);
/* Gives a unit back and wakes one waiter if any. */
void sem_post(sem_t *s);

#endif /* _LIB_SYNC_H_ */
