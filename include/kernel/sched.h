/*
 * The scheduler: one ready queue under one lock, shared by all harts. Every
 * hart runs sched_loop, which takes the next RUNNABLE thread and switches to
 * it; the timer makes the running thread yield every tick (an idle hart
 * has no tick: trap.c).
 *
 * Sleeping is by channel (any address): sched_sleep releases the caller's
 * spinlock and sleeps atomically with respect to sched_wakeup, so no wakeup
 * is lost when the waker holds the same lock. condvars (synch.h) build on it.
 *
 * Killable sleeps. A sleep that waits on another process or on the user
 * (console input, pipes, wait, sleep(), futexes, shm locks) is killable: a
 * kill of the sleeper's process (proc_kill, proc.h) wakes it, and the
 * sleep returns ERR_KILLED; the caller then unwinds (freeing what it holds)
 * and returns that code from its system call, and the process exits with
 * -1 on its way back to user mode (trap.c), so ERR_KILLED never reaches a
 * program. Other sleeps (sleeplocks, but for a pipe's ends, and disk I/O)
 * are short and not killable: the kill takes effect when the system call
 * returns.
 */
#ifndef _KERNEL_SCHED_H_
#define _KERNEL_SCHED_H_

#include <kernel/types.h>
#include <kernel/synch.h>
#include <kernel/thread.h>
#include <lib/errcode.h>

/* Kernel only: a killable sleep ended because its process was killed.
 * Outside errcode.h's range on purpose: no program ever sees it. */
#define ERR_KILLED -100

/* Sets up the ready queue, the sleep queues and their locks: once, on the
 * boot hart, before the first thread is made. */
void sched_init(void);
/* Each hart's last step of bring-up: runs ready threads for good. */
void sched_loop(void) __attribute__((noreturn));
/* Called once, first thing, by a new thread (thread.c's thread_start).
 * sched_loop switches to a thread holding the scheduler lock; a thread
 * that ran before resumes in the call that switched away (sched_yield,
 * sched_sleep, ...), which releases it, but a new thread has no such call,
 * so it releases the lock here. */
void sched_thread_started(void);
/* Makes t RUNNABLE and queues it. */
void sched_ready(struct thread *t);
/* The same for the thread of a process the current thread just forked or
 * spawned, which wakes no hart in wfi for it at once: the current thread
 * owes the kick (thread.h, kick_owed) until it gives its hart up or its
 * next system call returns (sched.c says why). */
void sched_ready_child(struct thread *t);
/* Called at the end of every system call (syscall_dispatch): pays a kick
 * that sched_ready_child made the current thread owe, once the call after
 * the owing one returns. */
void sched_call_done(void);
/* Gives up the hart; the thread stays RUNNABLE. */
void sched_yield(void);
/* Sleeps on chan; lk (held) is released while asleep and re-acquired. */
void sched_sleep(void *chan, struct spinlock *lk);
/* As sched_sleep, but killable (above), and also woken once rdtime()
 * reaches deadline (0: no deadline; the caller tells by its own state):
 * cpus[0]'s timer is set for the first deadline (deadline.c), so the wake
 * comes as soon as cpus[0] takes that interrupt.
 * ERR_KILLED at once if the caller's process is already killed, or when a
 * kill wakes it; ERR_OK after a wakeup or the deadline. */
err_t sched_sleep_killable(void *chan, struct spinlock *lk, uint64_t deadline);
/* Wakes t if it is in a killable sleep (proc_kill, after setting the
 * process's killed flag). */
void sched_wake_killable(struct thread *t);
/* t's state now (for ps: it may change as soon as this returns). */
enum thread_state sched_thread_state(struct thread *t);
/* Wakes every thread / one thread sleeping on chan. Returns how many. */
int sched_wakeup(void *chan);
int sched_wakeup_one(void *chan);
/* Marks the current thread ZOMBIE and switches away for good; the
 * scheduler then frees the thread and its kernel stack. If held is not
 * NULL, it is a spinlock the caller holds, released only once the
 * scheduler lock is taken, so the thread is not preempted between its last
 * change under held and the switch (proc_exit's proc_lock). A parent
 * learns of the exit later, from proc_zombie, once the thread is freed. */
void sched_exit(struct spinlock *held) __attribute__((noreturn));

/* The rdtime() value ms milliseconds from now: a deadline. */
uint64_t sched_deadline_ms(uint64_t ms);
/* Sleeps the calling thread until rdtime() reaches deadline; killable:
 * ERR_KILLED if its process is killed first, else ERR_OK. */
err_t sched_sleep_until(uint64_t deadline);

/* Called by every timer interrupt on every hart (trap.c); on cpus[0], wakes
 * the timed sleepers whose deadline has come. */
void sched_timer(void);
/* For cpus[cpu]'s timer (trap.c), which it sets no later: on cpus[0],
 * the first deadline of a timed sleeper, or UINT64_MAX (always, on the
 * other harts). May be earlier than any (a sleeper woken since): the
 * timer then fires for nothing. Any context, no lock. */
uint64_t sched_next_wake(int cpu);

#endif /* _KERNEL_SCHED_H_ */
