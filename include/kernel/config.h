/*
 * Compile-time limits of the kernel. Nothing here depends on the machine:
 * the number of harts and the memory size come from the device tree.
 */
#ifndef _KERNEL_CONFIG_H_
#define _KERNEL_CONFIG_H_

#define NCPU 8                 /* most harts the kernel will start */
#define PG_SHIFT 12
#define PG_SIZE (1UL << PG_SHIFT)
#define KSTACK_PAGES 4         /* kernel stack of each thread, 16 KiB */
#define TIMER_HZ 100           /* scheduler ticks per second */

#define pg_round_up(a) (((a) + PG_SIZE - 1) & ~(PG_SIZE - 1))
#define pg_round_down(a) ((a) & ~(PG_SIZE - 1))
#define pg_aligned(a) (((a) & (PG_SIZE - 1)) == 0)

#endif /* _KERNEL_CONFIG_H_ */
