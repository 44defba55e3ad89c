/*
 * What the scheduler's files share, inside kernel/proc/ only: the rest of
 * the kernel goes through sched.h. sched.c owns sched_lock, the ready
 * queue, the hand-off of a thread to a hart and the switch; idle.c the
 * idle harts and how they are woken; sleep.c the sleep queues by
 * channel; deadline.c the timed sleepers and the hart that wakes them.
 */
#ifndef _KERNEL_PROC_SCHED_INTERNAL_H_
#define _KERNEL_PROC_SCHED_INTERNAL_H_

#include <kernel/sched.h>

/* sched.c: the lock, the ready queue and the switch. */

/* The scheduler's one lock (sched.c says what it guards and why it is
 * held across every switch). Every release goes through sched_unlock. */
extern struct spinlock sched_lock;
/* Releases sched_lock, then sends the IPIs owed under it (owe_ipi) and,
 * if this hart owes its own timer, sets it: with interrupts off until
 * they are sent. */
void sched_unlock(void);
/* Notes an IPI for hart index (this hart's own index: its timer to set
 * again), made once sched_lock is released (sched_unlock). sched_lock
 * held. */
void owe_ipi(int index);

/* Makes t RUNNABLE: from a scheduler loop (no current thread), handed to
 * the other hart t last ran on if that hart still polls; else queued,
 * and an idle hart kicked for it, unless the queue was empty and this
 * hart goes to its scheduler loop next (yielding: t is the caller's own
 * thread; or there is no current thread), where it takes t itself.
 * sched_lock held. */
void enqueue(struct thread *t, bool yielding);
/* Switches from the current thread, its state already changed, to its
 * hart's scheduler loop, which pays a kick the thread owes (kick_owed);
 * returns when the thread runs again, never for a ZOMBIE. Panics unless
 * sched_lock is the one spinlock held and sstatus.SUM is clear. */
void switch_to_scheduler(void);

/* idle.c: idle harts and waking them. */

/* By cpu index: that hart is idle and still polling (idle_wait). Set by
 * the hart, cleared by a kick (claim) or by the hart when its poll ends,
 * under sched_lock; the hart reads it without. */
extern bool polling[NCPU];
/* Ends polling hart index's idle_wait (polling[index] set): it goes back
 * to its scheduler loop. sched_lock held. */
void claim(int index);
/* Claims an idle hart other than this one that still polls and returns
 * true; else false, with *wfi the index of one asleep in wfi, or -1 if
 * no other hart is idle. sched_lock held. */
bool claim_polling_hart(int *wfi);
/* Wakes hart index, idle in wfi, by an IPI sent once sched_lock is
 * released (costly under QEMU: idle.c says how much). sched_lock held. */
void wake_wfi_hart(int index);
/* Wakes one idle hart other than this one, a polling one by its flag,
 * else one in wfi by an IPI, to run newly queued work. sched_lock held. */
void kick_idle_hart(void);
/* This hart, c, has nothing to run: called with sched_lock held and
 * interrupts off, it waits (a poll, then wfi) until a kick or an
 * interrupt may bring work, and returns with sched_lock released and
 * interrupts still off. */
void idle_wait(struct cpu *c);

/* sleep.c: sleeping and waking by channel. */

/* Empties the sleep queues: once, from sched_init. */
void sleep_init(void);
/* The one sleep: on chan until a wakeup, the deadline (0: none) or, if
 * killable, a kill of the caller's process. lk, held, is released while
 * asleep and taken again; it may be sched_lock itself, which the caller
 * then holds before and after. ERR_KILLED if killable and killed, before
 * or during the sleep; else ERR_OK. */
err_t sleep_on(void *chan, struct spinlock *lk, uint64_t deadline, bool killable);
/* Takes t, SLEEPING, off the sleep lists (a channel's and, with a
 * deadline, the timed sleepers) and makes it runnable (enqueue).
 * sched_lock held. */
void wake(struct thread *t);

/* deadline.c: the timed sleepers. */

/* No timed sleepers: once, from sched_init. */
void deadline_init(void);
/* Puts t, about to sleep until t->wake_at, on the timed sleepers, making
 * sure cpus[0] looks at them by then (an IPI owed to it if its timer is
 * set later). sched_lock held. */
void add_timed(struct thread *t);

#endif /* _KERNEL_PROC_SCHED_INTERNAL_H_ */
