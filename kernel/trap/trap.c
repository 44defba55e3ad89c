/*
 * The C half of trap handling: dispatch on scause; and the hart's timer.
 *
 *   interrupts: timer (preempt), external (PLIC), software (IPI)
 *   from user:  ecall (system call), page faults (12, 13, 15: pgfault.c),
 *               anything else kills the process with a killed: line
 *   from kernel: page faults (pgfault.c) in user-copy helpers (page filled, or
 *               the fixup) or on a just-mapped kernel stack (retried); the
 *               illegal instruction of the Sstc probe (its fixup); else PANIC
 *
 * A kernel trap on an overflowed stack never gets here: trapvec.S sends it
 * to trap_kstack_overflow, on the hart's emergency stack.
 */
#include <kernel/trap.h>
#include <kernel/riscv.h>
#include <kernel/console.h>
#include <kernel/plic.h>
#include <kernel/sched.h>
#include <kernel/sbi.h>
#include <kernel/syscall.h>
#include <kernel/pgfault.h>
#include <kernel/platform.h>
#include <kernel/proc.h>
#include <kernel/thread.h>
#include <kernel/uaccess.h>
#include <kernel/vpmap.h>
#include <lib/stddef.h>

extern char trap_vector[];

static uint64_t timer_interval;

/* True if this hart lets S-mode write stimecmp (Sstc, and the firmware
 * set menvcfg.STCE): a read of it that traps (illegal instruction) goes
 * to the fixup instead (trap_handler), which says no. Contract and why
 * this and not the device tree: <kernel/trap.h>. */
static bool stimecmp_probe(void)
{
    uint64_t ok;
    __asm__ volatile("1: csrr %0, stimecmp\n"
                     "   li %0, 1\n"
                     "   j 3f\n"
                     "2: li %0, 0\n"
                     "3:\n"
                     "   .pushsection __ex_table, \"a\"; .balign 8; .quad 1b, 2b; .popsection"
                     : "=r"(ok));
    return ok;
}

/* The timer is one-shot, set either way: every setting goes through here,
 * so timer_at always says when it will fire. With Sstc a CSR write
 * (which also clears a pending timer interrupt once `when` is ahead of
 * time); without, a call into the firmware, which does the same for us. */
static void timer_set(struct cpu *c, uint64_t when)
{
    __atomic_store_n(&c->timer_at, when, __ATOMIC_RELAXED);
    if (c->stimecmp)
        csr_write(stimecmp, when);
    else
        sbi_set_timer(when);
}

/* When this hart's timer is due: its next tick (none while its tick is
 * stopped), or, on cpus[0], which wakes the timed sleepers (deadline.c), the
 * first one's deadline if that comes sooner. */
static uint64_t timer_due(struct cpu *c)
{
    uint64_t wake = sched_next_wake(c->id);
    uint64_t tick = c->tick_stopped ? UINT64_MAX : c->next_tick;
    return wake < tick ? wake : tick;
}

/* Sets this hart's timer for what it is due for, which may be later
 * than what it was set for (after its interrupt, a nap, at boot). A
 * sleeper on another hart that lowers next_wake meanwhile and reads the
 * old, earlier timer_at sends no IPI (add_timed, deadline.c). Each side
 * stores its word, fences, then reads the other's, so one of them sees
 * the other's store: that hart sends the IPI, or this one sees the new
 * deadline and sets the timer again. Without the second look a deadline
 * stored between timer_due's read and timer_set's store waited for the
 * next tick. */
static void timer_set_due(struct cpu *c)
{
    uint64_t due = timer_due(c);
    for (;;) {
        timer_set(c, due);
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        uint64_t again = timer_due(c);
        if (again >= due)
            return;
        due = again;
    }
}

/* Contract in <kernel/trap.h>. */
void trap_timer_update(void)
{
    struct cpu *c = mycpu();
    uint64_t due = timer_due(c);
    if (c->next_tick && due < c->timer_at)
        timer_set(c, due);
}

/* A short timer of its own, then the due one again: a tick that fell due
 * meanwhile stays pending and is taken once interrupts are back on.
 * Contract in <kernel/trap.h>. */
