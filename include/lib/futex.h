/*
 * osv-rv: futexes, the kernel's half of user-level waiting (lib/sync.h
 * builds mutexes, condition variables and semaphores on them). A word in
 * shared memory (a region's view, a shared file mapping) is known by its
 * region or file and offset, so processes that map one region at
 * different addresses meet on the same futex; a word in private memory
 * is the process's own (a fork child's copy is another futex).
 *
 * The kernel includes it for the FUTEX_* values only.
 */
#ifndef _LIB_FUTEX_H_
#define _LIB_FUTEX_H_

#include <lib/usyscall.h>

/* futex ops */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1

#ifndef OSV_KERNEL

/* FUTEX_WAIT: sleep while *uaddr == val (ERR_AGAIN if not equal at the
 * call; ERR_TIMEDOUT after timeout_ms if nonzero). FUTEX_WAKE: wake up to
 * val waiters, the oldest first; returns how many. uaddr must be 4-byte
 * aligned and mapped (ERR_INVAL, ERR_FAULT). */
int futex(int *uaddr, int op, int val, unsigned int timeout_ms);

#endif /* !OSV_KERNEL */
#endif /* _LIB_FUTEX_H_ */
