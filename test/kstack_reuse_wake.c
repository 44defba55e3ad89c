/*
 * kstack_reuse_wake: a hart that wrote into a dead thread's kernel stack
 * never writes through that translation again once the stack's slot is
 * reused: a futex wake lands in the new waiter's stack, not in the old
 * frames.
 *
 * A futex waiter is a struct on the waiting thread's kernel stack, and
 * FUTEX_WAKE marks it woken from the waker's hart (kernel/sync/futex.c),
 * through that hart's TLB. Kernel-stack pages are global, so a hart keeps
 * their translations across switches; the kernel reuses a freed slot only
 * after a purge, an SBI remote fence of every hart (vpmap.h, "the kernel
 * stacks' TLB rule"). Here one waker spins on its hart, never faulting,
 * sleeping or switching (under QEMU any sfence.vma or satp write empties
 * a hart's TLB, so only such a hart keeps a stale entry), and wakes
 * BATCH waiters a round, each a new process. Between rounds info()
 * unmaps the dead waiters' stacks (kept mapped as spares until then) and
 * purges their slots, so the next round's waiters get the same slots
 * with other frames. A wake that FUTEX_WAKE counted (1) must reach its
 * waiter: a waiter that times out instead was marked woken through a
 * stale translation, in a frame the slot no longer maps (freed, perhaps
 * someone else's by then). With the purge's fence made local (this hart
 * only), the waker read the new waiter's queue links through the stale
 * translation and the kernel panicked in wake_locked: 6 runs of 6 on 4
 * harts (in a run of the whole suite only hostile_proc, which reaps 400
 * zombies, failed too: a panic, and 2 runs of 3 after it).
 *
 * Then BIG_ROUNDS rounds of BIG waiters with no info() between them: the
 * dead stacks beyond the spares go to a batch (over 32 at once), which
 * ends, and lets their slots be reused, only once every hart has flushed
 * its own TLB, the waker's hart at its next tick. With a batch that ended
 * without waiting for the other harts' flushes, this part failed (a
 * panic in wake_locked, 6 runs of 6 on 4 harts). About 0.8 s.
 */
#include "vmlib.h"
#include <lib/shm.h>

#define BATCH 8
#define ROUNDS 12
#define BIG 48                 /* over 32 dead stacks (a batch) beyond the 16 spares */
#define BIG_ROUNDS 40
#define WAIT_MS 2000

struct ctl {
    int stop;
    int n;                     /* waiters of the current phase */
    int ready[BIG];            /* the round whose waiter i is about to wait */
    int woken[BIG];            /* the round in which the waker's FUTEX_WAKE returned 1 */
    int word[BIG];             /* waiter i's futex word: always 0 */
};

static struct ctl *ctl;

/* Spins over the waiters, waking each ready one until FUTEX_WAKE says it
 * woke it; only loads, stores and futex calls on pages mapped before. */
static int waker(void)
{
    while (!__atomic_load_n(&ctl->stop, __ATOMIC_ACQUIRE))
        for (int i = 0; i < __atomic_load_n(&ctl->n, __ATOMIC_ACQUIRE); i++) {
            int round = __atomic_load_n(&ctl->ready[i], __ATOMIC_ACQUIRE);
            if (round == 0 || ctl->woken[i] == round)
                continue;
            int r = futex(&ctl->word[i], FUTEX_WAKE, 1, 0);
            if (r == 1)
                __atomic_store_n(&ctl->woken[i], round, __ATOMIC_RELEASE);
            else if (r != 0)
                return 100;
        }
    return 0;
}

/* Waiter i of round: 0 if woken, 1 if it timed out after the waker's wake
 * had counted it (the lost wake), 2 if the waker never came, 3 on an
 * unexpected return. */
static int waiter(int i, int round)
{
    __atomic_store_n(&ctl->ready[i], round, __ATOMIC_RELEASE);
    int r = futex(&ctl->word[i], FUTEX_WAIT, 0, WAIT_MS);
    if (r == 0)
        return 0;
    if (r != ERR_TIMEDOUT)
        return 3;
    return __atomic_load_n(&ctl->woken[i], __ATOMIC_ACQUIRE) == round ? 1 : 2;
}

/* Rounds first to last of n waiters each, every one a new process; if
 * purge, info() between rounds unmaps the dead waiters' stacks and purges
 * their slots, else the kernel's batches alone let them be reused. */
static void rounds(int first, int last, int n, bool purge)
{
    int pids[BIG];
    __atomic_store_n(&ctl->n, n, __ATOMIC_RELEASE);
    for (int round = first; round <= last; round++) {
        for (int i = 0; i < n; i++) {
            pids[i] = fork_ok();
            if (pids[i] == 0)
                exit(waiter(i, round));
        }
        for (int i = 0; i < n; i++) {
            int status = wait_for(pids[i]);
            if (status == 1)
                error("round %d: waiter %d timed out though FUTEX_WAKE woke it", round, i);
            if (status != 0)
                error("round %d: waiter %d exited with %d", round, i, status);
        }
        if (purge)
            free_pages();
    }
}

int main(void)
{
    long f0 = free_pages();
    void *v = NULL;
    expect(shm_create("kswake", sizeof(struct ctl), 0), ERR_OK);
    expect(shm_map("kswake", &v, SHM_READ | SHM_WRITE), ERR_OK);
    ctl = v;
    int w = fork_ok();
    if (w == 0)
        exit(waker());
    rounds(1, ROUNDS, BATCH, true);
    rounds(ROUNDS + 1, ROUNDS + BIG_ROUNDS, BIG, false);
    __atomic_store_n(&ctl->stop, 1, __ATOMIC_RELEASE);
    expect_exit(w, 0);
    expect(shm_unmap("kswake", v), ERR_OK);
    expect(shm_destroy("kswake"), ERR_OK);
    if (free_pages() != f0)
        error("free frames %ld before, %ld after", f0, free_pages());
    pass("kstack_reuse_wake: %d rounds of %d waiters, %d of %d", ROUNDS, BATCH, BIG_ROUNDS, BIG);
    return 0;
}
