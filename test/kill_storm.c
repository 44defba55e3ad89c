/*
 * kill_storm: kills at random moments, not only where a process is seen
 * asleep (proc_kill, hostile_pipes, hostile_sync do those one at a time).
 * One spawned child per kind of work loops on it for ever: fork and wait,
 * spawn and wait, appends to a file, read() into fresh heap (faults in the
 * copy), file mappings shared and private, a pipe echo through a child, a
 * futex ping-pong with a child, two processes taking a region lock
 * (shm_lock) and changing what it guards, shared regions made and
 * destroyed (RS_PERSIST or not), heap grown, touched and shrunk, files and
 * directories made and removed, fork_copy, sleep. For SECONDS the parent
 * kills a random one after a random delay (asleep, in a system call, in a
 * fault, in user mode), reaps it and starts the kind again. It checks:
 *   - every killed child exits with -1;
 *   - the appended file holds exactly its pattern, at least as far as the
 *     bytes write() returned (a killed write may have put more);
 *   - the region lock is free at the end, and a holder that died in its
 *     critical section is seen by the next locker as ERR_OWNERDEAD (the
 *     word it sets inside is never found set otherwise);
 *   - every kind's bytes are right where it reads them back (file
 *     contents through read() and mappings, pipe bytes, the futex turns);
 *   - at the end no process of the job is left, no region, no file, and
 *     the runner's frame count and disk check find nothing leaked.
 * `kill_storm SEED SECONDS HOG FILL` at the prompt: a hog process first
 * takes all but HOG free frames (out of memory kills then happen and print
 * killed: lines, so the test itself runs without), and FILL blocks are
 * all that is left free on the disk (the fill file is read back whole at
 * the end). Hunting with them, 2, 4 and 8 harts, normal and debug kernel,
 * found nothing wrong (see the commit).
 */
// test: timeout=60
#include "shmlib.h"
#include <lib/mman.h>
#include <lib/file-ext.h>
#include <lib/bench.h>
#include <lib/stdio-ext.h>
#include <lib/string-ext.h>
#include <lib/proc-ext.h>

#define D "/ks"
#define STATIC_F D "/static"
#define APPEND_F D "/append"
#define SSIZE (64 * 1024)
#define APPEND_MAX (256 * 1024)
#define LOCKR "kslock"
#define CTLR "ksctl"

enum { K_FORK, K_SPAWN, K_APPEND, K_READ, K_MMAP, K_PIPE, K_FUTEX, K_LOCK, K_LOCK2, K_SHM,
       K_SBRK, K_DIRS, K_FORKCOPY, K_SLEEP, NKIND };
static const char *kname[NKIND] = { "fork", "spawn", "append", "read", "mmap", "pipe", "futex",
                                    "lock", "lock2", "shm", "sbrk", "dirs", "forkcopy", "sleep" };

/* Shared by the parent and the kinds (a region every kind maps). */
struct ctl {
    int confirmed;                 /* appender's bytes write() returned */
    int forever;
    int hog_ready;
};
/* What the region lock guards: inside is set only while it is held. */
struct lockd {
    int inside;
    long count;
};

static struct ctl *ctl;
static unsigned long rs;
static int gen;                    /* instance number, for unique names */

/* The run's pseudo-random numbers (each kind seeds its own). */
static unsigned rnd(void)
{
    rs = rs * 6364136223846793005UL + 1442695040888963407UL;
    return (unsigned)(rs >> 33);
}

/* Byte off of the static file, which only ever holds these. */
static unsigned char sbyte(size_t off) { return pattern_byte(off, 3); }
static char sbyte_c(size_t off) { return (char)sbyte(off); }

static unsigned char buf[3 * 8192];
static struct shm_info list[SHM_LIMIT_REGIONS];
static unsigned char rb[3 * 8192];

