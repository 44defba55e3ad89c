/*
 * Calls into OpenSBI, the firmware running in M-mode. The kernel owns no
 * M-mode code: timer (on a hart without Sstc: trap.h), inter-hart
 * interrupts (without an ACLINT SSWI: ipi.h), remote TLB flushes,
 * starting harts and powering off go through these.
 */
#ifndef _KERNEL_SBI_H_
#define _KERNEL_SBI_H_

#include <kernel/types.h>

void sbi_console_putchar(int c);          /* legacy; used only before the UART is up */
/* This hart's next timer interrupt at stime (absolute, in rdtime ticks);
 * trap.c's timer_set calls it on a hart without Sstc. */
void sbi_set_timer(uint64_t stime);
/* Send a software interrupt / remote sfence.vma to the harts in hart_mask
 * (bit i = hart hart_mask_base + i). size 0 with start 0, or size ~0UL
 * (tlb.c's choice), flushes all. */
void sbi_send_ipi(unsigned long hart_mask, unsigned long hart_mask_base);
void sbi_remote_sfence_vma(unsigned long hart_mask, unsigned long hart_mask_base,
                           unsigned long start, unsigned long size);
/* Starts a stopped hart at physical address start_pa with a1 = opaque.
 * Returns SBI's error code (0: started). */
long sbi_hart_start(unsigned long hartid, unsigned long start_pa, unsigned long opaque);
/* Powers the machine off; failure selects the "system failure" reason. */
void sbi_shutdown(bool failure) __attribute__((noreturn));

#endif /* _KERNEL_SBI_H_ */
