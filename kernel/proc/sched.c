/*
 * The scheduler (contract in sched.h): one FIFO ready queue under one
 * spinlock, shared by every hart, and a scheduler loop per hart. Its
 * other parts share the lock through sched_internal.h: idle.c (idle
 * harts and how they are woken), sleep.c (sleeping and waking by
 * channel) and deadline.c (sleeping until a deadline).
 *
 * The lock is held across every switch: a thread takes it, changes its
 * own state, and switches to its hart's scheduler context, which releases
 * it (or a new thread releases it in sched_thread_started). So no other
 * hart can pick a thread up before its registers are saved.
 *
 * A hart with nothing to run polls for a while before it sleeps in wfi
 * (idle_wait, idle.c), and queuing work kicks one idle hart: a polling
 * one by a flag, one in wfi by an IPI; none when the queuing hart is
 * about to take the work itself (enqueue). A thread woken from a
 * scheduler loop whose last hart still polls is handed to that hart
 * instead (enqueue). A new process wakes no hart in wfi at once: its
 * parent, which mostly goes on to wait for it, owes the kick
 * (sched_ready_child).
 *
 * No IPI is sent, and no timer set, with sched_lock held: under QEMU
 * either one takes the emulator's big lock and may wake a host thread,
 * tens of microseconds to milliseconds, and every other hart that wants
 * the scheduler spun or napped meanwhile. They are noted under the lock
 * and made once it is released (sched_unlock).
 */
#include <kernel/thread.h>
#include <kernel/console.h>
#include <kernel/proc.h>
#include <kernel/riscv.h>
#include <kernel/ipi.h>
#include <kernel/trap.h>
#include <kernel/vpmap.h>

#include "sched_internal.h"

struct spinlock sched_lock;                      /* sched_internal.h */
static struct thread *ready_head, *ready_tail;   /* guarded by sched_lock */
static bool kick_after_pick[NCPU];               /* by cpu index: that hart's last thread
                                                  * gave it up owing a kick (kick_owed in
                                                  * thread.h), which its scheduler loop
                                                  * makes if work is left once it picked
                                                  * its next thread; sched_lock */
static struct thread *handed[NCPU];              /* by cpu index: a thread handed to that
                                                  * hart while it polled (enqueue), which
                                                  * runs it next; sched_lock */
static uint64_t ipis_owed[NCPU][CPU_WORDS];      /* by cpu index of the hart holding
                                                  * sched_lock: the harts it sends an IPI
                                                  * to once it releases the lock, its own
                                                  * bit for its timer (sched_unlock) */

/* Initializes the scheduler's locks and sleep queues; once at boot. */
void sched_init(void)
{
    spinlock_init(&sched_lock, "sched", LOCK_SCHED);
    sleep_init();
    deadline_init();
}

/* Notes an IPI for hart index (this hart's own index: its timer to set
 * again), made by sched_unlock. Caller holds sched_lock. Contract in
 * sched_internal.h. */
void owe_ipi(int index)
{
    ipis_owed[mycpu()->id][index / 64] |= 1UL << (index % 64);
}

/*
 * Releases sched_lock, then sends the IPIs owed under it (owe_ipi) and,
 * for this hart's own bit, sets its timer (trap_timer_update). Every
 * release of sched_lock goes through here, on whichever hart holds it:
 * a thread that switched away holding it leaves its IPIs to the hart's
 * scheduler loop. Interrupts stay off until they are sent, so no tick
 * preempts the sender in between and leaves the woken work waiting.
 * Contract in sched_internal.h.
 */
void sched_unlock(void)
{
    struct cpu *c = mycpu();
    uint64_t owed[CPU_WORDS];
    bool any = false;
    for (int w = 0; w < CPU_WORDS; w++) {
        owed[w] = ipis_owed[c->id][w];
        ipis_owed[c->id][w] = 0;
        any |= owed[w] != 0;
    }
    if (!any) {
        spinlock_release(&sched_lock);
        return;
    }
    push_off();
    spinlock_release(&sched_lock);
    for (int w = 0; w < CPU_WORDS; w++)
        for (int bit = 0; owed[w]; bit++, owed[w] >>= 1) {
            if (!(owed[w] & 1))
                continue;
            int i = w * 64 + bit;
            if (i == c->id)
                trap_timer_update();
            else
                ipi_send(i);
        }
    pop_off();
}

