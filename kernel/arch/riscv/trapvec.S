/*
 * The trap vector (stvec) for every trap, from user or kernel mode.
 *
 * sscratch tells the two apart: it is 0 while the hart runs kernel code and
 * holds the hart's struct cpu pointer while it runs user code. Swapping it
 * with tp on entry gives us the cpu pointer either way, and restores the
 * kernel's tp after user code clobbered it. The frame (struct trapframe,
 * trap.h) goes on the current thread's kernel stack: from user mode at
 * cpu->kstack_top, from kernel mode below the interrupted sp. satp never
 * changes: the kernel half is in every page table.
 *
 * A kernel stack overflow. Below each kernel stack is an unmapped guard
 * page, so a store past the stack traps; but the trap would push its frame
 * below the same sp, into the guard (a fault inside the trap entry, and
 * again, walking down into the neighbouring stack or unmapped space). So
 * from kernel mode the entry first checks that sp lies on the stack the
 * hart runs on, cpu->kstack_top (its thread's, or its boot/scheduler
 * stack, all 1 << KSTACK_SHIFT bytes) and that a frame fits above the
 * bottom: 0 <= kstack_top - sp <= stack size - TF_SIZE, tested as "sp is not
 * above the top, and (kstack_top - sp + TF_SIZE - 1) >> KSTACK_SHIFT is 0",
 * seven instructions with t0 parked in cpu->scratch. If not, the frame
 * goes on the hart's emergency stack (cpu->emergency_top, one page of a
 * kernel-stack slot of its own) and trap_kstack_overflow panics from there,
 * with the interrupted sp, sepc and stval in the frame. The emergency stack
 * is not checked against: a fault while panicking from it takes this path
 * again, from its top, and panic powers off at once (panic.c). A hart
 * with no emergency stack yet (early boot, before kernel-stack slots
 * exist) powers the machine off through SBI without a word.
 *
 * sstatus.SUM (supervisor may touch user pages) is set only inside the
 * user-copy helpers (uaccess.S). Entry saves sstatus in the frame, then
 * clears SUM, so the handler, and whatever runs on this hart while it
 * sleeps, cannot touch user memory by accident; trap_restore puts the
 * saved sstatus back, so a copy that faulted (or was preempted) resumes
 * with SUM set again, on whichever hart it wakes up.
 */
#include <kernel/config.h>
#include <kernel/asm-offsets.h>

#define SSTATUS_SUM (1 << 18)           /* riscv.h */
#define SBI_SRST 0x53525354             /* sbi.c: the system reset extension */

/* Saves the registers the entry paths left (all but sp, tp and t0, which
 * they saved) and sepc, sstatus, scause, stval into the frame at sp, and
 * closes user memory (SUM; see above). */
.macro SAVE_REST
    sd ra, TF_RA(sp)
    sd gp, TF_GP(sp)
    sd t1, TF_T1(sp)
    sd t2, TF_T2(sp)
    sd s0, TF_S0(sp)
    sd s1, TF_S1(sp)
    sd a0, TF_A0(sp)
    sd a1, TF_A1(sp)
    sd a2, TF_A2(sp)
    sd a3, TF_A3(sp)
    sd a4, TF_A4(sp)
    sd a5, TF_A5(sp)
    sd a6, TF_A6(sp)
    sd a7, TF_A7(sp)
    sd s2, TF_S2(sp)
    sd s3, TF_S3(sp)
    sd s4, TF_S4(sp)
    sd s5, TF_S5(sp)
    sd s6, TF_S6(sp)
    sd s7, TF_S7(sp)
    sd s8, TF_S8(sp)
    sd s9, TF_S9(sp)
    sd s10, TF_S10(sp)
    sd s11, TF_S11(sp)
    sd t3, TF_T3(sp)
    sd t4, TF_T4(sp)
    sd t5, TF_T5(sp)
    sd t6, TF_T6(sp)
    csrr t0, sepc
    sd t0, TF_SEPC(sp)
    csrr t0, sstatus
    sd t0, TF_SSTATUS(sp)
    li t0, SSTATUS_SUM
    csrc sstatus, t0
    csrr t0, scause
    sd t0, TF_SCAUSE(sp)
    csrr t0, stval
    sd t0, TF_STVAL(sp)
.endm

    .section .text
    .globl trap_vector
    .balign 4
trap_vector:
    csrrw tp, sscratch, tp
    bnez tp, from_user

