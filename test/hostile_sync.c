/*
 * hostile_sync: named shared memory's list, names and lock, and futexes,
 * driven the way a careless or hostile program would.
 *   - shm_list with more live regions than fit in one kernel page of
 *     records (40, the page holds 25): every one is listed, and the shm
 *     command's count is right (the kernel used to return 25 at most);
 *     a max below the count gives exactly max;
 *   - names of 127 bytes of every non-NUL byte value, names differing in
 *     their last byte only, 128 bytes without a NUL (ERR_INVAL), a name
 *     running into unmapped memory (ERR_FAULT);
 *   - 6 processes contending for one region lock, killed one by one while
 *     they wait for it or hold it: under the lock never more than one
 *     (a word they set and clear), a holder's death seen by the next
 *     locker as ERR_OWNERDEAD, and after each kill the survivors go on
 *     (a lost wakeup would stop them);
 *   - futexes: a misaligned word (ERR_INVAL), a wait with a timeout on a
 *     read-only view (ERR_TIMEDOUT), FUTEX_WAKE counts 0, -1 and INT_MIN
 *     waking no one, INT_MAX waking every waiter, a waiter with the
 *     longest timeout killed; a waiter killed just before a FUTEX_WAKE of 1
 *     chose it (every hart kept busy, so it has not run yet): the wake
 *     goes on to the other waiter (it was lost, and a mutex_unlock's one
 *     wake with it: the other waiters slept on a free mutex);
 *   - proc_list while 4 processes fork and reap without pause: max 0,
 *     1 (init), bad buffers (ERR_FAULT), one running off the heap's end,
 *     every listing in strictly rising pid order with known states; the
 *     forkers killed in the middle of their forks, each ending with -1.
 * Each part runs in a child; frames and regions back after each.
 */
#include "shmlib.h"
#include <lib/proc-ext.h>
#include <lib/stdio-ext.h>
#include <lib/string-ext.h>
#include <lib/stddef.h>

#define MANY 40                 /* regions listed at once: more than a page of records */

static void name_of(char *name, int i)
{
    snprintf(name, 16, "hs%d", i);
}

static void list_many(void)
{
    static struct shm_info list[SHM_LIMIT_REGIONS];
    int before = shm_list(list, SHM_LIMIT_REGIONS);
    if (before < 0 || before + MANY > SHM_LIMIT_REGIONS)
        error("shm_list = %d before, no room for %d more", before, MANY);
    char name[16];
    for (int i = 0; i < MANY; i++) {
        name_of(name, i);
        expect(shm_create(name, PAGE, RS_DEFAULT), ERR_OK);
    }
    expect(shm_list(list, SHM_LIMIT_REGIONS), before + MANY);
    bool seen[MANY] = { false };
    for (int i = 0; i < before + MANY; i++)
        if (strncmp(list[i].name, "hs", 2) == 0) {
            int k = atoi(list[i].name + 2);
            if (k < 0 || k >= MANY || seen[k])
                error("shm_list: %s listed twice or unknown", list[i].name);
            seen[k] = true;
        }
    for (int i = 0; i < MANY; i++)
        if (!seen[i])
            error("shm_list: hs%d not listed", i);
    expect(shm_list(list, 30), 30);
    expect(shm_list(list, 1), 1);
    for (int i = 0; i < MANY; i++) {
        name_of(name, i);
        expect(shm_destroy(name), ERR_OK);
    }
    expect(shm_list(list, SHM_LIMIT_REGIONS), before);
}

static void odd_names(void)
{
    char odd[MAX_NAME_LEN], twin[MAX_NAME_LEN];
    for (int i = 0; i < MAX_NAME_LEN - 1; i++)
        odd[i] = (char)(1 + (i * 37 + 200) % 255);      /* 1..255, never 0 */
    odd[MAX_NAME_LEN - 1] = '\0';
    memcpy(twin, odd, sizeof(odd));
    twin[MAX_NAME_LEN - 2] ^= 0x40;                      /* differs in its last byte */
    expect(shm_create(odd, PAGE, RS_DEFAULT), ERR_OK);
    expect(shm_create(twin, PAGE, RS_DEFAULT), ERR_OK);
    expect(shm_create(odd, PAGE, RS_DEFAULT), ERR_EXIST);
    int *a = map_ok(odd, SHM_READ | SHM_WRITE);
    int *b = map_ok(twin, SHM_READ | SHM_WRITE);
    *a = 1;
    *b = 2;
    expect(*a, 1);
    expect(shm_lock(odd), ERR_OK);
    expect(shm_lock(twin), ERR_OK);
    expect(shm_unlock(odd), ERR_OK);
    expect(shm_unlock(odd), ERR_INVAL);
    expect(shm_unlock(twin), ERR_OK);
    expect(shm_unmap(twin, a), ERR_NOTEXIST);            /* a is odd's view */
    expect(shm_unmap(odd, a), ERR_OK);
    expect(shm_unmap(twin, b), ERR_OK);
    expect(shm_destroy(odd), ERR_OK);
    expect(shm_destroy(twin), ERR_OK);

    char full[MAX_NAME_LEN + 1];
    memset(full, 'n', sizeof(full));                     /* no NUL in the first 128 */
    full[MAX_NAME_LEN] = '\0';
    expect(shm_create(full, PAGE, RS_DEFAULT), ERR_INVAL);
    expect(shm_lock(full), ERR_INVAL);
    expect(shm_create("", PAGE, RS_DEFAULT), ERR_INVAL);
    char *end = heap_end(5);                             /* "abcde" and then no more memory */
    memcpy(end, "abcde", 5);
    expect(shm_create(end, PAGE, RS_DEFAULT), ERR_FAULT);
    expect(shm_destroy(end), ERR_FAULT);
}

