/*
 * Race windows made wide, for tests (the debug kernel only). Some races
 * of the kernel live in a window of a few instructions between a hart's
 * read of shared state and its act on what it read: no loop of boots
 * lands in it often enough to show whether the window is real, nor
 * whether a fix closes it. A named point (RACE_*, lib/bench.h) marks
 * such a window in the code; the race_delay system call sets how long a
 * hart passing that point spins there, so a test can make the other
 * side of the race happen inside it on purpose.
 *
 * Without DEBUG race_window compiles away and race_delay is ERR_NOSYS:
 * the kernel graders and students run has no such delay to be set by a
 * hostile program.
 *
 * The points (each where race_window is called):
 *   RACE_RELEASE_ROOT  vpmap_release_root (tlb.c), between its read of
 *       another hart's satp, which names the dying root, and its request
 *       that the hart let go: the hart may move to another space in
 *       between, and the request then comes too late.
 *   RACE_CTRL_C_HELD  interrupt (console.c), between a kill of the
 *       foreground job that found it dying and the look at the
 *       foreground again before the Ctrl-C is held: the shell may read
 *       the line typed before the Ctrl-C and make its command the
 *       foreground job in between.
 */
#ifndef _KERNEL_RACE_H_
#define _KERNEL_RACE_H_

#include <kernel/types.h>
#include <lib/bench.h>          /* RACE_*, RACE_POINTS */

#ifdef DEBUG
/* Spins for the delay set for point (none: returns at once), with
 * interrupts as the caller has them. */
void race_window(int point);
/* Sets point's delay to us microseconds (0: none). ERR_INVAL for an
 * unknown point or a delay under 0 or over RACE_DELAY_MAX_US. */
err_t race_delay_set(int point, int us);
#else
static inline void race_window(int point) { (void)point; }
#endif

#endif /* _KERNEL_RACE_H_ */
