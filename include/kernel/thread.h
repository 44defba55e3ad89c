/*
 * Threads are the unit of scheduling; a process has one.
 *
 * Each thread has a kernel stack of KSTACK_PAGES frames. A user thread's
 * trap frame lives at the top of that stack. `struct cpu` is the per-hart
 * state, reached through the tp register (kernel/arch/riscv/trapvec.S
 * restores tp on every trap from user mode).
 *
 * Life of a thread: thread_alloc makes it EMBRYO (its creator fills in
 * the rest while no one else can see it); sched_ready makes it RUNNABLE;
 * a hart's scheduler loop runs it (RUNNING); it sleeps (SLEEPING) and is
 * woken (RUNNABLE) through sched.h; sched_exit makes it a ZOMBIE, and the
 * scheduler loop that switched away from it frees it (thread_free), since
 * only then is no hart on its stack.
 *
 * Locking, field by field (struct thread):
 *   - state, chan, wake_at, killable, next, sleep_link, timed_link,
 *     kstack_fenced, last_hart: the scheduler's lock (sched.c), which is held
 *     across every switch, so a thread's state and its saved context
 *     change together; kick_owed too, or the thread itself while it runs;
 *   - ctx and fpregs: set up by the creator before the first run (fork
 *     copies the parent's FP registers); then written only by the hart
 *     switching the thread out, under the scheduler's lock, and read by
 *     the one switching it in;
 *   - proc, kstack, tf, tid, name, entry, arg: set before the thread is
 *     first made ready, constant afterwards, so read without a lock;
 *   - lock_link: the lock of the sleeplock it waits for;
 *   - kalloc_fail, journal_cut and locks_held (debug): the thread's own.
 * struct cpu: each hart touches only its own, with interrupts off so it
 * cannot move to another hart meanwhile (push_off, synch.h); other harts
 * read only id and hartid, which are set before the hart starts, and
 * cpus[0]'s timer_at (atomically: deadline.c's add_timed).
 */
#ifndef _KERNEL_THREAD_H_
#define _KERNEL_THREAD_H_

#include <kernel/types.h>
#include <kernel/config.h>
#include <kernel/list.h>
#include <kernel/synch.h>

struct proc;
struct trapframe;

/* Callee-saved registers saved by swtch (kernel/arch/riscv/swtch.S), at
 * the offsets CTX_* of asm-offsets.h. */
struct context {
    uint64_t ra, sp;
    uint64_t s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11;
};

enum thread_state { THREAD_EMBRYO, THREAD_RUNNABLE, THREAD_RUNNING, THREAD_SLEEPING, THREAD_ZOMBIE };

enum { KICK_OWED_CALL = 1, KICK_OWED_NEXT = 2 };   /* thread.kick_owed */

struct thread {
    struct context ctx;          /* saved when not running, at a switch (above) */
    enum thread_state state;     /* guarded by the scheduler lock (sched_lock) */
    void *chan;                  /* what it sleeps on, if SLEEPING; sched_lock */
    uint64_t wake_at;            /* if nonzero, the rdtime() that ends the sleep;
                                  * sched_lock */
    bool killable;               /* SLEEPING in a killable sleep (sched.h); sched_lock */
    struct thread *next;         /* ready-queue link; sched_lock */
    struct list_node sleep_link; /* in its channel's bucket while SLEEPING; sched_lock */
    struct list_node timed_link; /* among the timed sleepers while wake_at != 0;
                                  * sched_lock */
    uint8_t kick_owed;           /* an idle hart's kick it owes for a child it queued
                                  * (sched_ready_child): KICK_OWED_CALL during the
                                  * owing call, KICK_OWED_NEXT after; sched_lock or
                                  * the thread itself while it runs */
    int last_hart;               /* cpu index of the hart it last ran on, -1 before its
                                  * first run (a wakeup goes back there: sched.c);
                                  * sched_lock */
    struct list_node lock_link;  /* in a sleeplock's waiters while it waits for one
                                  * (synch.h); that lock's lk */
    struct proc *proc;           /* owning process, NULL for kernel threads; this and
                                  * the rest, but kstack_fenced, fpregs, the hooks and
                                  * locks_held, are set before it first runs, then
                                  * constant */
    uint64_t kstack;             /* lowest address of the kernel stack */
    uint64_t kstack_fenced[CPU_WORDS]; /* bit per cpu index: that hart has fenced the
                                  * stack since it was mapped (vpmap.h); sched_lock */
    struct trapframe *tf;        /* user trap frame (top of kstack) */
    int tid;
    char name[32];
    void (*entry)(void *);       /* kernel thread body */
    void *arg;
    uint64_t fpregs[33];         /* user f0..f31 and fcsr (FP_FCSR), saved on switch
                                  * (as ctx) */
    int kalloc_fail;             /* test hook (pmem.h): this thread's nth kernel
                                  * allocation from now fails; 0: none. Its own only */
    int journal_cut;             /* test hook (journal.h): a cut at the commit of its
                                  * next transaction; 0: none. Its own only */
#ifdef DEBUG
    struct locks_held locks_held; /* its sleeplocks and transaction (synch.h) */
#endif
};

