/*
 * bench_shm: what named shared memory and futexes buy, measured in one boot
 * (run by `make bench`; the numbers are reported, never judged).
 *
 *   transfer   32 MiB from a producer process to a consumer process
 *              - through a shared region: a ring of 16 slots of 64 KiB,
 *                hand-off by futex on two counters (chunks produced,
 *                chunks consumed). The producer writes each chunk in the
 *                ring (a variant copies it in from a buffer of its own);
 *                the consumer copies it out to its buffer and checks its
 *                sequence number. A side that must wait sleeps until half
 *                the ring is ready for it, not just one slot, so the two
 *                do not wake each other for every chunk. Variants: the
 *                waiter spins a little before it sleeps; a ring of 4
 *                slots. The ring must hold more than a wakeup's latency
 *                worth of data, or the faster side waits for every
 *                wakeup: under QEMU a wakeup costs tens to hundreds of
 *                microseconds, a 64 KiB chunk a few dozen;
 *              - through a pipe, in writes and reads of 4 KiB;
 *              - the ceiling: one process copying 32 MiB between two
 *                buffers, in the same 64 KiB chunks with the same loop.
 *              Also shown, to read the figures: the producer's and the
 *              consumer's work done by one process, and two ceilings run at
 *              once (whether the host really runs two harts in parallel).
 *   ping-pong  round trips between two processes: a futex on a shared
 *              word against a pair of pipes.
 *   mutex      system calls made by 1000 uncontended mutex_lock/unlock
 *              pairs (must be 0).
 *
 * Each figure is the best of a few runs, the variants interleaved: QEMU
 * shares the host with whatever else runs there. Every buffer is touched
 * before its clock starts, so page faults are not measured. Copies use one
 * 8-byte-word loop (copy_words), not the user library's byte-at-a-time
 * memcpy, so that the comparison is of the transfer mechanisms (the
 * kernel's pipe copies use words too). Time comes from rdtime (10 MHz).
 * The main figures are also printed as `bench:` lines (benchlib.h) for
 * make bench's table, which holds their targets (test/benchmarks.py).
 */
// test: timeout=300
#include "shmlib.h"
#include "benchlib.h"
#include <lib/sync.h>
#include <lib/bench.h>
#include <lib/stddef.h>

#define TOTAL (32UL << 20)
#define CHUNK (64UL << 10)
#define SLOTS 16                  /* the ring: 16 x 64 KiB (a variant has 4) */
#define NCHUNKS (TOTAL / CHUNK)
#define BUF (1UL << 20)           /* source and destination buffers, cycled */
#define PIPE_PIECE 4096
#define ROUND_TRIPS 2000
#define ROUNDS 5                  /* each figure is the best of this many runs */
#define PIPE_ROUNDS 2             /* (the pipe is slow: fewer) */
#define COPY_ROUNDS 4             /* the in-process copies are short: more, per round */
#define SPIN 20000                /* loads of the word before sleeping, when spinning */

static uint64_t src[BUF / 8], dst[BUF / 8];

/* ------------------------------------------------------------- helpers */

static void copy_words(void *to, const void *from, size_t n)
{
    uint64_t *d = to;
    const uint64_t *s = from;
    for (size_t i = 0; i < n / 8; i += 4) {
        uint64_t a = s[i], b = s[i + 1], c = s[i + 2], e = s[i + 3];
        d[i] = a;
        d[i + 1] = b;
        d[i + 2] = c;
        d[i + 3] = e;
    }
}

/* Writes n bytes of data made from seq; the first word is seq. */
static void fill_words(void *to, uint64_t seq, size_t n)
{
    uint64_t *d = to;
    for (size_t i = 0; i < n / 8; i += 4) {
        d[i] = seq + i;
        d[i + 1] = seq ^ i;
        d[i + 2] = i;
        d[i + 3] = seq;
    }
}

static void touch(void *p, size_t n)
{
    for (size_t i = 0; i < n; i += PAGE)
        ((volatile char *)p)[i] = 1;
}

static void print_ratio(const char *what, uint64_t num, uint64_t den, const char *note)
{
    uint64_t r = den ? num * 100 / den : 0;
    printf("  %-44s %ld.%02ld%s\n", what, (long)(r / 100), (long)(r % 100), note);
}

/*
 * A count one process raises and another waits on, until it reaches a
 * target. The waiter posts its target (want) and that it is about to sleep
 * (waiting) before it looks at the count a last time; the publisher calls
 * FUTEX_WAKE only when someone is waiting for a count it has reached.
 * Both use sequentially consistent accesses, so one of them sees the
 * other's store and no wakeup is lost (FUTEX_WAIT re-checks the count
 * too). One waiter per counter.
 */
struct counter {
    int value;
    int waiting;
    int want;
};

static int spin_limit;            /* 0: sleep at once */

