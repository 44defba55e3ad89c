/*
 * futex_fair: FUTEX_WAKE wakes the waiters of a word in the order they
 * began to wait, so the first to wait is woken, however many others keep
 * waiting again, on one hart.
 *
 * A child waits once on a word of a shared region. Then two hogs wait on
 * it for ever, again each time they are woken, and a waker wakes one
 * waiter at a time, resting a moment after each wake (the woken hog waits
 * again meanwhile). The first child must be woken and exit.
 *
 * The waiters used to be woken latest first: each wake took the hog that
 * had just waited again, and the first child, under them, slept for ever
 * while wakes kept coming (a cond_signal or mutex_unlock loop with
 * several waiters could leave the oldest one out the same way).
 *
 * Nothing here is timed: on the old kernel the test hangs and the
 * runner's time limit fails it.
 */
// test: cpus=1
#include "shmlib.h"

#define R "fxfair"

struct area {
    int word;                          /* always 0: every wait sleeps */
    volatile int hog_wakes;            /* wakes the hogs got */
};

static struct area *area(void)
{
    return map_ok(R, SHM_READ | SHM_WRITE);
}

/* Waits once: exits 0 when woken. */
static void first(int k)
{
    (void)k;
    expect(futex(&area()->word, FUTEX_WAIT, 0, 0), ERR_OK);
}

/* Waits again each time it is woken, until killed. */
static void hog(int k)
{
    (void)k;
    struct area *a = area();
    for (;;) {
        expect(futex(&a->word, FUTEX_WAIT, 0, 0), ERR_OK);
        a->hog_wakes++;
    }
}

/* Wakes one waiter, rests so that it may wait again, until killed. */
static void waker(int k)
{
    (void)k;
    struct area *a = area();
    for (;;) {
        futex(&a->word, FUTEX_WAKE, 1, 0);
        msleep(5);
    }
}

int main(void)
{
    shm_destroy(R);
    expect(shm_create(R, PAGE, RS_DEFAULT), ERR_OK);
    struct area *a = area();
    int f = fork_worker(first, 0);
    await_state(f, PROC_INFO_SLEEPING, "the first waiter");
    int h1 = fork_worker(hog, 1), h2 = fork_worker(hog, 2);
    await_state(h1, PROC_INFO_SLEEPING, "hog 1");
    await_state(h2, PROC_INFO_SLEEPING, "hog 2");
    int w = fork_worker(waker, 0);
    expect_exit(f, 0);
    int pids[] = {w, h1, h2};
    for (int i = 0; i < 3; i++)
        expect(kill(pids[i]), ERR_OK);
    for (int i = 0; i < 3; i++)
        expect_exit(pids[i], -1);
    int hog_wakes = a->hog_wakes;
    expect(shm_unmap(R, a), ERR_OK);
    expect(shm_destroy(R), ERR_OK);
    pass("futex_fair: the first waiter was woken (the hogs %d times)", hog_wakes);
    exit(0);
}
