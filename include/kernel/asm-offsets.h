/*
 * Where the assembly finds the fields of C structs: byte offsets into
 * struct trapframe (trap.h; kernel/arch/riscv/trapvec.S saves and restores
 * it), struct context (thread.h; swtch.S) and struct cpu (thread.h;
 * trapvec.S finds the kernel stack through it), and the fcsr slot of a
 * thread's saved FP registers (fp_save and fp_restore in swtch.S).
 *
 * Plain #defines, so assembly can include this file. The C side is
 * kernel/arch/riscv/asm-offsets.c: a _Static_assert per number against
 * offsetof or sizeof, so a field moved in C without its number here (or
 * the other way round) stops the build instead of the kernel.
 */
#ifndef _KERNEL_ASM_OFFSETS_H_
#define _KERNEL_ASM_OFFSETS_H_

/* struct trapframe: every register but zero, then four CSRs, padded to a
 * multiple of 16 bytes (the stack stays aligned below it). */
#define TF_RA 0
#define TF_SP 8
#define TF_GP 16
#define TF_TP 24
#define TF_T0 32
#define TF_T1 40
#define TF_T2 48
#define TF_S0 56
#define TF_S1 64
#define TF_A0 72
#define TF_A1 80
#define TF_A2 88
#define TF_A3 96
#define TF_A4 104
#define TF_A5 112
#define TF_A6 120
#define TF_A7 128
#define TF_S2 136
#define TF_S3 144
#define TF_S4 152
#define TF_S5 160
#define TF_S6 168
#define TF_S7 176
#define TF_S8 184
#define TF_S9 192
#define TF_S10 200
#define TF_S11 208
#define TF_T3 216
#define TF_T4 224
#define TF_T5 232
#define TF_T6 240
#define TF_SEPC 248
#define TF_SSTATUS 256
#define TF_SCAUSE 264
#define TF_STVAL 272
#define TF_SIZE 288

/* struct context: the callee-saved registers swtch saves. */
#define CTX_RA 0
#define CTX_SP 8
#define CTX_S0 16
#define CTX_S1 24
#define CTX_S2 32
#define CTX_S3 40
#define CTX_S4 48
#define CTX_S5 56
#define CTX_S6 64
#define CTX_S7 72
#define CTX_S8 80
#define CTX_S9 88
#define CTX_S10 96
#define CTX_S11 104

/* struct cpu: what trapvec.S reads through tp on a trap from user mode. */
#define CPU_KSTACK_TOP 0
#define CPU_SCRATCH 8
#define CPU_EMERGENCY_TOP 16

/* A thread's fpregs[]: f0..f31 at 8 * i, then fcsr. */
#define FP_FCSR 256

#endif /* _KERNEL_ASM_OFFSETS_H_ */
