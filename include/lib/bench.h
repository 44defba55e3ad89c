/*
 * osv-rv: system calls that exist to measure the kernel, for the
 * benchmarks (test/bench_*.c) and tests that compare costs.
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

#endif /* _LIB_BENCH_H_ */
