/*
 * shm_futex: the futex call's behaviour (futex.h) between processes.
 *   - ERR_AGAIN when the word does not hold val, at once, private or shared;
 *   - ERR_TIMEDOUT after the timeout (at least that long, by rdtime), for
 *     timeouts from 1 ms up; a wake before the timeout gives ERR_OK;
 *   - two processes mapping one region at different addresses meet on
 *     one futex (the key is the region and offset): wake returns how many
 *     it woke; so do two processes with shared mappings of one file;
 *   - FUTEX_WAKE n wakes at most n of several waiters, and every waiter
 *     is woken in the end; a wake of another word in the same page (and
 *     hash bucket) wakes nobody;
 *   - after fork, a child's private copy of a word is another futex, even
 *     while parent and child still share its frame copy-on-write (the key
 *     of private memory is the address space and address, not the frame).
 * (Error codes for bad arguments are in shm_errors.)
 */
#include "shmlib.h"
#include <lib/mman.h>
#include <lib/stddef.h>

/* A wake of a word nobody waits on is tried 20 times, this far apart:
 * across the other side's 300 ms wait, as when a 5 ms sleep lasted to
 * the tick after next (10 to 20 ms). */
#define WAKE_GAP_MS 15

static void again_and_timeouts(void)
{
    static int word = 3;
    expect(futex(&word, FUTEX_WAIT, 2, 0), ERR_AGAIN);
    expect(futex(&word, FUTEX_WAIT, -3, 1000), ERR_AGAIN);
    static const unsigned int ms[] = {1, 10, 35, 120};
    for (size_t i = 0; i < NELEM(ms); i++) {
        uint64_t t0 = rdtime();
        expect(futex(&word, FUTEX_WAIT, 3, ms[i]), ERR_TIMEDOUT);
        uint64_t took = (rdtime() - t0) / (TIME_HZ / 1000);
        if (took < ms[i])              /* never early: the deadline is rdtime's, like t0 */
            error("a %d ms futex timeout returned after %ld ms", ms[i], (long)took);
    }
    expect(shm_create("fx", PAGE, RS_DEFAULT), ERR_OK);
    int *w = map_ok("fx", SHM_READ | SHM_WRITE);
    expect(futex(w, FUTEX_WAIT, 1, 0), ERR_AGAIN);     /* an untouched page reads 0 */
    expect(futex(w, FUTEX_WAIT, 0, 5), ERR_TIMEDOUT);
    expect(shm_unmap("fx", w), ERR_OK);
    expect(shm_destroy("fx"), ERR_OK);
}

/* Wakes one waiter on w, retrying until one was there to be woken. */
static void wake_one_waiting(int *w)
{
    for (int tries = 0;; tries++) {
        int n = futex(w, FUTEX_WAKE, 1, 0);
        if (n == 1)
            return;
        if (n != 0)
            error("FUTEX_WAKE 1 = %d", n);
        if (tries > 10000)
            error("nobody came to wait on the futex");
        msleep(2);
    }
}

static void across_processes(void)
{
    expect(shm_create("fx2", 2 * PAGE, RS_DEFAULT), ERR_OK);
    int *mine = map_ok("fx2", SHM_READ | SHM_WRITE);
    mine[PAGE / 4] = 0;                                /* a word in the second page */
    int pid = fork_ok();
    if (pid == 0) {
        int *other = map_ok("fx2", SHM_READ | SHM_WRITE);
        assert(other != mine);
        wake_one_waiting(&other[PAGE / 4]);
        /* Then the other way: we wait, with a timeout the wake beats. */
        expect(futex(&other[1], FUTEX_WAIT, 0, 20000), ERR_OK);
        exit(0);
    }
    expect(futex(&mine[PAGE / 4], FUTEX_WAIT, 0, 0), ERR_OK);
    wake_one_waiting(&mine[1]);
    wait_ok(pid, "futex partner at another address");

    /* Several waiters; wake at most n. */
    volatile int *arrived = &mine[8];
    int *word = &mine[16];
    for (int i = 0; i < 4; i++)
        if (fork_ok() == 0) {
            __atomic_add_fetch(arrived, 1, __ATOMIC_SEQ_CST);
            expect(futex(word, FUTEX_WAIT, 0, 0), ERR_OK);
            exit(0);
        }
    while (*arrived < 4)
        msleep(5);
    msleep(50);
    int n = futex(word, FUTEX_WAKE, 3, 0);
    if (n < 0 || n > 3)
        error("FUTEX_WAKE 3 with 4 waiters = %d", n);
    int total = n;
    for (int tries = 0; total < 4; tries++) {
        n = futex(word, FUTEX_WAKE, 1000, 0);
        if (n < 0 || total + n > 4)
            error("FUTEX_WAKE woke %d more after %d of 4", n, total);
        total += n;
        if (tries > 5000)
            error("only %d of 4 waiters were ever woken", total);
        msleep(2);
    }
    reap_all(4, "futex waiters");
    expect(futex(word, FUTEX_WAKE, 1000, 0), 0);

    /* Same page, same hash bucket ((offset / 4) % 64 equal), other word. */
    int *a = &mine[64], *b = &mine[128];
    pid = fork_ok();
    if (pid == 0) {
        expect(futex(a, FUTEX_WAIT, 0, 300), ERR_TIMEDOUT);
        exit(0);
    }
    for (int i = 0; i < 20; i++) {
        expect(futex(b, FUTEX_WAKE, 1000, 0), 0);
        msleep(WAKE_GAP_MS);
    }
    wait_ok(pid, "waiter on a neighbouring word");
    expect(shm_unmap("fx2", mine), ERR_OK);
    expect(shm_destroy("fx2"), ERR_OK);
}

