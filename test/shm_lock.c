/*
 * shm_lock: the region lock of shm_lock/shm_unlock between processes.
 *   - contention: a child's shm_lock waits while the parent holds the lock
 *     and returns only after the parent's unlock, seeing what the parent
 *     wrote under it;
 *   - mutual exclusion: 4 processes doing a slow read-modify-write of a
 *     shared counter under the lock end with the exact count;
 *   - the lock belongs to the region, not the view or the name: two views
 *     share it, two regions do not;
 *   - a holder that dies (killed by a fault, or exiting) releases it: the
 *     next shm_lock, including one already waiting, returns ERR_OWNERDEAD
 *     and holds the lock; the one after that returns ERR_OK;
 *   - a holder that unmapped its last view still holds the lock and
 *     releases it with shm_unlock (the next locker gets ERR_OK); the held
 *     lock keeps the region until then, even destroyed and unmapped.
 * Killed on purpose: two lock holders.
 */
// test: expect-killed=2
#include "shmlib.h"

struct area {
    volatile int stage;
    volatile int child_has_lock;
    volatile long counter;
};

static void contention(void)
{
    expect(shm_create("lk", PAGE, RS_DEFAULT), ERR_OK);
    struct area *a = map_ok("lk", SHM_READ | SHM_WRITE);
    struct link l;
    link_open(&l);
    expect(shm_lock("lk"), ERR_OK);
    a->stage = 1;
    int pid = fork_ok();
    if (pid == 0) {
        link_side(&l, true);
        link_send(&l, 'r');
        expect(shm_lock("lk"), ERR_OK);                  /* waits for the parent */
        a->child_has_lock = 1;
        expect(a->stage, 2);
        a->stage = 3;
        expect(shm_unlock("lk"), ERR_OK);
        link_close(&l);
        exit(0);
    }
    link_side(&l, false);
    expect(link_recv(&l), 'r');
    await_state(pid, PROC_INFO_SLEEPING, "child waiting for the lock");
    expect(a->child_has_lock, 0);
    a->stage = 2;
    expect(shm_unlock("lk"), ERR_OK);
    wait_ok(pid, "child waiting for the lock");
    link_close(&l);
    expect(a->stage, 3);
    /* The child's unlock left it free. */
    expect(shm_lock("lk"), ERR_OK);
    expect(shm_unlock("lk"), ERR_OK);
    expect(shm_unmap("lk", a), ERR_OK);
    expect(shm_destroy("lk"), ERR_OK);
}

#define NPROC 4
#define ROUNDS 150

static void exclusion(void)
{
    expect(shm_create("cnt", PAGE, RS_DEFAULT), ERR_OK);
    struct area *a = map_ok("cnt", SHM_READ | SHM_WRITE);
    for (int i = 0; i < NPROC; i++)
        if (fork_ok() == 0) {
            for (int j = 0; j < ROUNDS; j++) {
                expect(shm_lock("cnt"), ERR_OK);
                long c = a->counter;
                for (volatile int spin = 0; spin < 200; spin++)
                    ;
                a->counter = c + 1;
                expect(shm_unlock("cnt"), ERR_OK);
            }
            exit(0);
        }
    reap_all(NPROC, "lockers");
    expect(a->counter, NPROC * ROUNDS);
    expect(shm_unmap("cnt", a), ERR_OK);
    expect(shm_destroy("cnt"), ERR_OK);
}

static void per_region(void)
{
    expect(shm_create("r1", PAGE, RS_DEFAULT), ERR_OK);
    expect(shm_create("r2", PAGE, RS_DEFAULT), ERR_OK);
    char *v1 = map_ok("r1", SHM_READ | SHM_WRITE);
    char *w1 = map_ok("r1", SHM_READ);
    char *v2 = map_ok("r2", SHM_READ | SHM_WRITE);
    expect(shm_lock("r1"), ERR_OK);
    expect(shm_lock("r1"), ERR_INVAL);                   /* one lock for both views */
    int pid = fork_ok();
    if (pid == 0) {
        expect(shm_lock("r2"), ERR_OK);                  /* another region: free */
        expect(shm_unlock("r2"), ERR_OK);
        expect(shm_unlock("r1"), ERR_INVAL);             /* held by the parent */
        exit(0);
    }
    wait_ok(pid, "locker of another region");
    expect(shm_unmap("r1", v1), ERR_OK);
    expect(shm_unlock("r1"), ERR_OK);                    /* through the other view */
    expect(shm_unmap("r1", w1), ERR_OK);
    expect(shm_unmap("r2", v2), ERR_OK);
    expect(shm_destroy("r1"), ERR_OK);
    expect(shm_destroy("r2"), ERR_OK);
}

