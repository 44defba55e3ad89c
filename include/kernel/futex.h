/*
 * Futexes: sleeping on a 32-bit word in user memory.
 *
 * The key says which word it is: for a word in shared memory (a view of a
 * named region, a shared file mapping) the memstore and the offset in it,
 * so processes that map one region or file at different addresses meet on
 * the same futex; for a word in private memory, the address space and the
 * virtual address, so a process never meets another on private memory,
 * not even a fork child whose copy-on-write twin of the word is still
 * the same frame. Waiters sit in one of a fixed set of hash
 * buckets, each under a spinlock; a waiter checks the word and queues
 * itself under that lock, so a wake cannot slip between the check and the
 * sleep.
 *
 * Errors: uaddr not 4-byte aligned is ERR_INVAL; not mapped (or not
 * readable) is ERR_FAULT (ERR_NOMEM if valid but no frame could back it);
 * the word not holding val is ERR_AGAIN; a wait
 * whose timeout_ms (nonzero) runs out is ERR_TIMEDOUT. A wait lasts at
 * least timeout_ms, and a little more: cpus[0] sets its timer for the
 * deadline and wakes the waiter (sched.h), which must then get a hart.
 * A wait is killable: ERR_KILLED if the process is killed meanwhile
 * (sched.h; the program never sees it).
 *
 * Locking: both calls find the key under the caller's address space lock
 * and may fault the word's page in, so both may sleep: call them holding
 * no lock. The bucket spinlocks (LOCK_FUTEX) are futex.c's own.
 */
#ifndef _KERNEL_FUTEX_H_
#define _KERNEL_FUTEX_H_

#include <kernel/types.h>
#include <lib/errcode.h>
#include <lib/futex.h>        /* FUTEX_WAIT, FUTEX_WAKE */

/* Once at boot, before any process runs. */
void futex_init(void);
/* Sleeps while *uaddr == val; ERR_OK when woken, else an error above. */
int futex_wait(int *uaddr, int val, unsigned int timeout_ms);
/* Wakes up to n waiters on uaddr, the oldest first (one that waits
 * again at once must not keep the wakes from an older one); returns how
 * many were woken, or the error of finding uaddr's key (ERR_INVAL,
 * ERR_FAULT, ERR_NOMEM). A waiter woken and killed before it ran passes
 * its wake to another waiter on the word (if any), so a wake is never
 * lost with a dying process. */
int futex_wake(int *uaddr, int n);

#endif /* _KERNEL_FUTEX_H_ */