/* n bytes read from the static file at off must be its own. */
static void check_static(const unsigned char *p, size_t off, size_t n, const char *what)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != sbyte(off + i))
            error("%s: byte %ld = %d, want %d", what, (long)(off + i), p[i], sbyte(off + i));
}

/* ------------------------------------------------------------ kinds */

/* Kinds, one per child, each looping until killed. fork, exit, wait. */
static void k_fork(void)
{
    for (;;) {
        int pid = fork();
        if (pid == 0)
            exit(7);
        if (pid > 0) {
            int st = 0;
            int r = wait(pid, &st);
            if (r == pid && st != 7)
                error("fork child status %d", st);
        }
    }
}

/* spawn of a program that exits at once, and wait. */
static void k_spawn(void)
{
    for (;;) {
        int pid = spawn("kill_storm x");
        if (pid > 0) {
            int st = 0;
            if (wait(pid, &st) == pid && st != 0)
                error("spawned child status %d", st);
        } else if (pid != ERR_NOMEM) {
            error("spawn = %d", pid);
        }
    }
}

/* Appends of random sizes to one file, noting in ctl what write()
 * returned; the file starts over past APPEND_MAX or when the disk stays
 * full (it is the only appender: the parent reaps one before the next). */
static void k_append(void)
{
    int fd = open(APPEND_F, FS_WRONLY | FS_APPEND | FS_CREAT, EMPTY_MODE);
    if (fd == ERR_NOMEM || fd == ERR_NORES)
        exit(-1);              /* as if killed: the parent starts another */
    if (fd < 0)
        error("open append = %d", fd);
    int off = (int)stat_of(APPEND_F).size;
    if (off < ctl->confirmed)
        error("append file %d bytes < confirmed %d", off, ctl->confirmed);
    ctl->confirmed = off;
    int nores = 0;
    for (;;) {
        int n = 1 + rnd() % sizeof(buf);
        pattern_fill(buf, off, n, 5);
        int r = write(fd, buf, n);
        if (r == ERR_NORES)
            nores++;
        if (r == ERR_NOMEM || r == ERR_NORES) {
            if (nores < 50)
                continue;
        } else if (r <= 0) {
            error("append write = %d", r);
        } else {
            off += r;
            ctl->confirmed = off;
        }
        if (off > APPEND_MAX || nores >= 50) {   /* start over: check_append reads it all */
            nores = 0;
            close(fd);
            ctl->confirmed = 0;
            expect(unlink(APPEND_F), ERR_OK);
            fd = open(APPEND_F, FS_WRONLY | FS_APPEND | FS_CREAT, EMPTY_MODE);
            if (fd < 0)
                exit(-1);
            off = 0;
        }
    }
}

/* read() of the static file into fresh heap pages, so the copy faults. */
static void k_read(void)
{
    for (;;) {
        int fd = open(STATIC_F, FS_RDONLY, EMPTY_MODE);
        if (fd < 0)
            continue;
        size_t off = 0;
        for (;;) {
            /* into fresh heap: the copy takes page faults */
            unsigned char *p = sbrk(2 * 4096);
            if (p == (unsigned char *)ERR_NOMEM)
                break;
            int r = read(fd, p, 2 * 4096);
            if (r > 0)
                check_static(p, off, r, "read");
            sbrk(-2 * 4096);
            if (r == ERR_NOMEM)
                break;
            if (r <= 0) {
                if (r < 0)
                    error("read = %d", r);
                break;
            }
            off += r;
        }
        close(fd);
    }
}

/* The static file mapped shared or private, a page checked and stored
 * to (its own bytes again when shared, so the file never changes). */