void trap_nap(uint64_t us)
{
    struct cpu *c = mycpu();
    if (c->next_tick == 0)
        return;
    uint64_t until = rdtime() + platform_us_ticks(us);
    bool sooner = until < c->timer_at;
    if (sooner)
        timer_set(c, until);
    wfi();
    if (sooner)
        timer_set_due(c);
}

/* The timer's interrupt: a tick (arm the next, and preempt), or on
 * cpus[0] a sleeper's deadline before the tick; either way cpus[0] wakes
 * the sleepers that are due. A tick that finds the hart running no
 * thread (in its scheduler loop: idle) stops the tick until the hart runs
 * one again (trap_tick_start): there is nothing to preempt, and an idle
 * hart woken a hundred times a second only to poll and sleep again cost
 * the host's CPU, a tenth of a core for an idle machine of four harts
 * under QEMU. True if it was a tick. */
static bool timer_interrupt(struct cpu *c)
{
    uint64_t now = rdtime();
    bool tick = !c->tick_stopped && now >= c->next_tick;
    if (tick) {
        c->next_tick = now + timer_interval;
        c->tick_stopped = c->thread == NULL;
    }
    sched_timer();
    timer_set_due(c);
    return tick;
}

/* Contract in <kernel/trap.h>. */
void trap_tick_start(void)
{
    struct cpu *c = mycpu();
    if (!c->tick_stopped)
        return;
    c->tick_stopped = false;
    c->next_tick = rdtime() + timer_interval;
    timer_set_due(c);
}

/* Per hart, since stvec, sie and the timer are per-hart state. sscratch
 * 0 tells trapvec.S that the trap came from the kernel. */
void trap_init_hart(void)
{
    csr_write(stvec, (uint64_t)trap_vector);
    csr_write(sscratch, 0);
    csr_write(scounteren, 0x7); /* user code may read cycle, time, instret (benchmarks) */
    timer_interval = platform.timebase_hz / TIMER_HZ;
    csr_set(sie, SIE_SEIE | SIE_STIE | SIE_SSIE);
    struct cpu *c = mycpu();
    c->stimecmp = stimecmp_probe(); /* after stvec: it may trap */
    c->next_tick = rdtime() + timer_interval;
    timer_set_due(c);
}

/* The privileged spec's names, for killed: lines and PANICs, so a
 * student reads "store page fault" instead of a number. */
const char *trap_cause_name(uint64_t scause)
{
    static const char *names[] = {
        [EXC_INST_MISALIGNED] = "instruction address misaligned",
        [EXC_INST_ACCESS] = "instruction access fault",
        [EXC_ILLEGAL_INST] = "illegal instruction",
        [EXC_BREAKPOINT] = "breakpoint",
        [EXC_LOAD_MISALIGNED] = "load address misaligned",
        [EXC_LOAD_ACCESS] = "load access fault",
        [EXC_STORE_MISALIGNED] = "store address misaligned",
        [EXC_STORE_ACCESS] = "store access fault",
        [EXC_ECALL_U] = "ecall from user mode",
        [EXC_ECALL_S] = "ecall from supervisor mode",
        [EXC_INST_PAGE_FAULT] = "instruction page fault",
        [EXC_LOAD_PAGE_FAULT] = "load page fault",
        [EXC_STORE_PAGE_FAULT] = "store page fault",
    };
    if (scause & SCAUSE_INTR) {
        switch (scause & ~SCAUSE_INTR) {
        case IRQ_S_SOFT:
            return "supervisor software interrupt";
        case IRQ_S_TIMER:
            return "supervisor timer interrupt";
        case IRQ_S_EXT:
            return "supervisor external interrupt";
        default:
            return "unknown interrupt";
        }
    }
    if (scause < NELEM(names) && names[scause])
        return names[scause];
    return "unknown exception";
}

/* Interrupts come in user and kernel mode alike. A software interrupt is
 * an IPI whose job was to wake the hart from wfi (idle.c), to have
 * cpus[0] set its timer for an earlier sleeper (trap_timer_update), or
 * to have the hart flush for a batch of freed kernel stacks that a
 * thread waits for (vpmap_kstack_sync). */
