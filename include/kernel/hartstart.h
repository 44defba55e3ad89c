/*
 * Starting the other harts: what the boot hart (kernel/boot/main.c) and a
 * starting hart's first instructions (kernel/arch/riscv/entry.S) share.
 * Included from assembly too, so the C part is under __ASSEMBLER__.
 *
 * For each cpu index i >= 1 the boot hart fills hart_start_id[i] and
 * hart_start_sp[i], sets hart_start_state[i] to HART_STARTING and asks SBI
 * to start the hart. The hart, once in entry.S, claims its index by
 * changing HART_STARTING to HART_ARRIVED (an atomic compare-and-swap);
 * kmain then marks it HART_UP. If it has not arrived when the boot hart
 * stops waiting, the boot hart changes HART_STARTING to HART_ABANDONED
 * with the same compare-and-swap, and a hart that turns up later finds its
 * claim refused and parks, before it touches paging or a stack. Exactly
 * one of the two wins, so a slow hart never runs on an index, a stack or
 * an identity map that has been given up, and each index is one hart's.
 */
#ifndef _KERNEL_HARTSTART_H_
#define _KERNEL_HARTSTART_H_

#define HART_IDLE 0          /* not asked to start (or cpu 0, the boot hart) */
#define HART_STARTING 1      /* asked to start; the boot hart waits for it */
#define HART_ARRIVED 2       /* in entry.S: it will come up */
#define HART_UP 3            /* kmain has it; it runs the scheduler */
#define HART_ABANDONED 4     /* gave up on; if it ever arrives, it parks */

#ifndef __ASSEMBLER__
#include <kernel/types.h>
#include <kernel/config.h>

/* Indexed by cpu index; defined in entry.S. */
extern volatile uint32_t hart_start_state[NCPU];
extern volatile uint64_t hart_start_id[NCPU];    /* hart id of the index */
extern volatile uint64_t hart_start_sp[NCPU];    /* top of its scheduler stack */
#endif

#endif /* _KERNEL_HARTSTART_H_ */
