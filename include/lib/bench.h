/*
 * osv-rv: system calls that exist to measure and to test the kernel, for
 * the benchmarks (test/bench_*.c) and the tests.
 */
#ifndef _LIB_BENCH_H_
#define _LIB_BENCH_H_

#include <lib/usyscall.h>

/* fork, but the child gets a copy of every page at once instead of
 * copy-on-write sharing: the fork of the first milestone, kept so the
 * benchmarks can compare the two in one boot. */
int fork_copy(void);

/* System calls this process has made so far. */
long syscount(void);

/* Writes n blocks (4096 bytes each) of the disk's scratch area, from its
 * block first on: blocks past the file system that nothing else uses, so
 * a benchmark can time the raw disk (one 4 KiB request a block, many in
 * flight at once; several processes may write at once). The data written
 * means nothing.
 * Returns the area's length in blocks (n 0 only asks for it);
 * ERR_NOTEXIST if the disk has none, ERR_INVAL if first or n is negative
 * or the blocks reach past its end, ERR_NOMEM, ERR_NORES (a disk error). */
long disk_scratch_write(long first, long n);

/* The calling process's nth kernel allocation from now (a frame: page
 * tables, user pages, kernel stacks, pipe buffers; or an object of a
 * kernel cache: records, tables of fds, processes' structs) fails, once,
 * as when memory has run out, so a test can make each allocation of a
 * call fail in turn and check its error path; n 0 cancels. Returns how many allocations were still to go before the call
 * (0: none pending, or the failure has happened). */
int kalloc_fail(int n);

/* Blocks read from the disk since boot, by every process (the kernel
 * counts each block a request reads): a test reads it before and after
 * some calls to tell whether they found their blocks in the kernel's
 * caches or had to read them. Never fails. */
long disk_reads(void);

/* A power cut at a chosen point of a chosen commit of the file system's
 * journal, so a test can stop the machine where a random cut almost never
 * lands (the kernel's side: include/kernel/journal.h). how is one of:
 *   JOURNAL_CUT_BEFORE, JOURNAL_CUT_AFTER: the calling thread's next file
 *     system operation, once it has done its work, waits (still open, so
 *     its group cannot commit) until another operation of its group has
 *     ended and none is left open, then ends last and commits the group;
 *     the machine powers off at once (no flush, no checkpoint: as a power
 *     cut) just before that commit writes its header (BEFORE) or just
 *     after (AFTER). A group that logged nothing writes no header, and
 *     is not cut.
 *   JOURNAL_CUT_WAIT: sleeps until an operation armed so is waiting,
 *     so the caller's next operation joins its group.
 *   JOURNAL_CUT_NONE: disarms the calling thread.
 * Both waits end if the process is killed (the armed operation then
 * ends with no cut). One thread at a time may be armed. Returns ERR_OK,
 * or ERR_INVAL for any other how; ERR_NOSYS on a kernel not built with
 * DEBUG=1, since it lets any process cut the machine's power. */
#define JOURNAL_CUT_NONE 0
#define JOURNAL_CUT_BEFORE 1
#define JOURNAL_CUT_AFTER 2
#define JOURNAL_CUT_WAIT 3
int journal_cut(int how);

/* A race window made wide (the kernel's side and the list of points:
 * include/kernel/race.h): every hart that passes point from now on spins
 * there for us microseconds (0: not at all), so a test can make the other
 * side of a race happen inside a window that is otherwise a few
 * instructions wide. Returns ERR_OK, ERR_INVAL for an unknown point or a
 * delay under 0 or over RACE_DELAY_MAX_US; ERR_NOSYS on a kernel not
 * built with DEBUG=1, as it lets any process slow every hart. */
#define RACE_RELEASE_ROOT 0     /* a dying root's let-go request to another hart */
#define RACE_CTRL_C_HELD 1      /* a Ctrl-C that found the foreground dying, before it is held */
#define RACE_POINTS 2
#define RACE_DELAY_MAX_US 1000000
int race_delay(int point, int us);

#endif /* _LIB_BENCH_H_ */