/* What the lock guards. */
struct guarded {
    volatile int inside;        /* 1 while someone is between lock and unlock */
    volatile long count;        /* critical sections done */
    volatile long dead_seen;    /* ERR_OWNERDEAD answers */
};

#define WORKERS 6

static void locker(struct guarded *g)
{
    for (;;) {
        int r = shm_lock("hlock");
        if (r == ERR_OWNERDEAD) {
            g->dead_seen++;
            g->inside = 0;       /* repair: the dead holder was inside */
        } else if (r != ERR_OK) {
            error("worker %d: shm_lock = %d", getpid(), r);
        }
        if (g->inside != 0)
            error("worker %d: two processes under the lock", getpid());
        g->inside = 1;
        g->count++;
        for (volatile int spin = 0; spin < 2000; spin++)
            ;
        g->inside = 0;
        expect(shm_unlock("hlock"), ERR_OK);
    }
}

/* Waits until the workers have done n more critical sections. */
static void progress(struct guarded *g, long n, const char *what)
{
    long start = g->count;
    for (int tries = 0; g->count < start + n; tries++) {
        if (tries == 600)
            error("%s: no progress under the lock (%ld sections in 6 s)", what, g->count - start);
        msleep(10);
    }
}

static void lock_kills(void)
{
    expect(shm_create("hlock", PAGE, RS_DEFAULT), ERR_OK);
    struct guarded *g = map_ok("hlock", SHM_READ | SHM_WRITE);
    int pids[WORKERS];
    for (int i = 0; i < WORKERS; i++) {
        pids[i] = fork_ok();
        if (pids[i] == 0)
            locker(g);
    }
    progress(g, 200, "all workers");
    for (int i = 0; i < WORKERS - 1; i++) {
        expect(kill(pids[i]), ERR_OK);
        expect(wait_for(pids[i]), -1);
        progress(g, 100, "after a kill");
    }
    expect(kill(pids[WORKERS - 1]), ERR_OK);
    expect(wait_for(pids[WORKERS - 1]), -1);
    int r = shm_lock("hlock");
    if (r != ERR_OK && r != ERR_OWNERDEAD)
        error("shm_lock after the workers = %d", r);
    if (r == ERR_OWNERDEAD)
        g->inside = 0;
    expect(g->inside, 0);
    expect(shm_unlock("hlock"), ERR_OK);
    expect(shm_unmap("hlock", g), ERR_OK);
    expect(shm_destroy("hlock"), ERR_OK);
}

/* A child waiting on word (value 0) until woken; exits 0 when woken. */
static int waiter(int *word, unsigned int timeout_ms)
{
    int pid = fork_ok();
    if (pid == 0) {
        int r = futex(word, FUTEX_WAIT, 0, timeout_ms);
        exit(r == ERR_OK ? 0 : 100 - r);
    }
    return pid;
}