/* Puts t at the back of the ready queue. Caller holds sched_lock. */
static void queue_append(struct thread *t)
{
    t->next = NULL;
    if (ready_tail)
        ready_tail->next = t;
    else
        ready_head = t;
    ready_tail = t;
}

/* Makes t runnable. Woken from a scheduler loop (a parent, by its
 * child's exit on another hart), t is handed to the hart it last ran on
 * if that one still polls: its space is still in that hart's satp (lazy
 * switches, vpmap.h), so it runs again with no satp write and the
 * translations it left, where this hart would switch satp, which under
 * QEMU empties its whole TLB (about 7 us of fork + exit + wait). A thread
 * woken by a running one (a futex or pipe hand-off) is queued as before:
 * handed to one hart, it would wait for that hart's host thread, where
 * any idle hart may take it from the queue. Else t is queued,
 * and an idle hart is kicked to run it, unless the queue was empty and
 * this hart is on its way to its scheduler loop (it yields, or it is in
 * the loop: no thread): it takes t itself, and the kick would only wake
 * a hart to find nothing (as at every tick of a busy hart while others
 * idle). Contract in sched_internal.h. */
void enqueue(struct thread *t, bool yielding)
{
    t->state = THREAD_RUNNABLE;
    t->next = NULL;              /* handed, it goes on no queue */
    int last = t->last_hart;
    if (!mycpu()->thread && last >= 0 && last != mycpu()->id && polling[last]) {
        handed[last] = t;        /* none yet: a hart is handed one only while polling */
        claim(last);
        return;
    }
    bool was_empty = !ready_head;
    queue_append(t);
    bool this_hart_takes_it = was_empty && (yielding || !mycpu()->thread);
    if (!this_hart_takes_it)
        kick_idle_hart();
}

/* Takes the thread at the head of the ready queue (FIFO), or NULL.
 * Caller holds sched_lock. */
static struct thread *dequeue(void)
{
    struct thread *t = ready_head;
    if (t) {
        ready_head = t->next;
        if (!ready_head)
            ready_tail = NULL;
        t->next = NULL;
    }
    return t;
}

/* Makes t runnable; may kick an idle hart to run it. */
void sched_ready(struct thread *t)
{
    spinlock_acquire(&sched_lock);
    enqueue(t, false);
    sched_unlock();
}

/*
 * Makes t, a new process's thread that the current thread's fork or
 * spawn made, runnable. An idle hart that still polls is claimed for it
 * as by enqueue; but if every idle hart is in wfi, none is woken now.
 * A parent mostly goes on to wait for the child (or to read what it
 * writes): it then gives its hart up within microseconds, and its
 * scheduler loop takes the child, where an IPI would have cost the
 * parent 20 to 50 us (wake_wfi_hart) and the child a hart's slow way
 * out of wfi. The kick is owed instead (kick_owed): made by the return
 * of the parent's next system call, or by its scheduler loop if the
 * parent gave its hart up and work is still queued once the loop took
 * its next thread (sched_loop); a parent that computes on without a
 * system call is preempted at its next tick, whose yield kicks a hart
 * for the queue. At most one kick is owed: a second fork makes the
 * first one's now.
 */
void sched_ready_child(struct thread *t)
{
    struct thread *self = thread_current();
    spinlock_acquire(&sched_lock);
    t->state = THREAD_RUNNABLE;
    queue_append(t);
    int wfi;
    if (!claim_polling_hart(&wfi) && wfi >= 0) {
        if (self->kick_owed)
            wake_wfi_hart(wfi);  /* the earlier child's */
        self->kick_owed = KICK_OWED_CALL;
    }
    sched_unlock();
}

/* Pays the current thread's owed kick (sched_ready_child) at the return
 * of the system call after the one that owed it. Contract in
 * <kernel/sched.h>. */
void sched_call_done(void)
{
    struct thread *t = thread_current();
    if (!t->kick_owed)
        return;
    if (t->kick_owed == KICK_OWED_CALL) {
        t->kick_owed = KICK_OWED_NEXT;     /* the owing call's own return */
        return;
    }
    t->kick_owed = 0;
    spinlock_acquire(&sched_lock);
    if (ready_head)
        kick_idle_hart();
    sched_unlock();
}

/* Called with sched_lock held and the current thread's state changed.
 * sstatus.SUM is set only inside the user-copy helpers (uaccess.S), and
 * trap entry clears it (trapvec.S), so a copy that faults and sleeps, or
 * is preempted, must reach here with it clear: else the next thread on
 * this hart could touch user memory by accident. Contract in
 * sched_internal.h. */
