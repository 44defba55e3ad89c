/*
 * Traps: the trap frame saved on the kernel stack by kernel/arch/riscv/
 * trapvec.S, and the C dispatcher on scause.
 *
 * From user mode the frame is built at the top of the current thread's
 * kernel stack (thread->tf); from kernel mode it is pushed on the stack in
 * use, unless that stack has overflowed: then it goes on the hart's
 * emergency stack, and the kernel panics. A trap never switches satp:
 * every page table shares the kernel half. trapvec.S reaches the fields
 * by the offsets in asm-offsets.h (TF_*), which
 * kernel/arch/riscv/asm-offsets.c checks against this struct.
 */
#ifndef _KERNEL_TRAP_H_
#define _KERNEL_TRAP_H_

#include <kernel/types.h>

struct trapframe {
    uint64_t ra, sp, gp, tp;              /*  0..3  */
    uint64_t t0, t1, t2;                  /*  4..6  */
    uint64_t s0, s1;                      /*  7..8  */
    uint64_t a0, a1, a2, a3, a4, a5, a6, a7; /*  9..16 */
    uint64_t s2, s3, s4, s5, s6, s7, s8, s9, s10, s11; /* 17..26 */
    uint64_t t3, t4, t5, t6;              /* 27..30 */
    uint64_t sepc, sstatus, scause, stval; /* 31..34 */
    uint64_t pad;                         /* keeps the frame 16-byte aligned */
};

/* scause values (interrupt bit 63 set for the first three). */
#define SCAUSE_INTR (1UL << 63)
#define IRQ_S_SOFT 1
#define IRQ_S_TIMER 5
#define IRQ_S_EXT 9
#define EXC_INST_MISALIGNED 0
#define EXC_INST_ACCESS 1
#define EXC_ILLEGAL_INST 2
#define EXC_BREAKPOINT 3
#define EXC_LOAD_MISALIGNED 4
#define EXC_LOAD_ACCESS 5
#define EXC_STORE_MISALIGNED 6
#define EXC_STORE_ACCESS 7
#define EXC_ECALL_U 8
#define EXC_ECALL_S 9
#define EXC_INST_PAGE_FAULT 12
#define EXC_LOAD_PAGE_FAULT 13
#define EXC_STORE_PAGE_FAULT 15

/*
 * The hart's timer (trap.c's timer_set, the one place that sets it) is
 * one-shot and set in one of two ways, chosen per hart by trap_init_hart
 * and kept in cpu->stimecmp:
 *
 *  - Sstc: the kernel writes the stimecmp CSR itself (0.1 to 0.9 us under
 *    QEMU, against 1 to 8 us for the SBI call: docs/performance.md). The
 *    hart must implement Sstc and the firmware must have set
 *    menvcfg.STCE (Debian 12's OpenSBI 1.1 does: its banner lists sstc);
 *    otherwise an S-mode access to stimecmp is an illegal instruction.
 *  - SBI TIME set_timer: an ecall into the firmware in M-mode, which
 *    under QEMU costs about as much as a system call.
 *
 * The rule: a hart uses Sstc if and only if reading stimecmp on that
 * hart does not trap (the read goes through the fixup table, so a trap
 * just means no). That asks the one question that matters, both halves
 * at once, on each hart itself (menvcfg is per hart). The device tree's
 * riscv,isa string ("..._sstc" on QEMU 7.2's rv64) says only whether the
 * hart implements it, not whether the firmware enabled it: a firmware
 * older than Sstc on a newer QEMU leaves STCE clear under an ISA string
 * that names sstc, and the first timer write would panic. Nor is the
 * firmware's name and version asked, which would tie the kernel to one
 * firmware's history. QEMU's `-cpu rv64,sstc=off` (make QEMU_CPU=...)
 * boots a hart without it, which takes the SBI path; boot prints which
 * (`[boot] timer through ...`).
 */
void trap_init_hart(void);          /* stvec, sscratch, the timer's way, enable S interrupts */
/* Interrupts off: sets this hart's timer earlier if what it is due for
 * now comes sooner than the time it is set for: on cpus[0], a timed
 * sleeper's deadline before its next tick (deadline.c, which asks cpus[0]
 * by an IPI, whose handler calls this). Sets nothing otherwise. */
void trap_timer_update(void);
/* Interrupts off: the scheduler loop's call before it runs a thread:
 * starts this hart's tick again if a tick that came while the hart was
 * idle stopped it (trap.c), so the thread is preempted in time. Costs
 * nothing (no timer setting) when the tick runs. */
void trap_tick_start(void);
/* Interrupts off: stops this hart for about us microseconds, or until an
 * interrupt is pending (wfi), then puts its timer back to what it is due for.
 * Under QEMU a hart in wfi gives its host core away, which is what a hart
 * spinning on a lock whose holder the host has preempted needs
 * (spinlock.c). Returns at once before the hart's timer runs. */
void trap_nap(uint64_t us);
void trap_handler(struct trapframe *tf);  /* called by trapvec.S */
/* Called by trapvec.S, on the hart's emergency stack, for a kernel trap
 * whose sp was off its kernel stack or left no room for a frame: panics,
 * naming the thread (tf->sp is the overflowed sp). */
void trap_kstack_overflow(struct trapframe *tf) __attribute__((noreturn));
/* Returns to user mode through tf (trapvec.S); never returns. */
void trap_return_to_user(struct trapframe *tf) __attribute__((noreturn));
/* Human-readable name of an exception cause, for killed: and PANIC lines. */
const char *trap_cause_name(uint64_t scause);

#endif /* _KERNEL_TRAP_H_ */