static void k_mmap(void)
{
    for (;;) {
        int fd = open(STATIC_F, FS_RDWR, EMPTY_MODE);
        if (fd < 0)
            continue;
        void *a = NULL;
        int shared = rnd() % 2;
        int r = mmap(fd, 0, SSIZE, SHM_READ | SHM_WRITE, shared ? MAP_SHARED : MAP_PRIVATE, &a);
        close(fd);
        if (r != ERR_OK)
            continue;
        unsigned char *p = a;
        int pg = rnd() % (SSIZE / 4096);
        check_static(p + pg * 4096, pg * 4096, 4096, "mmap");
        if (shared)   /* the same bytes again: write-back of what is there */
            pattern_fill(p + pg * 4096 + 100, pg * 4096 + 100, 200, 3);
        else
            memset(p + pg * 4096, 0x33, 4096);
        expect(munmap(a, SSIZE), ERR_OK);
    }
}

/* Bytes through a pipe to an echoing child and back, checked. */
static void k_pipe(void)
{
    for (;;) {
        int a[2], b[2];
        if (pipe(a) != ERR_OK)
            continue;
        if (pipe(b) != ERR_OK) {
            close(a[0]); close(a[1]);
            continue;
        }
        int pid = fork();
        if (pid == 0) {
            /* echo: a -> b until a ends */
            close(a[1]); close(b[0]);
            static char e[5000];
            int r;
            while ((r = read(a[0], e, sizeof(e))) > 0)
                if (write(b[1], e, r) != r)
                    exit(3);
            exit(r == 0 ? 0 : 4);
        }
        close(a[0]); close(b[1]);
        if (pid > 0) {
            for (int round = 0; round < 20; round++) {
                int n = 1 + rnd() % 4000;
                pattern_fill(buf, round, n, 9);
                if (write(a[1], buf, n) != n)
                    error("pipe write");
                static unsigned char got[4096];
                int have = 0;
                while (have < n) {
                    int r = read(b[0], got + have, n - have);
                    if (r == 0)   /* the echo was killed for want of memory */
                        exit(-1);
                    if (r == ERR_NOMEM) {   /* got's page is copy-on-write */
                        msleep(1);
                        continue;
                    }
                    if (r < 0)
                        error("pipe read = %d", r);
                    have += r;
                }
                if (memcmp(got, buf, n))
                    error("pipe bytes differ");
            }
        }
        close(a[1]); close(b[0]);
        if (pid > 0)
            expect_exit(pid, 0);
    }
}

/* Turns taken with a child through a futex word in a region: the
 * child leaves when no turn comes for 200 ms (its partner was killed). */
static void k_futex(void)
{
    char name[32];
    snprintf(name, sizeof(name), "ksf%d", gen);
    if (shm_create(name, 4096, 0) != ERR_OK)
        exit(5);
    int *w = map_ok(name, SHM_READ | SHM_WRITE);
    w[0] = 0;
    int pid = fork();
    if (pid == 0) {
        /* ponger: waits for odd, makes even; leaves when the pinger dies */
        for (;;) {
            int v = w[0];
            if (v % 2 == 1) {
                w[0] = v + 1;
                futex(&w[0], FUTEX_WAKE, 1, 0);
            } else if (futex(&w[0], FUTEX_WAIT, v, 200) == ERR_TIMEDOUT && w[0] == v) {
                exit(0);
            }
        }
    }
    for (;;) {
        int v = w[0];
        if (v % 2 == 0) {
            w[0] = v + 1;
            futex(&w[0], FUTEX_WAKE, 1, 0);
        } else {
            futex(&w[0], FUTEX_WAIT, v, 0);
        }
    }
}

/* The region lock around a change of what it guards; a dead holder's
 * half-done change is repaired on ERR_OWNERDEAD. */
static void k_lock(void)
{
    struct lockd *l = map_ok(LOCKR, SHM_READ | SHM_WRITE);
    for (;;) {
        int r = shm_lock(LOCKR);
        if (r == ERR_OWNERDEAD)
            l->inside = 0;       /* repaired */
        else if (r != ERR_OK)
            error("shm_lock = %d", r);
        if (l->inside != 0)
            error("lock: inside %d with the lock held", l->inside);
        l->inside = 1;
        l->count++;
        for (volatile int i = 0; i < 1000; i++)
            ;
        l->inside = 0;
        expect(shm_unlock(LOCKR), ERR_OK);
    }
}

