/*
 * The kernel's user-memory copy loops. Each instruction that may touch a
 * bad user address has an entry in __ex_table (faulting pc, fixup pc): when
 * such a load or store faults and the fault path cannot fill the page,
 * pgfault_kernel puts the error (ERR_FAULT or ERR_NOMEM) in a0 and moves
 * sepc to the fixup, which returns it. This is the Linux __ex_table idea;
 * the kernel never checks a user pointer by walking page tables. The C
 * wrappers (kernel/mm/uaccess.c) check ranges.
 *
 * Each helper sets sstatus.SUM (supervisor may touch user pages) on entry
 * and clears it on every way out, the fixup included, so user memory is
 * open to the kernel only while these loops run. A fault or interrupt in
 * a loop clears SUM on trap entry and trap_restore sets it again from the
 * saved sstatus (trapvec.S), even when the handler slept in between.
 */
#define EX(insn_label, fixup_label) \
    .pushsection __ex_table, "a"; .balign 8; .quad insn_label, fixup_label; .popsection
#define SSTATUS_SUM (1 << 18)           /* riscv.h */

.macro user_open
    li t6, SSTATUS_SUM
    csrs sstatus, t6
.endm
.macro user_close
    li t6, SSTATUS_SUM
    csrc sstatus, t6
.endm

    .section .text

/* The copy loop: a2 bytes from a1 to a0, words while both are 8-aligned
 * and at least 8 bytes remain, then bytes; a0, a1, a2, t0-t2 change.
 * Each access may fault: its __ex_table entry sends it to the fixup 99. */
.macro copy_loop
    beqz a2, 9f
    or t0, a0, a1
    andi t0, t0, 7
    bnez t0, 2f
1:  li t1, 8
    bltu a2, t1, 2f
10: ld t2, 0(a1)
11: sd t2, 0(a0)
    addi a0, a0, 8
    addi a1, a1, 8
    addi a2, a2, -8
    j 1b
2:  beqz a2, 9f
12: lbu t2, 0(a1)
13: sb t2, 0(a0)
    addi a0, a0, 1
    addi a1, a1, 1
    addi a2, a2, -1
    j 2b
    EX(10b, 99f)
    EX(11b, 99f)
    EX(12b, 99f)
    EX(13b, 99f)
9:
.endm

/* int __copy_user(void *dst, const void *src, size_t n): 0, or the error
 * of a fault. */
    .globl __copy_user
__copy_user:
    user_open
    copy_loop
    user_close
    li a0, 0
    ret

/* int __copy_user_frames(void *const *frames, size_t off, void *user,
 * size_t n, int to_user): n bytes between user memory at user and the
 * frames, the first byte at frames[0] + off, going on at the start of
 * each next frame (4096 bytes each); to user memory when to_user, from it
 * otherwise. 0, or the error of a fault. User memory stays open for the
 * whole copy: opening it (a write of sstatus.SUM) costs an emulator a
 * flush of its TLB, once here rather than once a frame. */
    .globl __copy_user_frames
__copy_user_frames:
    user_open
    mv a5, a0                      /* the next frame's pointer */
    mv a6, a2                      /* the user address */
    mv a7, a3                      /* bytes left */
5:  beqz a7, 8f
    ld t3, 0(a5)
    add t3, t3, a1                 /* where in this frame */
    li t4, 4096
    sub t4, t4, a1                 /* room in it */
    bltu t4, a7, 6f
    mv t4, a7
6:  mv a2, t4                      /* this frame's bytes */
    mv a0, t3                      /* from user memory: into the frame */
    mv a1, a6
    beqz a4, 7f
    mv a0, a6                      /* to user memory: out of the frame */
    mv a1, t3
7:  add a6, a6, t4
    sub a7, a7, t4
    addi a5, a5, 8
    copy_loop
    li a1, 0                       /* the next frames from their start */
    j 5b
8:  user_close
    li a0, 0
    ret

/* long __strncpy_from_user(char *dst, const char *src, size_t max):
 * the length of the string copied (NUL included in the copy), max if no
 * NUL was found within max bytes, or the error of a fault. */
    .globl __strncpy_from_user
__strncpy_from_user:
    user_open
    li t0, 0
3:  bgeu t0, a2, 4f
20: lbu t1, 0(a1)
    sb t1, 0(a0)
    beqz t1, 4f
    addi a0, a0, 1
    addi a1, a1, 1
    addi t0, t0, 1
    j 3b
4:  user_close
    mv a0, t0
    ret
    EX(20b, 99f)

99: user_close
    ret                            /* a0: the error, set by pgfault_kernel */