static void holder_dies(void)
{
    expect(shm_create("dead", PAGE, RS_DEFAULT), ERR_OK);
    struct area *a = map_ok("dead", SHM_READ | SHM_WRITE);

    /* Killed while holding, nobody waiting. */
    int pid = fork_ok();
    if (pid == 0) {
        expect(shm_lock("dead"), ERR_OK);
        a->stage = 7;                                    /* half-done update */
        access_address(0, STORE);
        exit(0);
    }
    expect(wait_for(pid), -1);
    expect(shm_lock("dead"), ERR_OWNERDEAD);             /* ... and we hold it */
    expect(a->stage, 7);
    expect(shm_lock("dead"), ERR_INVAL);                 /* already ours */
    pid = fork_ok();
    if (pid == 0) {
        expect(shm_unlock("dead"), ERR_INVAL);           /* not the child's */
        exit(0);
    }
    wait_ok(pid, "non-holder unlocking");
    a->stage = 0;                                        /* repaired */
    expect(shm_unlock("dead"), ERR_OK);
    expect(shm_lock("dead"), ERR_OK);                    /* reported once */
    expect(shm_unlock("dead"), ERR_OK);

    /* Killed while holding, with us already waiting. */
    struct link l;
    link_open(&l);
    int parent = getpid();
    pid = fork_ok();
    if (pid == 0) {
        link_side(&l, true);
        expect(shm_lock("dead"), ERR_OK);
        link_send(&l, 'L');
        await_state(parent, PROC_INFO_SLEEPING, "the parent queued up");
        access_address(0, STORE);
        exit(0);
    }
    link_side(&l, false);
    expect(link_recv(&l), 'L');
    expect(shm_lock("dead"), ERR_OWNERDEAD);
    expect(wait_for(pid), -1);
    link_close(&l);
    expect(shm_unlock("dead"), ERR_OK);

    /* Exiting while holding is dying too. */
    pid = fork_ok();
    if (pid == 0) {
        expect(shm_lock("dead"), ERR_OK);
        exit(0);
    }
    wait_ok(pid, "holder that exits");
    expect(shm_lock("dead"), ERR_OWNERDEAD);
    expect(shm_unlock("dead"), ERR_OK);
    expect(shm_unmap("dead", a), ERR_OK);
    expect(shm_destroy("dead"), ERR_OK);
}

/* A holder that unmapped its last view still holds the lock and can
 * release it: the next locker gets it then (ERR_OK, nobody died), not when
 * the holder exits. The held lock also keeps the region: destroyed and
 * unmapped by everyone else, it stays until the unlock. */
static void holder_unmaps(void)
{
    struct usage before = usage_now();
    expect(shm_create("um", PAGE, RS_DEFAULT), ERR_OK);
    struct area *a = map_ok("um", SHM_READ | SHM_WRITE);
    struct link l;
    link_open(&l);
    int holder = fork_ok();
    if (holder == 0) {
        /* Not the creator: after the unmap, only the lock ties us to "um". */
        link_side(&l, true);
        expect(shm_unmap("um", a), ERR_OK);
        struct area *v = map_ok("um", SHM_READ | SHM_WRITE);
        expect(shm_lock("um"), ERR_OK);
        v->stage = 1;
        expect(shm_unmap("um", v), ERR_OK);
        link_send(&l, 'L');
        expect(link_recv(&l), 'u');
        expect(shm_unlock("um"), ERR_OK);
        expect(shm_unlock("um"), ERR_NOTEXIST);          /* released: no view, no lock */
        expect(link_recv(&l), 'x');
        link_close(&l);
        exit(0);
    }
    link_side(&l, false);
    expect(link_recv(&l), 'L');
    int waiter = fork_ok();
    if (waiter == 0) {
        expect(shm_lock("um"), ERR_OK);                  /* not ERR_OWNERDEAD */
        a->stage = 2;
        expect(shm_unlock("um"), ERR_OK);
        exit(0);
    }
    await_state(waiter, PROC_INFO_SLEEPING, "the waiter queued up");
    expect(a->stage, 1);
    link_send(&l, 'u');
    wait_ok(waiter, "locker after a holder without a view unlocked");
    expect(a->stage, 2);
    link_send(&l, 'x');
    wait_ok(holder, "holder that unmapped its last view");
    link_close(&l);

    /* The lock alone keeps the region until it is released. */
    link_open(&l);
    holder = fork_ok();
    if (holder == 0) {
        link_side(&l, true);
        expect(shm_unmap("um", a), ERR_OK);
        struct area *v = map_ok("um", SHM_READ);
        expect(shm_lock("um"), ERR_OK);
        expect(shm_unmap("um", v), ERR_OK);
        link_send(&l, 'L');
        expect(link_recv(&l), 'd');                      /* destroyed, unmapped */
        expect(shm_unlock("um"), ERR_OK);
        link_close(&l);
        exit(0);
    }
    link_side(&l, false);
    expect(link_recv(&l), 'L');
    expect(shm_unmap("um", a), ERR_OK);
    expect(shm_destroy("um"), ERR_OK);
    link_send(&l, 'd');
    wait_ok(holder, "holder of the lock of a destroyed region");
    link_close(&l);
    expect_shm(before, "holder unmaps");
}

int main(void)
{
    struct usage start = usage_now();
    run_step(contention, "contention");
    run_step(exclusion, "mutual exclusion");
    run_step(per_region, "one lock per region");
    run_step(holder_dies, "holder dies");
    run_step(holder_unmaps, "holder unmaps");
    expect_usage(start, "at the end");
    pass("shm_lock");
    return 0;
}
