/*
 * shm_races: many processes on 4 harts call every shared-memory operation
 * at random on a few overlapping names for about 2 seconds (`shm_races N`
 * at the prompt: N seconds), some 9,000 operations: create, map,
 * touch (user stores and loads, kernel copies), unmap, destroy, resize,
 * the region lock, futex waits and wakes, fork (children inherit views and
 * exit holding them), shm_list, and shared and private file mappings. The
 * kernel must not panic, no call may return a code outside its contract,
 * no process may be killed (views are touched only where they must be
 * mapped), and when everyone is gone and the persistent names destroyed,
 * every frame must be back.
 *
 * Names have fixed flags and a fixed least size, so a process knows what
 * it may touch without asking: a view always covers MIN_PAGES pages, since
 * a region is never resized below a live view nor below MIN_PAGES here.
 * The region lock is used only on "lock", which no one destroys: locks are
 * found by name among the caller's views, and a process mapping an old,
 * destroyed region and a new one of the same name could not tell them
 * apart.
 */
// test: cpus=4 timeout=90
#include "shmlib.h"
#include <lib/mman.h>
#include <lib/stddef.h>
#include <lib/string-ext.h>

#define SECONDS 2              /* unless given as the argument */
#define WORKERS 8
#define MIN_PAGES 2
#define MAX_PAGES 12
#define MAX_VIEWS 12

static const struct name {
    const char *name;
    int flags;
} names[] = {
    { "plain", RS_DEFAULT },
    { "noinh", RS_NOINHERIT },
    { "rdonly", RS_RDONLY },
    { "family", RS_FAMILY },
    { "persist", RS_PERSIST },
    { "pers-noinh", RS_PERSIST | RS_NOINHERIT },
};
#define NNAMES (int)NELEM(names)

struct view {
    int name;                    /* index in names, -1 if the slot is free */
    char *addr;
    bool writable;
};

static struct view views[MAX_VIEWS];
static uint64_t rng;
static uint64_t deadline;

static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static int pick(int n)
{
    return (int)(rnd() % (uint64_t)n);
}

static void bad_result(const char *call, int name, int r)
{
    error("pid %d: %s(\"%s\") = %d", getpid(), call, names[name].name, r);
}

static void op_create(void)
{
    int n = pick(NNAMES);
    size_t size = (size_t)(MIN_PAGES + pick(MAX_PAGES - MIN_PAGES + 1)) * PAGE - pick(PAGE);
    int r = shm_create(names[n].name, size, names[n].flags);
    if (r != ERR_OK && r != ERR_EXIST && r != ERR_NOMEM)
        bad_result("shm_create", n, r);
}

static void op_map(void)
{
    int slot = pick(MAX_VIEWS);
    if (views[slot].name >= 0)
        return;
    int n = pick(NNAMES);
    bool w = pick(3) != 0;
    void *a = NULL;
    int r = shm_map(names[n].name, &a, w ? SHM_READ | SHM_WRITE : SHM_READ);
    if (r == ERR_OK) {
        views[slot].name = n;
        views[slot].addr = a;
        views[slot].writable = w;
    } else if (r != ERR_NOTEXIST && r != ERR_NOMEM && !(r == ERR_PERM && w && (names[n].flags & RS_RDONLY))) {
        bad_result("shm_map", n, r);
    }
}

static void op_unmap(void)
{
    int slot = pick(MAX_VIEWS);
    if (views[slot].name < 0)
        return;
    char *inside = views[slot].addr + pick(MIN_PAGES * PAGE);
    int r = shm_unmap(names[views[slot].name].name, inside);
    if (r != ERR_OK)
        bad_result("shm_unmap of our own view", views[slot].name, r);
    views[slot].name = -1;
}

static void op_touch(void)
{
    int slot = pick(MAX_VIEWS);
    if (views[slot].name < 0)
        return;
    volatile char *v = views[slot].addr;
    for (int i = 0; i < 8; i++) {
        size_t off = pick(MIN_PAGES * PAGE);
        if (views[slot].writable)
            v[off] = (char)off;
        else
            (void)v[off];
    }
    if (views[slot].writable && pick(4) == 0) {
        /* A kernel copy into the view, across its page boundary. */
        int fd = open("/smallfile", FS_RDONLY, EMPTY_MODE);
        if (fd < 0)
            error("open = %d", fd);
        expect(read(fd, (char *)v + PAGE - 13, 26), 26);
        expect(close(fd), ERR_OK);
    }
}

static void op_destroy(void)
{
    int n = pick(NNAMES);
    int r = shm_destroy(names[n].name);
    if (r != ERR_OK && r != ERR_NOTEXIST && r != ERR_INVAL && r != ERR_PERM)
        bad_result("shm_destroy", n, r);
}

static void op_resize(void)
{
    int n = pick(NNAMES);
    size_t size = (size_t)(MIN_PAGES + pick(MAX_PAGES - MIN_PAGES + 1)) * PAGE;
    int r = shm_resize(names[n].name, size);
    if (r != ERR_OK && r != ERR_NOTEXIST && r != ERR_INVAL && r != ERR_NOMEM &&
        !(r == ERR_PERM && (names[n].flags & RS_RDONLY)))
        bad_result("shm_resize", n, r);
}

static char *lock_view;

static void op_lock(void)
{
    int r = shm_lock("lock");
    if (r != ERR_OK && r != ERR_OWNERDEAD)
        error("pid %d: shm_lock(\"lock\") = %d", getpid(), r);
    lock_view[pick(PAGE / 2)] = 1;
    if (pick(16) == 0)
        msleep(1);               /* sometimes hold it long enough for a queue */
    r = shm_unlock("lock");
    if (r != ERR_OK)
        error("pid %d: shm_unlock(\"lock\") = %d", getpid(), r);
}