/* Regions of three names made (RS_PERSIST or not), mapped, touched,
 * unmapped and destroyed. */
static void k_shm(void)
{
    char name[32];
    for (int i = 0;; i++) {
        snprintf(name, sizeof(name), "kss%d_%d", gen, i % 3);
        int r = shm_create(name, (1 + rnd() % 16) * 4096, rnd() % 2 ? RS_PERSIST : 0);
        void *a = NULL;
        if (shm_map(name, &a, SHM_READ | SHM_WRITE) == ERR_OK) {
            memset(a, 5, 4096 * (1 + rnd() % 1));
            shm_unmap(name, a);
        }
        if (r == ERR_OK || r == ERR_EXIST)
            shm_destroy(name);
    }
}

/* Heap grown, touched page by page and given back. */
static void k_sbrk(void)
{
    for (;;) {
        int n = 1 + rnd() % 64;
        char *p = sbrk(n * 4096);
        if (p == (char *)ERR_NOMEM)
            continue;
        for (int i = 0; i < n; i++)
            p[i * 4096] = (char)i;
        sbrk(-n * 4096);
    }
}

/* Files made, written and removed in a directory of its own, which
 * comes and goes too. */
static void k_dirs(void)
{
    char d[32], f[40];
    snprintf(d, sizeof(d), D "/d%d", gen);
    for (int i = 0;; i++) {
        mkdir(d);
        snprintf(f, sizeof(f), "%s/f%d", d, i % 5);
        int fd = open(f, FS_RDWR | FS_CREAT, EMPTY_MODE);
        if (fd >= 0) {
            write(fd, buf, 1 + rnd() % 9000);
            close(fd);
        }
        if (rnd() % 2)
            unlink(f);
        if (rnd() % 8 == 0) {
            for (int j = 0; j < 5; j++) {
                snprintf(f, sizeof(f), "%s/f%d", d, j);
                unlink(f);
            }
            rmdir(d);
        }
    }
}

/* fork_copy of a 32-page heap, and wait. */
static void k_forkcopy(void)
{
    char *p = sbrk(32 * 4096);
    if (p != (char *)ERR_NOMEM)
        for (int i = 0; i < 32; i++)
            p[i * 4096] = 1;
    for (;;) {
        int pid = fork_copy();
        if (pid == 0)
            exit(0);
        if (pid > 0)
            wait(pid, NULL);
    }
}

/* sleep() of whole seconds. */
static void k_sleep(void)
{
    for (;;)
        sleep(1 + rnd() % 3);
}

/* A spawned kind's body (`kill_storm k KIND GEN`). */
static void run_kind(int k)
{
    ctl = map_ok(CTLR, SHM_READ | SHM_WRITE);
    switch (k) {
    case K_FORK: k_fork(); break;
    case K_SPAWN: k_spawn(); break;
    case K_APPEND: k_append(); break;
    case K_READ: k_read(); break;
    case K_MMAP: k_mmap(); break;
    case K_PIPE: k_pipe(); break;
    case K_FUTEX: k_futex(); break;
    case K_LOCK: case K_LOCK2: k_lock(); break;
    case K_SHM: k_shm(); break;
    case K_SBRK: k_sbrk(); break;
    case K_DIRS: k_dirs(); break;
    case K_FORKCOPY: k_forkcopy(); break;
    case K_SLEEP: k_sleep(); break;
    }
    exit(0);
}

/* ------------------------------------------------------------ parent */

static int pids[NKIND];            /* each kind's live child, 0: none */

/* Spawns kind k anew (its own program, so nothing of the parent's is
 * shared copy-on-write); with no memory for it, a later round retries. */