static void wait_until(struct counter *c, int target)
{
    for (int spin = 0; spin < spin_limit; spin++)
        if (__atomic_load_n(&c->value, __ATOMIC_ACQUIRE) >= target)
            return;
    for (;;) {
        int v = __atomic_load_n(&c->value, __ATOMIC_SEQ_CST);
        if (v >= target)
            return;
        __atomic_store_n(&c->want, target, __ATOMIC_SEQ_CST);
        __atomic_store_n(&c->waiting, 1, __ATOMIC_SEQ_CST);
        v = __atomic_load_n(&c->value, __ATOMIC_SEQ_CST);
        if (v < target)
            futex(&c->value, FUTEX_WAIT, v, 0);
        __atomic_store_n(&c->waiting, 0, __ATOMIC_SEQ_CST);
    }
}

static void publish(struct counter *c, int value)
{
    __atomic_store_n(&c->value, value, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&c->waiting, __ATOMIC_SEQ_CST) &&
        value >= __atomic_load_n(&c->want, __ATOMIC_SEQ_CST))
        futex(&c->value, FUTEX_WAKE, 1, 0);
}

/* The page at the start of every region used here. */
struct header {
    struct counter produced;      /* chunks put in the ring */
    struct counter consumed;      /* chunks taken out */
    struct counter ready;         /* the other process is set up */
    struct counter go;            /* start (two_ceilings) */
    uint64_t end;                 /* rdtime when the consumer finished */
    long bad;                     /* chunks with a wrong sequence number */
};

static struct header *make_region(const char *name, size_t size)
{
    expect(shm_create(name, size, RS_DEFAULT), ERR_OK);
    struct header *h = map_ok(name, SHM_READ | SHM_WRITE);
    memset(h, 0, sizeof(*h));
    return h;
}

static void drop_region(const char *name, void *view)
{
    expect(shm_unmap(name, view), ERR_OK);
    expect(shm_destroy(name), ERR_OK);
}

/* ----------------------------------------------------- region transfer */

/* A region: the header page, then slots slots of chunk bytes each. */
static char *slot_of(struct header *h, size_t chunk, int slots, int i)
{
    return (char *)h + PAGE + (size_t)(i % slots) * chunk;
}

/* A side that must wait sleeps until half the ring is ready for it. */
static uint64_t region_transfer(size_t chunk, int slots, bool copy_in)
{
    int nchunks = (int)(TOTAL / chunk), batch = slots / 2;
    struct header *h = make_region("bench-ring", PAGE + slots * chunk);
    touch(slot_of(h, chunk, slots, 0), slots * chunk);
    int pid = fork_ok();
    if (pid == 0) {
        /* The consumer. */
        touch(dst, sizeof(dst));
        for (size_t off = 0; off < slots * chunk; off += PAGE)
            (void)((volatile char *)slot_of(h, chunk, slots, 0))[off];
        publish(&h->ready, 1);
        for (int i = 0; i < nchunks; i++) {
            /* Chunk i is there; if not, sleep until batch more are. */
            if (__atomic_load_n(&h->produced.value, __ATOMIC_ACQUIRE) <= i)
                wait_until(&h->produced, min(i + batch, nchunks));
            char *out = (char *)dst + (i * chunk) % BUF;
            copy_words(out, slot_of(h, chunk, slots, i), chunk);
            if (*(uint64_t *)out != (uint64_t)i)
                h->bad++;
            publish(&h->consumed, i + 1);
        }
        h->end = rdtime();
        exit(0);
    }
    wait_until(&h->ready, 1);
    uint64_t t0 = rdtime();
    for (int i = 0; i < nchunks; i++) {
        /* Slot i % slots is free once chunk i - slots is consumed; if it
         * is not, sleep until batch slots are. */
        if (__atomic_load_n(&h->consumed.value, __ATOMIC_ACQUIRE) < i - slots + 1)
            wait_until(&h->consumed, i - slots + batch);
        if (copy_in) {
            char *in = (char *)src + (i * chunk) % BUF;
            *(uint64_t *)in = (uint64_t)i;
            copy_words(slot_of(h, chunk, slots, i), in, chunk);
        } else {
            fill_words(slot_of(h, chunk, slots, i), (uint64_t)i, chunk);
        }
        publish(&h->produced, i + 1);
    }
    wait_ok(pid, "region consumer");
    uint64_t ticks = h->end - t0;
    if (h->bad)
        error("the consumer saw %ld chunks out of order", h->bad);
    drop_region("bench-ring", h);
    return ticks;
}

/* ------------------------------------------------------- pipe transfer */