static void private_after_fork(void)
{
    static int word;
    word = 0;
    int pid = fork_ok();
    if (pid == 0) {
        word = 1;                                       /* the child's own copy now */
        for (int i = 0; i < 20; i++) {
            expect(futex(&word, FUTEX_WAKE, 1000, 0), 0);
            msleep(WAKE_GAP_MS);
        }
        exit(0);
    }
    expect(futex(&word, FUTEX_WAIT, 0, 300), ERR_TIMEDOUT);
    wait_ok(pid, "child waking its private word");
}

/* A page of its own, so that nothing else written to it breaks the
 * copy-on-write sharing the next step needs. */
static int twin_page[PAGE / sizeof(int)] __attribute__((aligned(PAGE)));

static void private_cow_twin(void)
{
    twin_page[0] = 0;                                   /* present before the fork */
    struct link l;
    link_open(&l);
    int pid = fork_ok();
    if (pid == 0) {
        /* Only loads here: the page stays the parent's frame, shared. */
        link_side(&l, true);
        link_send(&l, 'w');
        expect(futex(&twin_page[0], FUTEX_WAIT, 0, 300), ERR_TIMEDOUT);
        link_close(&l);
        exit(0);
    }
    link_side(&l, false);
    expect(link_recv(&l), 'w');
    for (int i = 0; i < 20; i++) {
        expect(futex(&twin_page[0], FUTEX_WAKE, 1000, 0), 0);
        msleep(WAKE_GAP_MS);
    }
    wait_ok(pid, "child waiting on its copy-on-write twin");
    link_close(&l);
}

static void shared_file_mapping(void)
{
    make_file("/futex.f", "a file whose shared mappings meet on a futex");
    int fd = open_ok("/futex.f", FS_RDWR);
    int *mine = NULL;
    expect(mmap(fd, 0, PAGE, SHM_READ | SHM_WRITE, MAP_SHARED, (void **)&mine), ERR_OK);
    mine[4] = 0;
    int pid = fork_ok();
    if (pid == 0) {
        int *other = NULL;
        expect(mmap(fd, 0, PAGE, SHM_READ | SHM_WRITE, MAP_SHARED, (void **)&other), ERR_OK);
        assert(other != mine);
        wake_one_waiting(&other[4]);
        expect(munmap(other, PAGE), ERR_OK);
        exit(0);
    }
    expect(futex(&mine[4], FUTEX_WAIT, 0, 0), ERR_OK);
    wait_ok(pid, "futex partner through another file mapping");
    expect(munmap(mine, PAGE), ERR_OK);
    expect(close(fd), ERR_OK);
    remove_file("/futex.f");
}

int main(void)
{
    struct usage start = usage_now();
    run_step(again_and_timeouts, "ERR_AGAIN and timeouts");
    run_step(across_processes, "futexes across processes");
    run_step(private_after_fork, "private words after fork");
    run_step(private_cow_twin, "a private word's copy-on-write twin");
    run_step(shared_file_mapping, "shared file mappings");
    expect_usage(start, "at the end");
    pass("shm_futex");
    return 0;
}
