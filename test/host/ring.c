/*
 * test/host/ring.c: what the host itself does with bench_shm's transfer,
 * natively, run by `make bench` before it boots (test/run.py --bench).
 *
 * bench_shm's `region_over_ceiling` compares a 32 MiB hand-off between
 * two processes on two harts with one process copying 32 MiB. Under QEMU
 * each hart is a host thread, so the hand-off moves every byte from one
 * host core's cache to the other's, and the ceiling moves none: when the
 * host's cores trade cache lines slowly, no kernel makes the first as fast
 * as the second. This program measures that on the host, with no QEMU:
 *
 *   native_ceiling  one thread copies 32 MiB between two 1 MiB buffers in
 *                   64 KiB chunks, the ceiling's loop;
 *   native_ring     a producer thread fills a ring of 16 x 64 KiB chunks
 *                   and a consumer thread on another core copies each
 *                   chunk out, bench_shm's transfer, the two spinning on
 *                   their counters instead of sleeping.
 *
 * Each is the best of ROUNDS runs of 8 x 32 MiB (a 32 MiB run natively is
 * a few milliseconds, too short for the clock). The copies use 8-byte
 * words with volatile stores, as the guest's copy_words does, so that the
 * compiler neither vectorizes them nor calls memcpy. The figures are
 * printed as `bench:` lines (test/benchlib.h's form) for make bench's
 * table, which shows native_ring over native_ceiling next to the guest's
 * region_over_ceiling (docs/performance.md).
 *
 * The threads are pinned to the first two CPUs the process may use; with
 * only one, there is no cross-core figure and only the ceiling is printed.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define CHUNK (64UL << 10)
#define SLOTS 16
#define BUF (1UL << 20)
#define TOTAL (8 * (32UL << 20))
#define NCHUNKS (TOTAL / CHUNK)
#define ROUNDS 5

static uint64_t ring[SLOTS * CHUNK / 8], src[BUF / 8], dst[BUF / 8];
static long produced, consumed;   /* chunks put in the ring / taken out */
static int cpus[2];               /* the producer's and the consumer's CPU */

/* Seconds on the monotonic clock. */
static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

/* Runs the calling thread on cpu only, so the two sides stay on two cores. */
static void pin(int cpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

/* bench_shm's copy_words: n bytes, a word at a time. */
static void copy_words(uint64_t *to, const uint64_t *from, size_t n)
{
    volatile uint64_t *d = to;
    for (size_t i = 0; i < n / 8; i++)
        d[i] = from[i];
}

/* bench_shm's fill_words: n bytes of words counting up from v. */
static void fill_words(uint64_t *to, uint64_t v, size_t n)
{
    volatile uint64_t *d = to;
    for (size_t i = 0; i < n / 8; i++)
        d[i] = v + i;
}

/* The chunk i of a buffer of size bytes cycled through, as words. */
static uint64_t *chunk_of(uint64_t *buf, size_t size, uint64_t i)
{
    return buf + (i * CHUNK) % size / 8;
}

/* The ring's producer: waits for room (a free slot), fills, publishes. */
static void *producer(void *unused)
{
    (void)unused;
    pin(cpus[0]);
    for (long i = 0; i < (long)NCHUNKS; i++) {
        while (__atomic_load_n(&consumed, __ATOMIC_ACQUIRE) < i - SLOTS + 1)
            ;
        fill_words(chunk_of(ring, sizeof(ring), i), i, CHUNK);
        __atomic_store_n(&produced, i + 1, __ATOMIC_RELEASE);
    }
    return NULL;
}

/* The ring's consumer: waits for chunk i, copies it out, frees its slot. */
static void *consumer(void *unused)
{
    (void)unused;
    pin(cpus[1]);
    for (long i = 0; i < (long)NCHUNKS; i++) {
        while (__atomic_load_n(&produced, __ATOMIC_ACQUIRE) <= i)
            ;
        copy_words(chunk_of(dst, sizeof(dst), i), chunk_of(ring, sizeof(ring), i), CHUNK);
        __atomic_store_n(&consumed, i + 1, __ATOMIC_RELEASE);
    }
    return NULL;
}

/* Seconds for one thread to copy TOTAL bytes, the ceiling's loop. */
static double ceiling(void)
{
    pin(cpus[0]);
    double t = now();
    for (uint64_t i = 0; i < NCHUNKS; i++)
        copy_words(chunk_of(dst, sizeof(dst), i), chunk_of(src, sizeof(src), i), CHUNK);
    return now() - t;
}

/* Seconds for TOTAL bytes through the ring between two cores, the calling
 * thread consuming; < 0 if the producer's thread could not be started. */
static double ring_transfer(void)
{
    pthread_t p;
    produced = consumed = 0;
    double t = now();
    if (pthread_create(&p, NULL, producer, NULL) != 0)
        return -1;
    consumer(NULL);
    pthread_join(p, NULL);
    return now() - t;
}

/* The first two CPUs this process may run on, in cpus; how many (0-2). */
static int find_cpus(void)
{
    cpu_set_t set;
    int n = 0;
    if (sched_getaffinity(0, sizeof(set), &set) != 0)
        return 0;
    for (int cpu = 0; cpu < CPU_SETSIZE && n < 2; cpu++)
        if (CPU_ISSET(cpu, &set))
            cpus[n++] = cpu;
    return n;
}

int main(void)
{
    int n = find_cpus();
    if (n == 0) {
        fprintf(stderr, "ring: no CPU to run on\n");
        return 1;
    }
    memset(ring, 1, sizeof(ring));
    memset(src, 2, sizeof(src));
    memset(dst, 3, sizeof(dst));
    double best_copy = 1e9, best_ring = 1e9;
    for (int round = 0; round < ROUNDS; round++) {
        double t = ceiling();
        if (t < best_copy)
            best_copy = t;
        if (n == 2) {
            t = ring_transfer();
            if (t < 0) {
                fprintf(stderr, "ring: cannot start a thread\n");
                return 1;
            }
            if (t < best_ring)
                best_ring = t;
        }
    }
    printf("bench: native_ceiling_mbps=%.2f MB/s\n", TOTAL / best_copy / 1e6);
    if (n == 2)
        printf("bench: native_ring_mbps=%.2f MB/s\n", TOTAL / best_ring / 1e6);
    else
        printf("ring: one CPU only, no cross-core figure\n");
    return 0;
}