void switch_to_scheduler(void)
{
    struct cpu *c = mycpu();
    if (c->noff != 1)
        panic("sched: switching with %d spinlocks held", c->noff);
    if (csr_read(sstatus) & SSTATUS_SUM)
        panic("sched: switching with sstatus.SUM set (user memory open to the kernel)");
    if (c->thread->kick_owed) {          /* the loop settles it: sched_ready_child */
        c->thread->kick_owed = 0;
        kick_after_pick[c->id] = true;
    }
    int intena = c->intena;
    swtch(&c->thread->ctx, &c->sched_ctx);
    mycpu()->intena = intena;
}

/* Contract in <kernel/sched.h>. */
void sched_thread_started(void)
{
    sched_unlock();
}

/* Puts the current thread at the back of the ready queue and switches to
 * the scheduler (the timer tick's preemption, or a voluntary yield). */
void sched_yield(void)
{
    spinlock_acquire(&sched_lock);
    enqueue(mycpu()->thread, true);
    switch_to_scheduler();
    sched_unlock();
}

/* t's state read under sched_lock (for ps). Contract in <kernel/sched.h>. */
enum thread_state sched_thread_state(struct thread *t)
{
    spinlock_acquire(&sched_lock);
    enum thread_state state = t->state;
    sched_unlock();
    return state;
}

/* The current thread's last step. Contract in <kernel/sched.h>. */
void sched_exit(struct spinlock *held)
{
    spinlock_acquire(&sched_lock);
    if (held)
        spinlock_release(held);
    mycpu()->thread->state = THREAD_ZOMBIE;
    switch_to_scheduler();
    panic("sched_exit: zombie ran again");
}

/* Each hart's scheduler: runs ready threads one at a time, switching to
 * their address space, and frees exited ones once off their stack; idles
 * when nothing is ready. */
void sched_loop(void)
{
    struct cpu *c = mycpu();
    uint64_t own_stack_top = c->kstack_top;    /* kmain's: the one we run on */
    for (;;) {
        vpmap_kstack_sync();     /* before any handler may touch a stack */
        intr_on();               /* let pending interrupts in */
        intr_off();
        /* A tick an idle spell stopped is started again before a thread
         * runs: here, outside sched_lock, when work seems to wait (read
         * without the lock: a miss is made up for below, under it), as
         * its timer write takes QEMU's big lock (sched_unlock). */
        if (__atomic_load_n(&ready_head, __ATOMIC_RELAXED) ||
            __atomic_load_n(&handed[c->id], __ATOMIC_RELAXED))
            trap_tick_start();
        spinlock_acquire(&sched_lock);
        struct thread *t = handed[c->id];
        if (t)
            handed[c->id] = NULL;
        else
            t = dequeue();
        /* A destroyed space's root, held lazily (an exit here leaves its
         * own): a user thread's activation lets go of it anyway, with
         * the one satp write it makes. */
        if (!t || !t->proc)
            vpmap_idle_check();
        if (kick_after_pick[c->id]) {
            kick_after_pick[c->id] = false;
            if (ready_head)      /* what this hart did not take: sched_ready_child */
                kick_idle_hart();
        }
        if (!t) {
            idle_wait(c);
            continue;
        }
        t->state = THREAD_RUNNING;
        t->last_hart = c->id;
        c->thread = t;
        trap_tick_start();       /* if not started above */
        if (!(t->kstack_fenced[c->id / 64] & (1UL << (c->id % 64)))) {
            vpmap_kstack_fence(t->kstack);         /* its first run here: vpmap.h */
            t->kstack_fenced[c->id / 64] |= 1UL << (c->id % 64);
        }
        if (t->proc) {
            as_activate(&t->proc->as);
            fp_restore(t->fpregs);
        }
        c->kstack_top = t->kstack + KSTACK_PAGES * PG_SIZE;   /* trapvec.S's, from here */
        swtch(&c->sched_ctx, &t->ctx);
        /* t gave the hart back, still holding sched_lock. */
        c->kstack_top = own_stack_top;
        bool exited = t->state == THREAD_ZOMBIE;
        if (t->proc && !exited)
            fp_save(t->fpregs);
        c->thread = NULL;        /* its space stays in satp: lazy switches, vpmap.h */
        sched_unlock();
        if (exited) {
            struct proc *p = t->proc;
            thread_free(t);      /* off its stack for good, and nobody else holds it */
            if (p)
                proc_zombie(p);  /* now its parent may reap it */
        }
    }
}
