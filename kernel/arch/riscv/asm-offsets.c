/*
 * The C side of include/kernel/asm-offsets.h: each number the assembly
 * uses is checked here against the struct it names, at compile time.
 * Nothing in this file ends up in the kernel.
 */
#include <kernel/asm-offsets.h>
#include <kernel/thread.h>
#include <kernel/trap.h>
#include <stddef.h>

#define AT(type, field, offset) \
    _Static_assert(offsetof(struct type, field) == (offset), #type "." #field " is not at " #offset)

AT(trapframe, ra, TF_RA);
AT(trapframe, sp, TF_SP);
AT(trapframe, gp, TF_GP);
AT(trapframe, tp, TF_TP);
AT(trapframe, t0, TF_T0);
AT(trapframe, t1, TF_T1);
AT(trapframe, t2, TF_T2);
AT(trapframe, s0, TF_S0);
AT(trapframe, s1, TF_S1);
AT(trapframe, a0, TF_A0);
AT(trapframe, a1, TF_A1);
AT(trapframe, a2, TF_A2);
AT(trapframe, a3, TF_A3);
AT(trapframe, a4, TF_A4);
AT(trapframe, a5, TF_A5);
AT(trapframe, a6, TF_A6);
AT(trapframe, a7, TF_A7);
AT(trapframe, s2, TF_S2);
AT(trapframe, s3, TF_S3);
AT(trapframe, s4, TF_S4);
AT(trapframe, s5, TF_S5);
AT(trapframe, s6, TF_S6);
AT(trapframe, s7, TF_S7);
AT(trapframe, s8, TF_S8);
AT(trapframe, s9, TF_S9);
AT(trapframe, s10, TF_S10);
AT(trapframe, s11, TF_S11);
AT(trapframe, t3, TF_T3);
AT(trapframe, t4, TF_T4);
AT(trapframe, t5, TF_T5);
AT(trapframe, t6, TF_T6);
AT(trapframe, sepc, TF_SEPC);
AT(trapframe, sstatus, TF_SSTATUS);
AT(trapframe, scause, TF_SCAUSE);
AT(trapframe, stval, TF_STVAL);
_Static_assert(sizeof(struct trapframe) == TF_SIZE, "struct trapframe is not TF_SIZE bytes");
_Static_assert(TF_SIZE % 16 == 0, "a trap frame keeps the stack 16-byte aligned");

AT(context, ra, CTX_RA);
AT(context, sp, CTX_SP);
AT(context, s0, CTX_S0);
AT(context, s1, CTX_S1);
AT(context, s2, CTX_S2);
AT(context, s3, CTX_S3);
AT(context, s4, CTX_S4);
AT(context, s5, CTX_S5);
AT(context, s6, CTX_S6);
AT(context, s7, CTX_S7);
AT(context, s8, CTX_S8);
AT(context, s9, CTX_S9);
AT(context, s10, CTX_S10);
AT(context, s11, CTX_S11);
_Static_assert(sizeof(struct context) == CTX_S11 + 8, "struct context has more than swtch saves");

AT(cpu, kstack_top, CPU_KSTACK_TOP);
AT(cpu, scratch, CPU_SCRATCH);
AT(cpu, emergency_top, CPU_EMERGENCY_TOP);

_Static_assert(FP_FCSR == 32 * sizeof(uint64_t), "fcsr follows f0..f31");
_Static_assert(sizeof(((struct thread *)0)->fpregs) == FP_FCSR + sizeof(uint64_t),
               "fpregs holds f0..f31 and fcsr");
