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
 * sstatus.SUM (supervisor may touch user pages) is set only inside the
 * user-copy helpers (uaccess.S). Entry saves sstatus in the frame, then
 * clears SUM, so the handler, and whatever runs on this hart while it
 * sleeps, cannot touch user memory by accident; trap_restore puts the
 * saved sstatus back, so a copy that faulted (or was preempted) resumes
 * with SUM set again, on whichever hart it wakes up.
 */
#define FRAME 288
#define SSTATUS_SUM (1 << 18)           /* riscv.h */
#define CPU_KSTACK_TOP 0
#define CPU_SCRATCH 8

    .section .text
    .globl trap_vector
    .balign 4
trap_vector:
    csrrw tp, sscratch, tp
    bnez tp, from_user

from_kernel:
    csrrw tp, sscratch, zero        /* tp = kernel tp again, sscratch = 0 */
    addi sp, sp, -FRAME
    sd t0, 32(sp)
    addi t0, sp, FRAME
    sd t0, 8(sp)                    /* the interrupted sp */
    sd tp, 24(sp)
    j save_rest

from_user:
    sd sp, CPU_SCRATCH(tp)          /* park the user sp */
    ld sp, CPU_KSTACK_TOP(tp)
    addi sp, sp, -FRAME
    sd t0, 32(sp)
    ld t0, CPU_SCRATCH(tp)
    sd t0, 8(sp)                    /* user sp */
    csrrw t0, sscratch, zero        /* user tp; sscratch = 0: in the kernel now */
    sd t0, 24(sp)

save_rest:
    sd ra, 0(sp)
    sd gp, 16(sp)
    sd t1, 40(sp)
    sd t2, 48(sp)
    sd s0, 56(sp)
    sd s1, 64(sp)
    sd a0, 72(sp)
    sd a1, 80(sp)
    sd a2, 88(sp)
    sd a3, 96(sp)
    sd a4, 104(sp)
    sd a5, 112(sp)
    sd a6, 120(sp)
    sd a7, 128(sp)
    sd s2, 136(sp)
    sd s3, 144(sp)
    sd s4, 152(sp)
    sd s5, 160(sp)
    sd s6, 168(sp)
    sd s7, 176(sp)
    sd s8, 184(sp)
    sd s9, 192(sp)
    sd s10, 200(sp)
    sd s11, 208(sp)
    sd t3, 216(sp)
    sd t4, 224(sp)
    sd t5, 232(sp)
    sd t6, 240(sp)
    csrr t0, sepc
    sd t0, 248(sp)
    csrr t0, sstatus
    sd t0, 256(sp)
    li t0, SSTATUS_SUM              /* user memory closed: see above */
    csrc sstatus, t0
    csrr t0, scause
    sd t0, 264(sp)
    csrr t0, stval
    sd t0, 272(sp)

    /* A frame pointer chain through the trap, for backtraces. */
    ld s0, 56(sp)
    mv a0, sp
    call trap_handler

/* trap_restore: sp points at a trap frame; return through it. */
    .globl trap_restore
trap_restore:
    csrci sstatus, 2                /* no interrupts while the frame is half gone */
    ld t0, 256(sp)
    csrw sstatus, t0
    ld t0, 248(sp)
    csrw sepc, t0
    ld t0, 256(sp)
    andi t0, t0, 0x100              /* SPP: back to kernel or user? */
    bnez t0, 1f
    csrw sscratch, tp               /* user mode next: sscratch = cpu pointer */
    ld tp, 24(sp)                   /* the user's tp */
1:
    ld ra, 0(sp)
    ld gp, 16(sp)
    ld t0, 32(sp)
    ld t1, 40(sp)
    ld t2, 48(sp)
    ld s0, 56(sp)
    ld s1, 64(sp)
    ld a0, 72(sp)
    ld a1, 80(sp)
    ld a2, 88(sp)
    ld a3, 96(sp)
    ld a4, 104(sp)
    ld a5, 112(sp)
    ld a6, 120(sp)
    ld a7, 128(sp)
    ld s2, 136(sp)
    ld s3, 144(sp)
    ld s4, 152(sp)
    ld s5, 160(sp)
    ld s6, 168(sp)
    ld s7, 176(sp)
    ld s8, 184(sp)
    ld s9, 192(sp)
    ld s10, 200(sp)
    ld s11, 208(sp)
    ld t3, 216(sp)
    ld t4, 224(sp)
    ld t5, 232(sp)
    ld t6, 240(sp)
    ld sp, 8(sp)
    sret

/* trap_return_to_user(tf): start (or resume) user mode from a frame that
 * sits at the top of this thread's kernel stack. */
    .globl trap_return_to_user
trap_return_to_user:
    mv sp, a0
    j trap_restore
