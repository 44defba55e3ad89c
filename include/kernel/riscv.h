/*
 * RISC-V supervisor-mode registers and instructions the kernel uses,
 * as inline functions so C code reads like the privileged spec.
 */
#ifndef _KERNEL_RISCV_H_
#define _KERNEL_RISCV_H_

#include <kernel/types.h>

#define SSTATUS_SIE (1UL << 1)    /* supervisor interrupts enabled */
#define SSTATUS_SPIE (1UL << 5)   /* SIE before the trap */
#define SSTATUS_SPP (1UL << 8)    /* trap came from supervisor mode */
#define SSTATUS_FS_INITIAL (1UL << 13) /* FP on (state Initial): user code may use it */
#define SSTATUS_SUM (1UL << 18)   /* supervisor may touch user pages */

#define SIE_SSIE (1UL << 1)
#define SIE_STIE (1UL << 5)
#define SIE_SEIE (1UL << 9)

#define SATP_SV39 (8UL << 60)

#define csr_read(csr) ({ uint64_t __v; __asm__ volatile("csrr %0, " #csr : "=r"(__v)); __v; })
#define csr_write(csr, val) __asm__ volatile("csrw " #csr ", %0" ::"rK"((uint64_t)(val)))
#define csr_set(csr, bits) __asm__ volatile("csrs " #csr ", %0" ::"rK"((uint64_t)(bits)))
#define csr_clear(csr, bits) __asm__ volatile("csrc " #csr ", %0" ::"rK"((uint64_t)(bits)))

/* This hart's interrupt enable, timer, idle and frame pointer. intr_on and
 * intr_off do not nest: code that may run under a spinlock uses push_off. */
static inline void intr_on(void) { csr_set(sstatus, SSTATUS_SIE); }
static inline void intr_off(void) { csr_clear(sstatus, SSTATUS_SIE); }
static inline bool intr_get(void) { return (csr_read(sstatus) & SSTATUS_SIE) != 0; }
static inline uint64_t rdtime(void) { return csr_read(time); }
static inline void wfi(void) { __asm__ volatile("wfi"); }
static inline uint64_t read_fp(void) { uint64_t fp; __asm__ volatile("mv %0, s0" : "=r"(fp)); return fp; }

#endif /* _KERNEL_RISCV_H_ */
