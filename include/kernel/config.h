/*
 * Compile-time limits of the kernel. Nothing here depends on the machine:
 * the number of harts and the memory size come from the device tree.
 */
#ifndef _KERNEL_CONFIG_H_
#define _KERNEL_CONFIG_H_

/* Most harts the kernel runs (the boot hart and NCPU - 1 others; more in
 * the device tree are left stopped). QEMU virt takes up to 512 harts, but
 * Debian 12's OpenSBI 1.1 runs only hart ids below 128 (its hart mask
 * size): beyond that there is nothing to start. The cost per cpu is a
 * struct cpu, a scheduler stack (allocated only for harts that exist) and
 * two kernel-stack slots (kstack.c). */
#define NCPU 128
#define CPU_WORDS ((NCPU + 63) / 64)  /* uint64_t words of a bit-per-cpu mask */
#define PG_SHIFT 12
#define PG_SIZE (1UL << PG_SHIFT)
#define KSTACK_PAGES 4         /* kernel stack of each thread, 16 KiB */
#define KSTACK_SHIFT 14        /* log2 of its bytes: trapvec.S's check wants a power of two */
#define EMERGENCY_PAGES 1      /* each hart's emergency stack (trapvec.S) */
#define TIMER_HZ 100           /* scheduler ticks per second */

#define pg_round_up(a) (((a) + PG_SIZE - 1) & ~(PG_SIZE - 1))
#define pg_round_down(a) ((a) & ~(PG_SIZE - 1))
#define pg_aligned(a) (((a) & (PG_SIZE - 1)) == 0)

#endif /* _KERNEL_CONFIG_H_ */