from_kernel:
    csrrw tp, sscratch, zero        /* tp = kernel tp again, sscratch = 0 */
    sd t0, CPU_SCRATCH(tp)          /* a register for the stack check */
    ld t0, CPU_KSTACK_TOP(tp)
    bltu t0, sp, kstack_overflow    /* sp above its stack */
    sub t0, t0, sp
    addi t0, t0, TF_SIZE - 1
    srli t0, t0, KSTACK_SHIFT
    bnez t0, kstack_overflow        /* below it, or no room for a frame */
    ld t0, CPU_SCRATCH(tp)
    addi sp, sp, -TF_SIZE
    sd t0, TF_T0(sp)
    addi t0, sp, TF_SIZE
    sd t0, TF_SP(sp)                    /* the interrupted sp */
    sd tp, TF_TP(sp)
    j save_rest

from_user:
    sd sp, CPU_SCRATCH(tp)          /* park the user sp */
    ld sp, CPU_KSTACK_TOP(tp)
    addi sp, sp, -TF_SIZE
    sd t0, TF_T0(sp)
    ld t0, CPU_SCRATCH(tp)
    sd t0, TF_SP(sp)                    /* user sp */
    csrrw t0, sscratch, zero        /* user tp; sscratch = 0: in the kernel now */
    sd t0, TF_TP(sp)

save_rest:
    SAVE_REST
    /* A frame pointer chain through the trap, for backtraces. */
    ld s0, TF_S0(sp)
    mv a0, sp
    call trap_handler
    j trap_restore

/* The kernel stack has overflowed (see the top of the file): a frame on
 * the emergency stack, then a panic. */
kstack_overflow:
    ld t0, CPU_EMERGENCY_TOP(tp)
    beqz t0, no_emergency_stack
    addi t0, t0, -TF_SIZE
    sd sp, TF_SP(t0)                /* the interrupted sp */
    mv sp, t0
    ld t0, CPU_SCRATCH(tp)
    sd t0, TF_T0(sp)
    sd tp, TF_TP(sp)
    SAVE_REST
    mv a0, sp
    call trap_kstack_overflow       /* never returns */

/* No stack to report from: power off (SBI system reset: shutdown, failure). */
no_emergency_stack:
    li a7, SBI_SRST
    li a6, 0
    li a0, 0
    li a1, 1
    ecall
1:  wfi
    j 1b

/* trap_restore: sp points at a trap frame; return through it. */
    .globl trap_restore
trap_restore:
    csrci sstatus, 2                /* no interrupts while the frame is half gone */
    ld t0, TF_SSTATUS(sp)
    csrw sstatus, t0
    ld t0, TF_SEPC(sp)
    csrw sepc, t0
    ld t0, TF_SSTATUS(sp)
    andi t0, t0, 0x100              /* SPP: back to kernel or user? */
    bnez t0, 1f
    csrw sscratch, tp               /* user mode next: sscratch = cpu pointer */
    ld tp, TF_TP(sp)                   /* the user's tp */
1:
    ld ra, TF_RA(sp)
    ld gp, TF_GP(sp)
    ld t0, TF_T0(sp)
    ld t1, TF_T1(sp)
    ld t2, TF_T2(sp)
    ld s0, TF_S0(sp)
    ld s1, TF_S1(sp)
    ld a0, TF_A0(sp)
    ld a1, TF_A1(sp)
    ld a2, TF_A2(sp)
    ld a3, TF_A3(sp)
    ld a4, TF_A4(sp)
    ld a5, TF_A5(sp)
    ld a6, TF_A6(sp)
    ld a7, TF_A7(sp)
    ld s2, TF_S2(sp)
    ld s3, TF_S3(sp)
    ld s4, TF_S4(sp)
    ld s5, TF_S5(sp)
    ld s6, TF_S6(sp)
    ld s7, TF_S7(sp)
    ld s8, TF_S8(sp)
    ld s9, TF_S9(sp)
    ld s10, TF_S10(sp)
    ld s11, TF_S11(sp)
    ld t3, TF_T3(sp)
    ld t4, TF_T4(sp)
    ld t5, TF_T5(sp)
    ld t6, TF_T6(sp)
    ld sp, TF_SP(sp)
    sret

/* trap_return_to_user(tf): start (or resume) user mode from a frame that
 * sits at the top of this thread's kernel stack. */
    .globl trap_return_to_user
trap_return_to_user:
    mv sp, a0
    j trap_restore
