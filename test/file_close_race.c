/*
 * file_close_race: the last references to an unlinked file, dropped at
 * the same moment by several processes, free it. Each process opens the
 * file itself (one open file each, each holding the inode), the file is
 * unlinked, and all close on a signal from a shared word. If two closes
 * each decided "not the last" before either dropped its reference,
 * nobody would free the inode: it would stay an orphan on disk until the
 * next mount (the runner's disk check after the test reports one). Many
 * rounds, so the closes meet at every point. Before the fix in inode_put
 * the window was a few instructions wide, and only a hart descheduled by
 * the host in it opened it: runs on a busy host left an orphan (four of
 * four), runs on a quiet one did not. The slow steps wait on futexes;
 * only the last microseconds before the closes spin.
 */
// test: timeout=120
#include "shmlib.h"

#define F "/close_race"
#define ROUNDS 150
#define CHILDREN 2                /* closers besides the parent */

struct shared {
    int round;                    /* the parent made the file for this round */
    int ready;                    /* children that have it open, this round */
    int unlinked;                 /* the parent unlinked it */
    int armed;                    /* children about to spin on go, this round */
    int go;                       /* all close now */
};

/* Sleeps until *word reaches value (the slow steps: no spinning while
 * another process makes file system calls). */
static void wait_until(int *word, int value)
{
    int v;
    while ((v = __atomic_load_n(word, __ATOMIC_ACQUIRE)) < value)
        futex(word, FUTEX_WAIT, v, 0);
}

/* Sets *word to value and wakes whoever waits for it. */
static void post(int *word, int value)
{
    __atomic_store_n(word, value, __ATOMIC_RELEASE);
    futex(word, FUTEX_WAKE, CHILDREN, 0);
}

/* Adds one to *word (a child's count) and wakes the parent. */
static void count_in(int *word)
{
    __atomic_add_fetch(word, 1, __ATOMIC_ACQ_REL);
    futex(word, FUTEX_WAKE, 1, 0);
}

/* Spins until *word reaches value (the last microseconds before the
 * closes, so that they meet). */
static void spin_until(int *word, int value)
{
    while (__atomic_load_n(word, __ATOMIC_ACQUIRE) < value)
        ;
}

static void closer(struct shared *s)
{
    for (int r = 1; r <= ROUNDS; r++) {
        wait_until(&s->round, r);
        int fd = open_ok(F, FS_RDONLY);
        count_in(&s->ready);
        wait_until(&s->unlinked, r);
        count_in(&s->armed);
        spin_until(&s->go, r);
        expect(close(fd), ERR_OK);
    }
    exit(0);
}

int main(void)
{
    expect(shm_create("close-race", PAGE, RS_DEFAULT), ERR_OK);
    struct shared *s = map_ok("close-race", SHM_READ | SHM_WRITE);
    memset(s, 0, sizeof(*s));
    remove_file(F);
    int pids[CHILDREN];
    for (int i = 0; i < CHILDREN; i++) {
        pids[i] = fork_ok();
        if (pids[i] == 0)
            closer(s);
    }
    for (int r = 1; r <= ROUNDS; r++) {
        int fd = open_ok(F, FS_RDONLY | FS_CREAT);      /* a new, empty file */
        post(&s->round, r);
        wait_until(&s->ready, r * CHILDREN);
        expect(unlink(F), ERR_OK);
        post(&s->unlinked, r);
        spin_until(&s->armed, r * CHILDREN);
        __atomic_store_n(&s->go, r, __ATOMIC_RELEASE);
        expect(close(fd), ERR_OK);
    }
    for (int i = 0; i < CHILDREN; i++)
        wait_ok(pids[i], "another closer");
    expect(shm_unmap("close-race", s), ERR_OK);
    expect(shm_destroy("close-race"), ERR_OK);
    pass("file_close_race");
    return 0;
}