static uint64_t pipe_transfer(void)
{
    struct header *h = make_region("bench-clock", PAGE);
    int fds[2];
    expect(pipe(fds), ERR_OK);
    int pid = fork_ok();
    if (pid == 0) {
        expect(close(fds[1]), ERR_OK);
        touch(dst, sizeof(dst));
        publish(&h->ready, 1);
        for (uint64_t i = 0; i < TOTAL / PIPE_PIECE; i++) {
            char *out = (char *)dst + (i * PIPE_PIECE) % BUF;
            for (size_t got = 0; got < PIPE_PIECE;) {
                ssize_t r = read(fds[0], out + got, PIPE_PIECE - got);
                if (r <= 0)
                    error("pipe read = %ld", (long)r);
                got += r;
            }
            if (*(uint64_t *)out != i)
                h->bad++;
        }
        h->end = rdtime();
        exit(0);
    }
    expect(close(fds[0]), ERR_OK);
    wait_until(&h->ready, 1);
    uint64_t t0 = rdtime();
    for (uint64_t i = 0; i < TOTAL / PIPE_PIECE; i++) {
        char *in = (char *)src + (i * PIPE_PIECE) % BUF;
        *(uint64_t *)in = i;
        write_all(fds[1], in, PIPE_PIECE);
    }
    wait_ok(pid, "pipe consumer");
    uint64_t ticks = h->end - t0;
    if (h->bad)
        error("the pipe consumer saw %ld pieces out of order", h->bad);
    expect(close(fds[1]), ERR_OK);
    drop_region("bench-clock", h);
    return ticks;
}

/* ------------------------------------------------------------- ceiling */

/* One process copies 32 MiB between its two buffers. */
static uint64_t ceiling(void)
{
    touch(dst, sizeof(dst));
    uint64_t t0 = rdtime();
    for (uint64_t i = 0; i < NCHUNKS; i++) {
        char *in = (char *)src + (i * CHUNK) % BUF;
        char *out = (char *)dst + (i * CHUNK) % BUF;
        *(uint64_t *)in = i;
        copy_words(out, in, CHUNK);
    }
    return rdtime() - t0;
}

/* One process does both sides' work: fill a chunk, copy it out. */
static uint64_t one_process(void)
{
    static uint64_t chunk[CHUNK / 8];
    touch(dst, sizeof(dst));
    touch(chunk, sizeof(chunk));
    uint64_t t0 = rdtime();
    for (uint64_t i = 0; i < NCHUNKS; i++) {
        fill_words(chunk, i, CHUNK);
        copy_words((char *)dst + (i * CHUNK) % BUF, chunk, CHUNK);
    }
    return rdtime() - t0;
}

/* Two processes run the ceiling at once; returns the longer time. */
static uint64_t two_ceilings(void)
{
    struct header *h = make_region("bench-two", PAGE);
    int pid = fork_ok();
    if (pid == 0) {
        touch(dst, sizeof(dst));
        publish(&h->ready, 1);
        wait_until(&h->go, 1);
        h->end = ceiling();
        exit(0);
    }
    wait_until(&h->ready, 1);
    touch(dst, sizeof(dst));
    publish(&h->go, 1);
    uint64_t mine = ceiling();
    wait_ok(pid, "second copier");
    uint64_t theirs = h->end;
    drop_region("bench-two", h);
    return mine > theirs ? mine : theirs;
}

/* ----------------------------------------------------------- ping-pong */

static uint64_t futex_pingpong(void)
{
    struct header *h = make_region("bench-pp", PAGE);
    struct counter *serve = &h->produced, *reply = &h->consumed;
    int pid = fork_ok();
    if (pid == 0) {
        for (int i = 1; i <= ROUND_TRIPS; i++) {
            wait_until(serve, i);
            publish(reply, i);
        }
        exit(0);
    }
    uint64_t t0 = rdtime();
    for (int i = 1; i <= ROUND_TRIPS; i++) {
        publish(serve, i);
        wait_until(reply, i);
    }
    uint64_t ticks = rdtime() - t0;
    wait_ok(pid, "futex ping-pong partner");
    drop_region("bench-pp", h);
    return ticks;
}

static uint64_t pipe_pingpong(void)
{
    int there[2], back[2];
    expect(pipe(there), ERR_OK);
    expect(pipe(back), ERR_OK);
    int pid = fork_ok();
    char c = 'x';
    if (pid == 0) {
        for (int i = 0; i < ROUND_TRIPS; i++) {
            expect(read(there[0], &c, 1), 1);
            expect(write(back[1], &c, 1), 1);
        }
        exit(0);
    }
    uint64_t t0 = rdtime();
    for (int i = 0; i < ROUND_TRIPS; i++) {
        expect(write(there[1], &c, 1), 1);
        expect(read(back[0], &c, 1), 1);
    }
    uint64_t ticks = rdtime() - t0;
    wait_ok(pid, "pipe ping-pong partner");
    expect(close(there[0]), ERR_OK);
    expect(close(there[1]), ERR_OK);
    expect(close(back[0]), ERR_OK);
    expect(close(back[1]), ERR_OK);
    return ticks;
}