/* The first three fields are read by trapvec.S at the offsets of asm-offsets.h. */
struct cpu {
    uint64_t kstack_top;         /* CPU_KSTACK_TOP (asm-offsets.h): top of the kernel
                                  * stack the hart runs on: its thread's, or while no
                                  * thread runs, its own boot/scheduler stack (set by
                                  * kmain and the scheduler) */
    uint64_t scratch;            /* CPU_SCRATCH: trapvec.S's spare register */
    uint64_t emergency_top;      /* CPU_EMERGENCY_TOP: top of the hart's emergency stack,
                                  * where trapvec.S goes when the kernel stack has
                                  * overflowed */
    struct thread *thread;       /* running on this hart, or NULL */
    struct context sched_ctx;    /* the scheduler loop's context */
    int noff;                    /* push_off nesting */
    int intena;                  /* were interrupts on before push_off? */
    int id;                      /* index in cpus[] */
    uint64_t hartid;
    uint64_t next_tick;          /* rdtime of the timer's next tick; 0 before the first
                                  * (trap.c, this hart only) */
    uint64_t timer_at;           /* rdtime the hart's timer is set for (trap.c, this
                                  * hart; others read it to decide on an IPI) */
    bool tick_stopped;           /* idle: no tick until it runs a thread (trap.c, this
                                  * hart only) */
    bool stimecmp;               /* its timer is set by writing stimecmp (Sstc), not by
                                  * an SBI call (trap.c, probed once as the hart comes up) */
#ifdef DEBUG
    struct locks_held locks_held; /* its spinlocks (synch.h) */
#endif
};

_Static_assert((1UL << KSTACK_SHIFT) == KSTACK_PAGES * PG_SIZE, "trapvec.S's stack size");

extern struct cpu cpus[NCPU];

/* This hart's struct cpu, kept in tp (set by kmain, never changed): valid
 * only while the thread cannot move to another hart (interrupts off, or a
 * spinlock held), since a switch may resume it elsewhere. */
static inline struct cpu *mycpu(void)
{
    struct cpu *c;
    __asm__ volatile("mv %0, tp" : "=r"(c));
    return c;
}

/* The running thread, or NULL on a hart in its scheduler loop. Safe with
 * interrupts on: the read is done with them off, and the answer stays
 * true for the caller wherever it runs next. */
struct thread *thread_current(void);

/* Saves the callee-saved registers in *old and loads *new's: the
 * scheduler's only way between a thread and its hart's scheduler loop
 * (kernel/arch/riscv/swtch.S). */
void swtch(struct context *old, struct context *new);
/* A new thread's first code (swtch.S): calls thread_start (thread.c),
 * which runs a kernel thread's body or drops a user thread to user mode,
 * and never returns. */
void thread_entry(void);
void thread_start(void);
/* Save and load a user thread's FP registers (f0..f31, fcsr) in regs[33]
 * (kernel/arch/riscv/swtch.S): the scheduler switches them with the thread,
 * and fork copies the parent's, still live in the hart, to the child. */
void fp_save(uint64_t *regs);
void fp_restore(const uint64_t *regs);

/* Creates the thread allocator: once, on the boot hart, after kmalloc_init
 * and before the first thread (no lazy creation that two harts could race
 * on). */
void thread_init(void);
/* Creates a kernel thread running entry(arg) and makes it RUNNABLE. NULL
 * when memory runs out. */
struct thread *thread_create(const char *name, void (*entry)(void *), void *arg);
/* Allocates a thread (EMBRYO) with its kernel stack, for proc code. NULL
 * on no memory. */
struct thread *thread_alloc(const char *name);
/* Frees a thread and its kernel stack: one that never ran (EMBRYO), or a
 * ZOMBIE once it has switched away (the scheduler does this; a zombie
 * process keeps no thread). */
void thread_free(struct thread *t);

#endif /* _KERNEL_THREAD_H_ */