static void interrupt(struct trapframe *tf)
{
    switch (tf->scause & ~SCAUSE_INTR) {
    case IRQ_S_TIMER:
        /* Preempt whatever thread was running at a tick, if it had
         * interrupts on. */
        if (timer_interrupt(mycpu()) && thread_current() &&
            (!(tf->sstatus & SSTATUS_SPP) || (tf->sstatus & SSTATUS_SPIE)))
            sched_yield();
        break;
    case IRQ_S_EXT:
        plic_handle();
        break;
    case IRQ_S_SOFT:
        csr_clear(sip, 1UL << IRQ_S_SOFT);
        trap_timer_update();
        vpmap_kstack_sync();
        break;
    default:
        panic_trap(tf, "unexpected interrupt");
    }
}

/* The cause a killed: line gives an illegal instruction, from its
 * encoding (stval, as the harts QEMU emulates report it): a SYSTEM
 * instruction (opcode 0x73; ecall and ebreak trap otherwise) is a CSR
 * access, sret, wfi or sfence.vma, which user mode may not run; anything
 * else is no instruction the hart knows (a zero word, say). */
static const char *illegal_cause(uint64_t insn)
{
    return (insn & 0x7f) == 0x73 ? "privileged instruction" : "illegal instruction";
}

/* Interrupts go back on at once: a system call or a fault may sleep, and
 * the trap frame is saved. A cause the kernel does not handle is the
 * program's fault, so it is killed, never the kernel. */
static void user_exception(struct trapframe *tf)
{
    intr_on();
    switch (tf->scause) {
    case EXC_ECALL_U:
        tf->sepc += 4;
        syscall_dispatch(tf);
        break;
    case EXC_INST_PAGE_FAULT:
    case EXC_LOAD_PAGE_FAULT:
    case EXC_STORE_PAGE_FAULT:
        pgfault_user(tf);
        break;
    case EXC_BREAKPOINT:
        /* An ebreak. In a lab program it is gcc's check of a divisor
         * (OSV_CFLAGS: RISC-V's division never traps), and a student who
         * divided by zero was told "breakpoint". stval says nothing here
         * (QEMU leaves it 0); the spec allows the pc in its place. */
        proc_kill_current("breakpoint or division by zero", tf->sepc, tf->sepc);
    case EXC_ILLEGAL_INST:
        /* At the pc, as a breakpoint: the encoding in stval, printed
         * there once, read as an address ("at 0x100025f3"). */
        proc_kill_current(illegal_cause(tf->stval), tf->sepc, tf->sepc);
    default:
        proc_kill_current(trap_cause_name(tf->scause), tf->stval, tf->sepc);
    }
}

/* On the way back to user mode a killed process exits instead: this is
 * the one place a kill takes effect (proc.h), so nothing it holds in the
 * kernel is ever torn down under it. */
void trap_handler(struct trapframe *tf)
{
    bool from_user = !(tf->sstatus & SSTATUS_SPP);
    if (tf->scause & SCAUSE_INTR)
        interrupt(tf);
    else if (from_user)
        user_exception(tf);
    else if (tf->scause == EXC_INST_PAGE_FAULT || tf->scause == EXC_LOAD_PAGE_FAULT ||
             tf->scause == EXC_STORE_PAGE_FAULT)
        pgfault_kernel(tf);
    else if (tf->scause == EXC_ILLEGAL_INST && extable_lookup(tf->sepc))
        tf->sepc = extable_lookup(tf->sepc); /* stimecmp_probe's "no" */
    else
        panic_trap(tf, "kernel trap: %s", trap_cause_name(tf->scause));
    if (from_user) {
        struct proc *p = proc_current();
        if (p && proc_killed(p))
            proc_exit(-1);
    }
}

/* Called by trapvec.S on the hart's emergency stack when sp has left
 * the kernel stack: names the thread whose stack overflowed. */
void trap_kstack_overflow(struct trapframe *tf)
{
    struct cpu *c = mycpu();
    uint64_t top = c->kstack_top;
    if (c->thread)
        panic_trap(tf, "kernel stack overflow in thread %s (tid %d): sp 0x%lx, stack 0x%lx-0x%lx",
                   c->thread->name, c->thread->tid, tf->sp, top - (1UL << KSTACK_SHIFT), top);
    panic_trap(tf, "kernel stack overflow on the boot/scheduler stack: sp 0x%lx, stack 0x%lx-0x%lx",
               tf->sp, top - (1UL << KSTACK_SHIFT), top);
}
