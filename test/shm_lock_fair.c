/*
 * shm_lock_fair: a process waiting in shm_lock gets the lock, however
 * busy two other processes keep it, on one hart (where starvation shows).
 *
 * Two hogs take the region's lock, compute a while holding it and unlock,
 * for ever. The parent takes the lock ROUNDS times, counting each time in
 * the region. Then a child that waits in shm_lock is killed: it must die.
 *
 * shm_lock was free for all: an unlock woke one waiter but left the lock
 * free, and on one hart the hog that had just unlocked took it again at
 * once, while the waiter it woke still sat in the ready queue. When the
 * waiter ran (at the hog's next preemption, nearly always inside its
 * critical section) the lock was held again, and it went back to sleep.
 * The parent's shm_lock never returned. Now an unlock hands the lock to
 * the waiter that has waited longest.
 *
 * Nothing here is timed: on the old kernel the test hangs and the runner's
 * time limit fails it.
 */
// test: cpus=1
#include "shmlib.h"

#define R "lkfair"
#define ROUNDS 4
#define HOLD 30000000                  /* loop turns a hog holds the lock for: ~0.1 s, many ticks */

struct area {
    volatile long owner;               /* who holds the lock: mutual exclusion holds */
    volatile long rounds;              /* the parent's turns so far */
    volatile long turns[3];            /* each hog's turns so far */
};

/* Takes the lock, computes under it, lets it go, until killed. */
static void hog(int k)
{
    struct area *a = map_ok(R, SHM_READ | SHM_WRITE);
    for (;;) {
        expect(shm_lock(R), ERR_OK);
        a->owner = k;
        for (volatile int i = 0; i < HOLD; i++)
            if (a->owner != k)
                error("hog %d: the lock has a second holder, %ld", k, a->owner);
        a->owner = 0;
        a->turns[k]++;
        expect(shm_unlock(R), ERR_OK);
    }
}

/* Waits in shm_lock until killed (the lock is always busy). */
static void waiter(int k)
{
    (void)k;
    map_ok(R, SHM_READ | SHM_WRITE);
    for (;;) {
        expect(shm_lock(R), ERR_OK);
        expect(shm_unlock(R), ERR_OK);
    }
}

int main(void)
{
    shm_destroy(R);
    expect(shm_create(R, PAGE, RS_DEFAULT), ERR_OK);
    struct area *a = map_ok(R, SHM_READ | SHM_WRITE);
    int h1 = fork_worker(hog, 1), h2 = fork_worker(hog, 2);
    while (a->turns[1] == 0 || a->turns[2] == 0)   /* both hogs at it */
        msleep(10);
    for (int i = 0; i < ROUNDS; i++) {
        expect(shm_lock(R), ERR_OK);
        if (a->owner != 0)
            error("the parent got the lock while hog %ld held it", a->owner);
        a->rounds++;
        expect(shm_unlock(R), ERR_OK);
    }
    expect(a->rounds, ROUNDS);
    int w = fork_worker(waiter, 0);
    msleep(50);
    kill_and_reap(w);
    /* both hogs killed before either is reaped: one killed holding the
     * lock hands it to the other, which must not live to see ERR_OWNERDEAD */
    expect(kill(h1), ERR_OK);
    expect(kill(h2), ERR_OK);
    expect_exit(h1, -1);
    expect_exit(h2, -1);
    /* A hog killed holding the lock leaves it to us, marked. */
    int r = shm_lock(R);
    if (r != ERR_OK && r != ERR_OWNERDEAD)
        error("shm_lock after the hogs died = %d", r);
    expect(shm_unlock(R), ERR_OK);
    expect(shm_unmap(R, a), ERR_OK);
    expect(shm_destroy(R), ERR_OK);
    pass("shm_lock_fair: %d turns beside two hogs, a killed waiter died", ROUNDS);
    exit(0);
}
