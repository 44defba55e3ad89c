/*
 * shm_sync: <lib/sync.h> objects placed in a shared region and used by
 * several processes on several harts.
 *   - mutex_t: 8 processes each add 1 to a shared counter 20000 times under
 *     one mutex (on 4 harts, so they really run at once): the total is
 *     exact; trylock from another process sees ERR_LOCK_BUSY;
 *     uncontended lock/unlock pairs make no system call (syscount);
 *   - cond_t: a consumer waits in cond_wait for a value a producer sets
 *     under the mutex, for 300 hand-offs; cond_broadcast wakes all of
 *     several waiters;
 *   - sem_t: a semaphore of 2 never lets 3 processes in at once, and
 *     sem_post/sem_wait carry 500 tokens between two processes.
 */
// test: cpus=4 timeout=60
#include "shmlib.h"
#include <lib/sync.h>
#include <lib/bench.h>

struct shared {
    mutex_t m;
    cond_t c;
    sem_t s;
    volatile long counter;
    volatile int value, ready, inside, max_inside, woken;
    volatile int start;
};

static struct shared *setup(const char *name)
{
    expect(shm_create(name, PAGE, RS_DEFAULT), ERR_OK);
    struct shared *s = map_ok(name, SHM_READ | SHM_WRITE);
    mutex_init(&s->m);
    cond_init(&s->c);
    sem_init(&s->s, 0);
    return s;
}

static void teardown(const char *name, void *view)
{
    expect(shm_unmap(name, view), ERR_OK);
    expect(shm_destroy(name), ERR_OK);
}

#define NPROC 8
#define ADDS 20000

static void mutex_counter(void)
{
    struct shared *s = setup("mutex");
    for (int i = 0; i < NPROC; i++)
        if (fork_ok() == 0) {
            while (!s->start)                           /* all start together */
                ;
            for (int j = 0; j < ADDS; j++) {
                mutex_lock(&s->m);
                s->counter++;
                mutex_unlock(&s->m);
            }
            exit(0);
        }
    s->start = 1;
    reap_all(NPROC, "counting processes");
    expect(s->counter, (long)NPROC * ADDS);
    expect(s->m.state, 0);

    /* trylock from another process. */
    mutex_lock(&s->m);
    int pid = fork_ok();
    if (pid == 0) {
        expect(mutex_trylock(&s->m), ERR_LOCK_BUSY);
        exit(0);
    }
    wait_ok(pid, "trylock of a held mutex");
    mutex_unlock(&s->m);
    pid = fork_ok();
    if (pid == 0) {
        expect(mutex_trylock(&s->m), ERR_OK);
        mutex_unlock(&s->m);
        exit(0);
    }
    wait_ok(pid, "trylock of a free mutex");

    /* No system call without contention. */
    long c0 = syscount(), c1 = syscount();
    long overhead = c1 - c0;
    c0 = syscount();
    for (int i = 0; i < 1000; i++) {
        mutex_lock(&s->m);
        mutex_unlock(&s->m);
    }
    c1 = syscount();
    expect(c1 - c0 - overhead, 0);
    teardown("mutex", s);
}

#define HANDOFFS 300

static void condvar(void)
{
    struct shared *s = setup("cond");
    int pid = fork_ok();
    if (pid == 0) {
        /* Consumer: waits for each value in turn. */
        for (int i = 1; i <= HANDOFFS; i++) {
            mutex_lock(&s->m);
            while (!s->ready)
                cond_wait(&s->c, &s->m);
            expect(s->value, i);
            s->ready = 0;
            cond_signal(&s->c);
            mutex_unlock(&s->m);
        }
        exit(0);
    }
    for (int i = 1; i <= HANDOFFS; i++) {
        mutex_lock(&s->m);
        while (s->ready)
            cond_wait(&s->c, &s->m);
        s->value = i;
        s->ready = 1;
        cond_signal(&s->c);
        mutex_unlock(&s->m);
    }
    wait_ok(pid, "consumer");

    /* Broadcast: every waiter wakes. */
    s->ready = 0;
    for (int i = 0; i < 4; i++)
        if (fork_ok() == 0) {
            mutex_lock(&s->m);
            s->inside++;
            while (!s->ready)
                cond_wait(&s->c, &s->m);
            s->woken++;
            mutex_unlock(&s->m);
            exit(0);
        }
    for (;;) {
        mutex_lock(&s->m);
        int n = s->inside;
        mutex_unlock(&s->m);
        if (n == 4)
            break;
        msleep(10);
    }
    mutex_lock(&s->m);
    s->ready = 1;
    cond_broadcast(&s->c);
    mutex_unlock(&s->m);
    reap_all(4, "broadcast waiters");
    expect(s->woken, 4);
    teardown("cond", s);
}

static void semaphore(void)
{
    struct shared *s = setup("sem");
    /* A semaphore of 2 and 3 processes: never more than 2 inside. */
    sem_init(&s->s, 2);
    for (int i = 0; i < 3; i++)
        if (fork_ok() == 0) {
            for (int j = 0; j < 200; j++) {
                sem_wait(&s->s);
                int n = __atomic_add_fetch(&s->inside, 1, __ATOMIC_SEQ_CST);
                if (n > s->max_inside)
                    s->max_inside = n;
                for (volatile int spin = 0; spin < 300; spin++)
                    ;
                __atomic_sub_fetch(&s->inside, 1, __ATOMIC_SEQ_CST);
                sem_post(&s->s);
            }
            exit(0);
        }
    reap_all(3, "semaphore users");
    if (s->max_inside > 2 || s->max_inside < 1)
        error("%d processes were inside a semaphore of 2", s->max_inside);
    expect(s->s.count, 2);

    /* Tokens from a producer to a consumer. */
    sem_init(&s->s, 0);
    s->counter = 0;
    int pid = fork_ok();
    if (pid == 0) {
        for (int i = 0; i < 500; i++) {
            sem_wait(&s->s);
            s->counter++;
        }
        exit(0);
    }
    for (int i = 0; i < 500; i++)
        sem_post(&s->s);
    wait_ok(pid, "token consumer");
    expect(s->counter, 500);
    expect(s->s.count, 0);
    teardown("sem", s);
}

int main(void)
{
    struct usage start = usage_now();
    run_step(mutex_counter, "mutex_t");
    run_step(condvar, "cond_t");
    run_step(semaphore, "sem_t");
    expect_usage(start, "at the end");
    pass("shm_sync");
    return 0;
}
