/*
 * Inter-hart interrupts: a supervisor software interrupt (sip.SSIP) on
 * another hart, whose only job is to bring it out of wfi or into its
 * scheduler loop; the handler just clears it (trap.c). What the hart is
 * to do is left in memory first (a ready queue, a flag).
 *
 * Two ways to raise it. With an ACLINT SSWI device (QEMU virt with
 * aclint=on, which `make qemu` uses), the kernel stores 1 in the target
 * hart's register itself. Otherwise it asks the firmware (SBI send_ipi):
 * a trap into M-mode, which under QEMU costs tens of microseconds, since
 * OpenSBI's code and data miss the emulator's TLB after every flush. Both
 * raise the same bit, so nothing else changes.
 */
#ifndef _KERNEL_IPI_H_
#define _KERNEL_IPI_H_

/* Raises a software interrupt on hart index cpu (cpus[], platform.hartids).
 * Memory stores before the call are visible to that hart when it takes
 * the interrupt. Any context; never sleeps. */
void ipi_send(int cpu);

#endif /* _KERNEL_IPI_H_ */