static void futexes(void)
{
    expect(shm_create("hfx", PAGE, RS_DEFAULT), ERR_OK);
    int *rw = map_ok("hfx", SHM_READ | SHM_WRITE);
    int *ro = map_ok("hfx", SHM_READ);
    expect(futex((int *)((char *)rw + 1), FUTEX_WAIT, 0, 10), ERR_INVAL);
    expect(futex((int *)((char *)rw + 2), FUTEX_WAKE, 1, 0), ERR_INVAL);
    expect(futex(ro, FUTEX_WAIT, 0, 20), ERR_TIMEDOUT);
    expect(futex(ro, FUTEX_WAIT, 1, 20), ERR_AGAIN);
    int pids[3];
    for (int i = 0; i < 3; i++) {
        pids[i] = waiter(rw + 1, 0);
        await_state(pids[i], PROC_INFO_SLEEPING, "futex waiter");
    }
    int counts[] = { 0, -1, -0x7fffffff - 1 };
    for (int i = 0; i < 3; i++)
        expect(futex(ro + 1, FUTEX_WAKE, counts[i], 0), 0);
    expect(futex(ro + 1, FUTEX_WAKE, 0x7fffffff, 0), 3);    /* through the read-only view */
    for (int i = 0; i < 3; i++)
        wait_ok(pids[i], "futex waiter");
    int pid = waiter(rw + 2, 0xffffffffu);
    await_state(pid, PROC_INFO_SLEEPING, "futex waiter");
    expect(kill(pid), ERR_OK);
    expect(wait_for(pid), -1);
    expect(futex(rw + 2, FUTEX_WAKE, 1, 0), 0);          /* the killed waiter is gone */
    expect(shm_unmap("hfx", ro), ERR_OK);
    expect(shm_unmap("hfx", rw), ERR_OK);
    expect(shm_destroy("hfx"), ERR_OK);
}

/* Keeps a hart busy in user mode until killed. */
static int spinner(void)
{
    int pid = fork_ok();
    if (pid == 0)
        for (;;)
            ;
    return pid;
}

#define SPINNERS 4              /* at least the harts but the caller's */

static void killed_wake(void)
{
    expect(shm_create("hkw", PAGE, RS_DEFAULT), ERR_OK);
    int *word = map_ok("hkw", SHM_READ | SHM_WRITE);
    int other = waiter(word, 3000);
    await_state(other, PROC_INFO_SLEEPING, "futex waiter");
    int doomed = waiter(word, 0);                        /* waits last: woken first */
    await_state(doomed, PROC_INFO_SLEEPING, "futex waiter");
    int spin[SPINNERS];
    for (int i = 0; i < SPINNERS; i++)
        spin[i] = spinner();
    msleep(20);                                          /* every hart busy */
    expect(kill(doomed), ERR_OK);                        /* runnable, not yet run */
    expect(futex(word, FUTEX_WAKE, 1, 0), 1);            /* chooses doomed */
    for (int i = 0; i < SPINNERS; i++) {
        expect(kill(spin[i]), ERR_OK);
        expect(wait_for(spin[i]), -1);
    }
    expect(wait_for(doomed), -1);
    int status = wait_for(other);
    if (status != 0)
        error("the other waiter: status %d (%d: ERR_TIMEDOUT, the wake was lost)", status,
              100 - ERR_TIMEDOUT);
    expect(shm_unmap("hkw", word), ERR_OK);
    expect(shm_destroy("hkw"), ERR_OK);
}

/* Forks and reaps children that exit at once, without end. */
static int forker(void)
{
    int pid = fork_ok();
    if (pid == 0)
        for (;;) {
            int child = fork();
            if (child == 0)
                exit(7);
            if (child > 0)
                wait(child, NULL);
        }
    return pid;
}

#define FORKERS 4

static void list_storm(void)
{
    static struct proc_info procs[512];
    int pids[FORKERS];
    for (int i = 0; i < FORKERS; i++)
        pids[i] = forker();
    uintptr_t bad[] = BAD_POINTERS;
    for (int round = 0; round < 10; round++) {
        expect(proc_list(procs, 0), 0);
        expect(proc_list(procs, 1), 1);
        expect(procs[0].pid, 1);
        for (unsigned i = 0; i < NELEM(bad); i++)
            expect(proc_list((struct proc_info *)bad[i], 4), ERR_FAULT);
        expect(proc_list((struct proc_info *)heap_end(sizeof(procs[0])), 100), ERR_FAULT);
        int n = proc_list(procs, NELEM(procs));
        if (n < 1 + FORKERS || n >= (int)NELEM(procs))
            error("proc_list = %d with %d forkers", n, FORKERS);
        for (int i = 0; i < n; i++) {
            if (i > 0 && procs[i].pid <= procs[i - 1].pid)
                error("proc_list: pid %d after %d", procs[i].pid, procs[i - 1].pid);
            if (procs[i].state < PROC_INFO_RUNNING || procs[i].state > PROC_INFO_ZOMBIE)
                error("proc_list: pid %d in state %d", procs[i].pid, procs[i].state);
        }
    }
    for (int i = 0; i < FORKERS; i++) {
        expect(kill(pids[i]), ERR_OK);
        expect(wait_for(pids[i]), -1);
    }
}

int main(void)
{
    run_step(list_many, "shm_list of 40 regions");
    run_step(odd_names, "odd names");
    run_step(lock_kills, "lock kills");
    run_step(futexes, "futexes");
    run_step(killed_wake, "a killed waiter's wake");
    run_step(list_storm, "proc_list in a fork storm");
    pass("hostile_sync");
    return 0;
}
