/*
 * futex_timeout_spread: 12 processes each doing 20 futex waits with
 * random timeouts (1 to 30 ms) on every hart at once, first alone
 * ("idle"), then beside 4 processes spinning in user mode ("busy").
 * No wait may return before its timeout, by rdtime (asserted): deadlines
 * are rdtime() values that cpus[0] sets its timer for, and sleepers on
 * other harts lower them concurrently (sched.c). How late each returns is
 * printed as a distribution, not judged: a loaded host can deschedule a
 * hart for milliseconds, and in "busy" a woken waiter waits for a hart.
 */
// test: timeout=120
#include "shmlib.h"
#include <lib/stddef.h>

#define R "fxspread"
#define PROCS 12
#define WAITS 20
#define HOGS 4

struct area {
    uint32_t late_us[PROCS * WAITS];   /* by waiter and wait: us past its timeout */
};

/* A small LCG: enough to spread the timeouts. */
static uint32_t next_rand(uint32_t *s)
{
    *s = *s * 1103515245u + 12345u;
    return *s >> 8;
}

/* Waiter k: WAITS timed waits on a private word no one wakes, each at
 * least as long as asked; how late each was goes to the region. */
static void waiter(int k)
{
    struct area *a = map_ok(R, SHM_READ | SHM_WRITE);
    static int word;
    uint32_t seed = (uint32_t)(k * 7919 + rdtime());
    for (int i = 0; i < WAITS; i++) {
        unsigned int ms = 1 + next_rand(&seed) % 30;
        uint64_t t0 = rdtime();
        expect(futex(&word, FUTEX_WAIT, 0, ms), ERR_TIMEDOUT);
        uint64_t took = rdtime() - t0, want = (uint64_t)ms * (TIME_HZ / 1000);
        if (took < want)
            error("a %u ms futex timeout returned after %lu us", ms, (unsigned long)(took / 10));
        a->late_us[k * WAITS + i] = (uint32_t)((took - want) / (TIME_HZ / 1000000));
    }
}

/* Spins in user mode until killed: keeps a hart busy. */
static void hog(int k)
{
    (void)k;
    for (;;)
        ;
}

/* One run of PROCS waiters beside hogs spinning processes, then the
 * distribution of how late the waits returned. */
static void phase(const char *name, int hogs)
{
    struct area *a = map_ok(R, SHM_READ | SHM_WRITE);
    memset(a, 0, sizeof *a);
    int hog_pid[HOGS];
    for (int h = 0; h < hogs; h++)
        hog_pid[h] = fork_worker(hog, h);
    for (int k = 0; k < PROCS; k++)
        fork_worker(waiter, k);
    reap_all(PROCS, "waiters");
    for (int h = 0; h < hogs; h++)
        kill_and_reap(hog_pid[h]);
    static const uint32_t edge[] = {100, 200, 500, 1000, 2000, 5000, 10000, 15000, 20000, 30000};
    int count[NELEM(edge) + 1] = {0};
    uint32_t max = 0;
    uint64_t sum = 0;
    for (int i = 0; i < PROCS * WAITS; i++) {
        uint32_t l = a->late_us[i];
        size_t b = 0;
        while (b < NELEM(edge) && l >= edge[b])
            b++;
        count[b]++;
        sum += l;
        if (l > max)
            max = l;
    }
    printf("%s: %d waits, mean late %lu us, max %u us\n", name, PROCS * WAITS,
           (unsigned long)(sum / (PROCS * WAITS)), max);
    for (size_t b = 0; b <= NELEM(edge); b++)
        if (count[b])
            printf("  %s%u us: %d\n", b < NELEM(edge) ? "< " : ">= ",
                   b < NELEM(edge) ? edge[b] : edge[NELEM(edge) - 1], count[b]);
    expect(shm_unmap(R, a), ERR_OK);
}

int main(void)
{
    expect(shm_create(R, sizeof(struct area), RS_DEFAULT), ERR_OK);
    phase("idle", 0);
    phase("busy", HOGS);
    expect(shm_destroy(R), ERR_OK);
    pass("futex_timeout_spread: no futex timeout returned early");
    return 0;
}
