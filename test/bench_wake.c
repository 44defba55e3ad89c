/*
 * bench_wake: how long a wakeup takes to reach an idle hart, whether that
 * hart is still polling after it went idle (it is claimed without an IPI)
 * or already asleep in wfi (it gets an IPI), when the waker keeps its own
 * hart busy. A wakeup that reached no hart would wait for the next timer
 * tick (10 ms), half a tick or so in the median; a kicked hart takes tens
 * of microseconds.
 *
 * A sleeper waits on a futex and a waker, which never gives up its hart
 * (it spins in user mode), wakes it after a pause: a short one, so the
 * sleeper's hart still polls, or a long one (2 to 12 ms), so it is in
 * wfi. The sleeper stores rdtime as soon as it runs. Figures: the median
 * latency of each kind, the best of ATTEMPTS attempts (a loaded host can
 * deschedule a hart for milliseconds). And how long a futex wait with a
 * 1 ms timeout lasts (the median of TRIALS, best of ATTEMPTS): the kernel
 * sets a timer for the deadline, where it once waited for the tick after
 * next (10 to 20 ms). A benchmark, not a test: a time is reported, never
 * judged (docs/performance.md).
 */
// test: timeout=120
#include "shmlib.h"
#include "benchlib.h"

#define TRIALS 21
#define SHORT_PAUSE (TIME_HZ / 20000)   /* 50 us: within the idle hart's poll */
#define LONG_PAUSE (TIME_HZ / 500)      /* 2 ms and more: the idle hart is in wfi */
#define ATTEMPTS 5                      /* a loaded host may deschedule a hart for ms */

struct shared {
    int seq;                     /* the trial the waker has started (futex word) */
    int asleep;                  /* the sleeper is about to wait for seq + 1 */
    uint64_t ran[2 * TRIALS + 1];  /* rdtime when the sleeper ran, by trial */
};

static void spin_until(uint64_t t)
{
    while (rdtime() < t)
        ;
}

/* Sorts v[0..n) (few values: insertion) and returns the median. */
static uint64_t median(uint64_t *v, int n)
{
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
            uint64_t x = v[j];
            v[j] = v[j - 1];
            v[j - 1] = x;
        }
    return v[n / 2];
}

/* One attempt: 2 * TRIALS wakeups, alternating short and long pauses;
 * the medians of each kind (rdtime ticks) in *polling and *asleep. */
static void attempt(uint64_t *polling, uint64_t *asleep)
{
    expect(shm_create("sched-wake", PAGE, RS_DEFAULT), ERR_OK);
    struct shared *s = map_ok("sched-wake", SHM_READ | SHM_WRITE);
    memset(s, 0, sizeof(*s));
    int pid = fork_ok();
    if (pid == 0) {
        for (int i = 1; i <= 2 * TRIALS; i++) {
            __atomic_store_n(&s->asleep, i, __ATOMIC_SEQ_CST);
            while (__atomic_load_n(&s->seq, __ATOMIC_SEQ_CST) < i)
                futex(&s->seq, FUTEX_WAIT, i - 1, 0);
            __atomic_store_n(&s->ran[i], rdtime(), __ATOMIC_SEQ_CST);
        }
        exit(0);
    }
    uint64_t lat[2][TRIALS];
    for (int i = 1; i <= 2 * TRIALS; i++) {
        int kind = i % 2;                /* 1: short pause, 0: long */
        while (__atomic_load_n(&s->asleep, __ATOMIC_SEQ_CST) < i)
            ;
        /* The long pauses vary over a tick, so as not to fall in step with one. */
        spin_until(rdtime() + (kind ? SHORT_PAUSE : LONG_PAUSE + (i * TIME_HZ / 2700) % (TIME_HZ / 100)));
        uint64_t woke = rdtime();
        __atomic_store_n(&s->seq, i, __ATOMIC_SEQ_CST);
        futex(&s->seq, FUTEX_WAKE, 1, 0);
        uint64_t ran;
        while (!(ran = __atomic_load_n(&s->ran[i], __ATOMIC_SEQ_CST)))
            ;                            /* keep this hart: no sleep, no yield */
        lat[kind][(i - 1) / 2] = ran > woke ? ran - woke : 0;
    }
    wait_ok(pid, "sleeper");
    expect(shm_unmap("sched-wake", s), ERR_OK);
    expect(shm_destroy("sched-wake"), ERR_OK);
    *polling = median(lat[1], TRIALS);
    *asleep = median(lat[0], TRIALS);
}

/* The median length of TRIALS futex waits with a 1 ms timeout (rdtime
 * ticks). */
static uint64_t timeout_1ms(void)
{
    static int word;
    uint64_t took[TRIALS];
    for (int i = 0; i < TRIALS; i++) {
        uint64_t t0 = rdtime();
        expect(futex(&word, FUTEX_WAIT, 0, 1), ERR_TIMEDOUT);
        took[i] = rdtime() - t0;
    }
    return median(took, TRIALS);
}

int main(void)
{
    uint64_t best_polling = ~0UL, best_asleep = ~0UL;
    for (int a = 1; a <= ATTEMPTS; a++) {
        uint64_t polling, asleep;
        attempt(&polling, &asleep);
        printf("bench_wake: attempt %d: median wakeup latency %ld us (hart polling), %ld us (hart "
               "in wfi)\n", a, (long)(polling / 10), (long)(asleep / 10));
        best_polling = polling < best_polling ? polling : best_polling;
        best_asleep = asleep < best_asleep ? asleep : best_asleep;
    }
    bench_time("wake_polling_ns", best_polling, 1);
    bench_time("wake_wfi_ns", best_asleep, 1);
    uint64_t best_timeout = ~0UL;
    for (int a = 1; a <= ATTEMPTS; a++) {
        uint64_t t = timeout_1ms();
        best_timeout = t < best_timeout ? t : best_timeout;
    }
    bench_time("futex_timeout_1ms_ns", best_timeout, 1);
    pass("bench_wake: a futex wakeup reaches a polling hart and a hart in wfi");
    return 0;
}