/* --------------------------------------------------------------- mutex */

static long mutex_syscalls(void)
{
    static mutex_t m;
    mutex_init(&m);
    long c0 = syscount(), c1 = syscount();
    long overhead = c1 - c0;                            /* syscount itself */
    c0 = syscount();
    for (int i = 0; i < 1000; i++) {
        mutex_lock(&m);
        mutex_unlock(&m);
    }
    c1 = syscount();
    return c1 - c0 - overhead;
}

int main(void)
{
    struct usage start = usage_now();
    for (size_t i = 0; i < NELEM(src); i++)
        src[i] = i * 0x9E3779B97F4A7C15UL;

    uint64_t region = ~0UL, region_spin = ~0UL, copy_in = ~0UL, small = ~0UL, small_spin = ~0UL;
    uint64_t piped = ~0UL, copy = ~0UL, both = ~0UL, copy2 = ~0UL;
    for (int round = 0; round < ROUNDS; round++) {
        spin_limit = 0;
        region = min(region, region_transfer(CHUNK, SLOTS, false));
        copy_in = min(copy_in, region_transfer(CHUNK, SLOTS, true));
        small = min(small, region_transfer(CHUNK, 4, false));
        spin_limit = SPIN;
        region_spin = min(region_spin, region_transfer(CHUNK, SLOTS, false));
        small_spin = min(small_spin, region_transfer(CHUNK, 4, false));
        spin_limit = 0;
        if (round < PIPE_ROUNDS)
            piped = min(piped, pipe_transfer());
        for (int i = 0; i < COPY_ROUNDS; i++) {
            copy = min(copy, ceiling());
            both = min(both, one_process());
            copy2 = min(copy2, two_ceilings());
        }
    }
    printf("bench_shm: 32 MiB from a producer to a consumer (best of %d runs; in-process copies best\n"
           "  of %d; pipe best of %d; MB/s = 10^6 bytes/s)\n", ROUNDS, ROUNDS * COPY_ROUNDS, PIPE_ROUNDS);
    bench_transfer("region 16x64K, futex hand-off", TOTAL, region);
    bench_transfer("region 16x64K, spin, then futex", TOTAL, region_spin);
    bench_transfer("region 16x64K, producer copies in", TOTAL, copy_in);
    bench_transfer("region 4x64K, futex hand-off", TOTAL, small);
    bench_transfer("region 4x64K, spin, then futex", TOTAL, small_spin);
    bench_transfer("pipe, 4 KiB writes and reads", TOTAL, piped);
    bench_transfer("copy in one process (the ceiling)", TOTAL, copy);
    bench_transfer("both sides' work in one process", TOTAL, both);
    bench_transfer("two ceilings at once (bytes of both)", 2 * TOTAL, copy2);
    print_ratio("region / ceiling", copy, region, "");
    print_ratio("region / pipe", piped, region, "");
    print_ratio("region, spin / ceiling", copy, region_spin, "");
    print_ratio("region 4x64K / ceiling", copy, small, "");
    print_ratio("region / one process doing both", both, region, "");
    print_ratio("host parallelism (two ceilings)", 2 * copy, copy2, "   (2.00: two harts really run at once)");

    uint64_t fpp = ~0UL, ppp = ~0UL;
    for (int round = 0; round < ROUNDS; round++) {
        fpp = min(fpp, futex_pingpong());
        ppp = min(ppp, pipe_pingpong());
    }
    printf("bench_shm: ping-pong, %d round trips between two processes, best of %d\n", ROUND_TRIPS,
           ROUNDS);
    printf("  %-44s %6ld us per round trip\n", "futex on a shared word", (long)(fpp / 10 / ROUND_TRIPS));
    printf("  %-44s %6ld us per round trip\n", "a pair of pipes", (long)(ppp / 10 / ROUND_TRIPS));
    print_ratio("pipe / futex", ppp, fpp, "");
    bench_rate("region_mbps", TOTAL, region);
    bench_rate("region_spin_mbps", TOTAL, region_spin);
    bench_rate("pipe_mbps", TOTAL, piped);
    bench_rate("ceiling_mbps", TOTAL, copy);
    bench_time("futex_rtt_ns", fpp, ROUND_TRIPS);
    bench_time("pipe_rtt_ns", ppp, ROUND_TRIPS);

    long calls = mutex_syscalls();
    printf("bench_shm: 1000 uncontended mutex_lock/mutex_unlock pairs: %ld system calls%s\n", calls,
           calls == 0 ? "" : " (must be 0)");
    bench_figure("mutex_syscalls", calls * 100, "calls");
    if (calls != 0)
        error("uncontended mutex operations made %ld system calls", calls);
    expect_shm(start, "after the benchmarks");
    return 0;
}