static void start(int k)
{
    gen++;
    rs ^= (unsigned long)gen * 0x9e3779b97f4a7c15UL;
    int pid;
    char cmd[64];
    snprintf(cmd, sizeof(cmd), "kill_storm k %d %d", k, gen);
    pid = spawn(cmd);
    if (pid == ERR_NOMEM)
        return;                /* a later round tries again */
    if (pid < 0)
        error("spawn = %d", pid);
    pids[k] = pid;
}

/* The appended file holds its pattern, at least ctl->confirmed bytes. */
static void check_append(void)
{
    int fd;
    while ((fd = open(APPEND_F, FS_RDONLY, EMPTY_MODE)) == ERR_NOMEM)
        msleep(1);
    if (fd < 0)
        return;
    struct stat st;
    expect(fstat(fd, &st), ERR_OK);
    if ((int)st.size < ctl->confirmed)
        error("append: size %d < confirmed %d", (int)st.size, ctl->confirmed);
    for (size_t off = 0; off < st.size;) {
        int r = read(fd, rb, sizeof(rb));
        if (r == ERR_NOMEM) {
            msleep(1);
            continue;
        }
        if (r <= 0)
            error("append read = %d", r);
        for (int i = 0; i < r; i++)
            if (rb[i] != pattern_byte(off + i, 5))
                error("append: byte %ld = %d want %d (size %d confirmed %d)", (long)(off + i),
                      rb[i], pattern_byte(off + i, 5), (int)st.size, ctl->confirmed);
        off += r;
    }
    close(fd);
}

static int hog_pid;
static uint64_t killed_at[NKIND];   /* rdtime of the kill, 0: not killed */

/* Reaps children until one that was killed (status -1), checks what its
 * kind left and starts the kind again; counts the kill and its latency.
 * A child that died unasked can only have run out of memory (a HOG run:
 * status -1 too); its kind starts again as well. */
static void reap_one(int *kills, uint64_t *maxwait)
{
    for (;;) {
        int st = 0;
        int pid = wait(-1, &st);
        if (pid == hog_pid) {      /* out of memory killed the hog */
            hog_pid = 0;
            continue;
        }
        int k = 0;
        while (k < NKIND && pids[k] != pid)
            k++;
        if (k == NKIND)
            error("wait(-1) = %d, not a child of ours (status %d)", pid, st);
        if (st != -1)
            error("%s: child %s with status %d", kname[k], killed_at[k] ? "killed" : "exited", st);
        bool was_killed = killed_at[k] != 0;
        if (was_killed) {
            uint64_t ms = (rdtime() - killed_at[k]) / (TIME_HZ / 1000);
            if (ms > maxwait[k])
                maxwait[k] = ms;
            kills[k]++;
        }
        killed_at[k] = 0;
        pids[k] = 0;
        if (k == K_APPEND)
            check_append();
        start(k);
        if (was_killed)
            return;
    }
}

/* Waits (up to ~10 s) until no process of the caller's job but itself is
 * alive: the helpers orphaned by the kills (a pipe's echo, a futex
 * partner, grandchildren of fork and spawn) end by themselves. */
static void await_job_gone(void)
{
    int me = getpid();
    int job = proc_entry(me).job;
    for (int tries = 0; tries < 1000; tries++) {
        int n = proc_list(proc_list_buf, PROC_LIST_MAX);
        int others = 0;
        for (int i = 0; i < n; i++)
            others += proc_list_buf[i].job == job && proc_list_buf[i].pid != me &&
                      proc_list_buf[i].state != PROC_INFO_ZOMBIE;
        if (others == 0)
            return;
        msleep(10);
    }
    error("processes of job %d still alive after the storm", job);
}

