/*
 * benchlib.h: how a benchmark (test/bench_*.c) hands its figures to
 * `make bench`, which gathers them from every benchmark of the boot into
 * one table and build/bench.json (test/benchmarks.py names each figure,
 * what it is compared with and its target; docs/performance.md says how
 * each is measured). A figure is one console line
 *
 *     bench: KEY=VALUE UNIT
 *
 * KEY is lower case and ends in its unit (null_syscall_ns, region_mbps),
 * VALUE a decimal number, UNIT the same unit for people reading the log.
 * The rest of a benchmark's output is for people and is shown as it is.
 *
 *   bench_figure(key, hundredths, unit)   VALUE given in hundredths
 *   bench_time(key, ticks, n)      n operations took ticks of rdtime: the
 *                                  time of one, in ns
 *   bench_rate(key, bytes, ticks)  bytes moved in ticks: MB/s (10^6 bytes
 *                                  a second)
 *   bench_transfer(what, bytes, ticks)   for people: an indented line with
 *                                  what, the time in ms and the rate in MB/s
 */
#ifndef _TEST_BENCHLIB_H_
#define _TEST_BENCHLIB_H_

#include "testlib.h"

static inline void bench_figure(const char *key, uint64_t hundredths, const char *unit)
{
    printf("bench: %s=%ld.%02ld %s\n", key, (long)(hundredths / 100), (long)(hundredths % 100),
           unit);
}

static inline void bench_time(const char *key, uint64_t ticks, uint64_t n)
{
    bench_figure(key, n ? ticks * (100 * 1000000000UL / TIME_HZ) / n : 0, "ns");
}

static inline void bench_rate(const char *key, uint64_t bytes, uint64_t ticks)
{
    bench_figure(key, ticks ? bytes * (TIME_HZ / 10000) / ticks : 0, "MB/s");
}

static inline void bench_transfer(const char *what, uint64_t bytes, uint64_t ticks)
{
    printf("  %-44s %6ld ms %6ld MB/s\n", what, (long)(ticks / (TIME_HZ / 1000)),
           ticks ? (long)(bytes * (TIME_HZ / 1000000) / ticks) : 0L);
}

#endif /* _TEST_BENCHLIB_H_ */
