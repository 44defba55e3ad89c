/*
 * swtch(old, new): save the callee-saved registers of the running context
 * in *old and resume *new (struct context, thread.h). The caller-saved ones
 * are already on the stack by the C calling convention.
 *
 * thread_entry is where a new thread's context first returns to.
 *
 * fp_save / fp_restore keep a user thread's floating-point registers in its
 * struct thread across a switch. The kernel is built without floating point
 * (-march=rv64imac), so the registers always hold the last user thread's.
 */
#include <kernel/asm-offsets.h>

    .section .text
    .globl swtch
swtch:
    sd ra, CTX_RA(a0)
    sd sp, CTX_SP(a0)
    sd s0, CTX_S0(a0)
    sd s1, CTX_S1(a0)
    sd s2, CTX_S2(a0)
    sd s3, CTX_S3(a0)
    sd s4, CTX_S4(a0)
    sd s5, CTX_S5(a0)
    sd s6, CTX_S6(a0)
    sd s7, CTX_S7(a0)
    sd s8, CTX_S8(a0)
    sd s9, CTX_S9(a0)
    sd s10, CTX_S10(a0)
    sd s11, CTX_S11(a0)
    ld ra, CTX_RA(a1)
    ld sp, CTX_SP(a1)
    ld s0, CTX_S0(a1)
    ld s1, CTX_S1(a1)
    ld s2, CTX_S2(a1)
    ld s3, CTX_S3(a1)
    ld s4, CTX_S4(a1)
    ld s5, CTX_S5(a1)
    ld s6, CTX_S6(a1)
    ld s7, CTX_S7(a1)
    ld s8, CTX_S8(a1)
    ld s9, CTX_S9(a1)
    ld s10, CTX_S10(a1)
    ld s11, CTX_S11(a1)
    ret

/* thread_entry: a new thread's first code (thread.c puts it in the
 * context's ra). It calls thread_start, which never returns, from a frame
 * whose return address is marked undefined: the outermost frame, so gdb's
 * backtrace of a thread ends here instead of walking on into whatever lies
 * before thread_start ("corrupt stack?"). The kernel keeps .debug_frame
 * only (kernel.ld drops .eh_frame). */
    .cfi_sections .debug_frame
    .globl thread_entry
thread_entry:
    .cfi_startproc
    .cfi_undefined ra
    call thread_start
    unimp
    .cfi_endproc

    .option push
    .option arch, +d
#define FOR_EACH_F(op) \
    op f0, 0(a0); op f1, 8(a0); op f2, 16(a0); op f3, 24(a0); \
    op f4, 32(a0); op f5, 40(a0); op f6, 48(a0); op f7, 56(a0); \
    op f8, 64(a0); op f9, 72(a0); op f10, 80(a0); op f11, 88(a0); \
    op f12, 96(a0); op f13, 104(a0); op f14, 112(a0); op f15, 120(a0); \
    op f16, 128(a0); op f17, 136(a0); op f18, 144(a0); op f19, 152(a0); \
    op f20, 160(a0); op f21, 168(a0); op f22, 176(a0); op f23, 184(a0); \
    op f24, 192(a0); op f25, 200(a0); op f26, 208(a0); op f27, 216(a0); \
    op f28, 224(a0); op f29, 232(a0); op f30, 240(a0); op f31, 248(a0)

/* fp_save(uint64_t regs[33]) */
    .globl fp_save
fp_save:
    li t0, (1 << 13)
    csrs sstatus, t0                /* FS on, so the stores are legal */
    FOR_EACH_F(fsd)
    frcsr t0
    sd t0, FP_FCSR(a0)
    ret

/* fp_restore(const uint64_t regs[33]) */
    .globl fp_restore
fp_restore:
    li t0, (1 << 13)
    csrs sstatus, t0
    FOR_EACH_F(fld)
    ld t0, FP_FCSR(a0)
    fscsr t0
    ret
    .option pop
