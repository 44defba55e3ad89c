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

#endif /* _LIB_BENCH_H_ */