/* Takes all but leave free frames and keeps them (`kill_storm h N`). */
static void hog(int leave)
{
    struct sys_info si;
    info(&si);
    long n = (long)si.free_pages - leave;
    for (long i = 0; i < n; i++) {
        char *p = sbrk(4096);
        if (p == (char *)ERR_NOMEM)
            break;
        *p = 1;
    }
    ctl->hog_ready = 1;
    for (;;)
        futex(&ctl->forever, FUTEX_WAIT, 0, 0);
}


/* The parent's memory gets its frames now: with memory full, a first
 * touch later would kill it. Nothing it has is shared copy-on-write, as
 * its children are spawned. */
static void __attribute__((noinline)) warm_up(void)
{
    volatile char stack[6 * 4096];
    for (size_t i = 0; i < sizeof(stack); i += 512)
        stack[i] = 1;
    memset(buf, 0, sizeof(buf));
    memset(rb, 0, sizeof(rb));
    memset(list, 0, sizeof(list));
}

/* The parent: the storm, then the checks and the clean-up. */
int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "x") == 0)
        exit(0);
    if (argc == 3 && strcmp(argv[1], "h") == 0) {
        ctl = map_ok(CTLR, SHM_READ | SHM_WRITE);
        hog(atoi(argv[2]));
    }
    if (argc == 4 && strcmp(argv[1], "k") == 0) {
        gen = atoi(argv[3]);
        rs = (unsigned long)gen * 0x9e3779b97f4a7c15UL + 1;
        run_kind(atoi(argv[2]));
    }
    int seed = argc > 1 ? atoi(argv[1]) : 1;
    int seconds = argc > 2 ? atoi(argv[2]) : 2;
    int hogleave = argc > 3 ? atoi(argv[3]) : 0;
    int fill = argc > 4 ? atoi(argv[4]) : 0;
    rs = (unsigned long)seed * 2654435761UL + 11;
    memset(proc_list_buf, 0, sizeof(proc_list_buf));
    mkdir(D);
    struct usage before = usage_now();
    remove_file(APPEND_F);
    make_file_of(STATIC_F, SSIZE, sbyte_c);
    expect(shm_create(CTLR, 4096, 0), ERR_OK);
    ctl = map_ok(CTLR, SHM_READ | SHM_WRITE);
    memset(ctl, 0, sizeof(*ctl));
    expect(shm_create(LOCKR, 4096, 0), ERR_OK);
    struct lockd *l = map_ok(LOCKR, SHM_READ | SHM_WRITE);
    memset(l, 0, sizeof(*l));
    warm_up();
    long filled = 0;
    if (fill) {   /* the disk full: 64 KiB at a time, the last one short */
        pattern_fill(buf, 0, sizeof(buf), 6);
        make_file_of(D "/spare", fill * 4096, sbyte_c);
        filled = fill_disk(D "/fill", buf, sizeof(buf));
        remove_file(D "/spare");     /* fill blocks free, fought over */
    }
    if (hogleave) {
        char cmd[64];
        snprintf(cmd, sizeof(cmd), "kill_storm h %d", hogleave);
        hog_pid = spawn(cmd);
        if (hog_pid < 0)
            error("spawn hog = %d", hog_pid);
        while (ctl->hog_ready == 0)
            msleep(5);
    }
    for (int k = 0; k < NKIND; k++)
        start(k);
    int kills[NKIND] = { 0 };
    uint64_t maxwait[NKIND] = { 0 };
    uint64_t end = rdtime() + (uint64_t)seconds * TIME_HZ;
    int dying = 0;
    while (rdtime() < end) {
        int k = rnd() % NKIND;
        int d = rnd() % 30;
        if (d < 10)
            msleep(d + 1);
        else if (d < 20)
            for (volatile int i = 0; i < (int)(rnd() % 100000); i++)
                ;
        if (pids[k] == 0) {
            start(k);
        } else if (!killed_at[k]) {
            int kr = kill(pids[k]);
            if (kr != ERR_OK && kr != ERR_NOTEXIST)   /* NOTEXIST: out of memory killed it */
                error("kill = %d", kr);
            killed_at[k] = rdtime();
            dying++;
        }
        /* reap while others die: deaths overlap, so more kills fit */
        if (dying >= 3 || (dying && rnd() % 3 == 0)) {
            reap_one(kills, maxwait);
            dying--;
        }
    }
    for (; dying > 0; dying--)
        reap_one(kills, maxwait);
    for (int k = 0; k < NKIND; k++) {
        if (pids[k] == 0)
            continue;
        kill(pids[k]);
        expect(wait(pids[k], NULL), pids[k]);
    }
    if (hog_pid) {
        kill(hog_pid);          /* ERR_NOTEXIST if out of memory killed it */
        expect(wait(hog_pid, NULL), hog_pid);
    }
    check_append();
    /* the lock: free now, and a dead holder is reported once */
    int r = shm_lock(LOCKR);
    if (r != ERR_OK && r != ERR_OWNERDEAD)
        error("final shm_lock = %d", r);
    if (r == ERR_OK && l->inside)
        error("lock free, but inside = %d without a dead owner", l->inside);
    expect(shm_unlock(LOCKR), ERR_OK);
    expect(shm_lock(LOCKR), ERR_OK);
    expect(shm_unlock(LOCKR), ERR_OK);
    long total = 0;
    for (int k = 0; k < NKIND; k++) {
        total += kills[k];
        printf("%s %d/%ldms ", kname[k], kills[k], (long)maxwait[k]);
    }
    printf("\n");
    printf("kill_storm seed %d: %ld kills, lock count %ld, appended %d, filled %ld\n", seed, total,
           l->count, ctl->confirmed, filled);
    await_job_gone();
    /* persistent regions of killed creators */
    for (int tries = 0; tries < 600; tries++) {
        int n = shm_list(list, SHM_LIMIT_REGIONS);
        int left = 0;
        for (int i = 0; i < n; i++)
            if (strncmp(list[i].name, "kss", 3) == 0 || strncmp(list[i].name, "ksf", 3) == 0) {
                int dr = shm_destroy(list[i].name);
                if (dr != ERR_OK && dr != ERR_PERM && dr != ERR_NOTEXIST)
                    error("destroy %s = %d", list[i].name, dr);
                left++;
            }
        if (!left)
            break;
        msleep(10);
    }
    expect(shm_unmap(LOCKR, l), ERR_OK);
    expect(shm_destroy(LOCKR), ERR_OK);
    expect(shm_unmap(CTLR, ctl), ERR_OK);
    expect(shm_destroy(CTLR), ERR_OK);
    if (fill) {
        int fd = open_ok(D "/fill", FS_RDONLY);
        long got = 0;
        int r;
        while ((r = read(fd, rb, sizeof(buf))) > 0) {
            for (int i = 0; i < r; i++)
                if (rb[i] != buf[(got + i) % sizeof(buf)])
                    error("fill: byte %ld differs", got + i);
            got += r;
        }
        if (r < 0 || got != filled)
            error("fill: read %ld of %ld bytes (%d)", got, filled, r);
        close(fd);
        remove_file(D "/fill");
    }
    remove_file(APPEND_F);
    remove_file(STATIC_F);
    for (int g = 0; g <= gen; g++) {
        char d[32], f[40];
        snprintf(d, sizeof(d), D "/d%d", g);
        for (int j = 0; j < 5; j++) {
            snprintf(f, sizeof(f), "%s/f%d", d, j);
            remove_file(f);
        }
        remove_file(d);
    }
    expect(rmdir(D), ERR_OK);
    for (int tries = 0; tries < 600; tries++) {
        struct usage now = usage_now();
        if (now.shm_regions == before.shm_regions && now.shm_pages == before.shm_pages)
            break;
        msleep(10);
    }
    expect_shm(before, "after the kill storm");
    pass("kill_storm");
    return 0;
}