static void op_futex(void)
{
    int slot = pick(MAX_VIEWS);
    if (views[slot].name < 0)
        return;
    int *w = (int *)(views[slot].addr + 4 * pick(MIN_PAGES * PAGE / 4));
    int r;
    if (pick(4) == 0) {
        r = futex(w, FUTEX_WAIT, *(volatile int *)w, 1 + pick(3));
        if (r != ERR_OK && r != ERR_AGAIN && r != ERR_TIMEDOUT)
            bad_result("futex wait", views[slot].name, r);
    } else {
        r = futex(w, FUTEX_WAKE, 1 + pick(4), 0);
        if (r < 0)
            bad_result("futex wake", views[slot].name, r);
    }
}

static void op_file(void)
{
    int fd = open("/races.f", FS_RDWR, EMPTY_MODE);
    if (fd < 0)
        error("open(/races.f) = %d", fd);
    bool shared = pick(2);
    char *m = NULL;
    int r = mmap(fd, 0, 2 * PAGE, SHM_READ | SHM_WRITE, shared ? MAP_SHARED : MAP_PRIVATE,
                 (void **)&m);
    if (r != ERR_OK)
        error("mmap = %d", r);
    m[pick(2 * PAGE)] = 'r';
    expect(munmap(m, 2 * PAGE), ERR_OK);
    expect(close(fd), ERR_OK);
}

static void op_list(void)
{
    static struct shm_info list[SHM_LIMIT_REGIONS];
    int n = shm_list(list, SHM_LIMIT_REGIONS);
    if (n < 0 || n > SHM_LIMIT_REGIONS)
        error("shm_list = %d", n);
    struct sys_info i;
    info(&i);
}

static void run_ops(long count, bool may_fork);

static void op_fork(bool may_fork)
{
    if (!may_fork)
        return;
    int pid = fork();
    if (pid == ERR_NOMEM)
        return;
    if (pid < 0)
        error("fork = %d", pid);
    if (pid == 0) {
        /* Views of RS_NOINHERIT regions stayed with the parent; those of
         * RS_RDONLY ones are read-only here (we are not the creator). */
        for (int i = 0; i < MAX_VIEWS; i++) {
            if (views[i].name >= 0 && (names[views[i].name].flags & RS_NOINHERIT))
                views[i].name = -1;
            if (views[i].name >= 0 && (names[views[i].name].flags & RS_RDONLY))
                views[i].writable = false;
        }
        rng ^= (uint64_t)getpid() * 0x9E3779B97F4A7C15UL;
        run_ops(10 + pick(30), false);
        exit(0);                 /* with whatever it still maps and created */
    }
    wait_ok(pid, "forked worker child");
}

/* Operations done by everyone, in the persistent "lock" region. */
static long *total_ops(void)
{
    return (long *)(lock_view + PAGE - 64);
}

static void run_ops(long count, bool may_fork)
{
    long done = 0;
    for (; (count < 0 || done < count) && rdtime() < deadline; done++) {
        switch (pick(12)) {
        case 0: op_create(); break;
        case 1: case 2: op_map(); break;
        case 3: op_unmap(); break;
        case 4: case 5: op_touch(); break;
        case 6: op_destroy(); break;
        case 7: op_resize(); break;
        case 8: op_lock(); break;
        case 9: op_futex(); break;
        case 10: pick(4) ? op_list() : op_file(); break;
        case 11: op_fork(may_fork); break;
        }
    }
    __atomic_add_fetch(total_ops(), done, __ATOMIC_RELAXED);
}

int main(int argc, char **argv)
{
    long seconds = argc > 1 ? atoi(argv[1]) : SECONDS;
    if (seconds <= 0)
        error("usage: shm_races [SECONDS]");
    struct usage start = usage_now();
    make_file("/races.f", "a file mapped by the race test");
    expect(shm_create("lock", PAGE, RS_PERSIST), ERR_OK);
    lock_view = map_ok("lock", SHM_READ | SHM_WRITE);
    for (int i = 0; i < MAX_VIEWS; i++)
        views[i].name = -1;
    deadline = rdtime() + (uint64_t)seconds * TIME_HZ;
    for (int w = 0; w < WORKERS; w++)
        if (fork_ok() == 0) {
            rng = 0x2545F4914F6CDD1DUL ^ ((uint64_t)getpid() << 32) ^ rdtime();
            run_ops(-1, true);
            exit(0);                 /* still mapping, holding, creating */
        }
    reap_all(WORKERS, "workers");
    printf("shm_races: %ld operations by %d workers and their children\n", *total_ops(), WORKERS);

    /* Nobody else is left: clear the names that outlive their creators. */
    expect(shm_unmap("lock", lock_view), ERR_OK);
    expect(shm_destroy("lock"), ERR_OK);
    for (int n = 0; n < NNAMES; n++) {
        int r = shm_destroy(names[n].name);
        if (r != ERR_OK && r != ERR_NOTEXIST)
            error("cleanup: shm_destroy(\"%s\") = %d", names[n].name, r);
        if (!(names[n].flags & RS_PERSIST) && r == ERR_OK)
            error("\"%s\" outlived every process that held it", names[n].name);
    }
    remove_file("/races.f");
    expect_usage(start, "after the races");
    pass("shm_races");
    return 0;
}
