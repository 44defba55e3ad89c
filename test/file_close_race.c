/*
 * file_close_race: the last two references to an unlinked file, dropped
 * at the same moment by two processes, free it. Each process opens the
 * file itself (two open files, each holding the inode), the file is
 * unlinked, and both close on a signal from a shared word. If each close
 * decided "not the last" before either dropped its reference, nobody
 * would free the inode: it would stay an orphan on disk until the next
 * mount (the runner's disk check after the test reports one). Many
 * rounds, so the two closes meet at every point: before the fix in
 * inode_put, four runs of four left an orphan. The slow steps wait on
 * futexes; only the last microseconds before the closes spin.
 */
// test: timeout=120
#include "shmlib.h"

#define F "/close_race"
#define ROUNDS 400

struct shared {
    int round;                    /* the parent made the file for this round */
    int ready;                    /* the child has it open */
    int unlinked;                 /* the parent unlinked it */
    int armed;                    /* the child is about to spin on go */
    int go;                       /* both close now */
};

/* Sleeps until *word reaches value (the slow steps: no spinning while the
 * other process does file system calls). */
static void wait_for(int *word, int value)
{
    int v;
    while ((v = __atomic_load_n(word, __ATOMIC_ACQUIRE)) < value)
        futex(word, FUTEX_WAIT, v, 0);
}

static void post(int *word, int value)
{
    __atomic_store_n(word, value, __ATOMIC_RELEASE);
    futex(word, FUTEX_WAKE, 1, 0);
}

/* Spins until *word reaches value (the last microseconds before the
 * closes, so that they meet). */
static void spin_until(int *word, int value)
{
    while (__atomic_load_n(word, __ATOMIC_ACQUIRE) < value)
        ;
}

int main(void)
{
    expect(shm_create("close-race", PAGE, RS_DEFAULT), ERR_OK);
    struct shared *s = map_ok("close-race", SHM_READ | SHM_WRITE);
    memset(s, 0, sizeof(*s));
    remove_file(F);
    int pid = fork_ok();
    if (pid == 0) {
        for (int r = 1; r <= ROUNDS; r++) {
            wait_for(&s->round, r);
            int fd = open_ok(F, FS_RDONLY);
            post(&s->ready, r);
            wait_for(&s->unlinked, r);
            __atomic_store_n(&s->armed, r, __ATOMIC_RELEASE);
            spin_until(&s->go, r);
            expect(close(fd), ERR_OK);
        }
        exit(0);
    }
    for (int r = 1; r <= ROUNDS; r++) {
        int fd = open_ok(F, FS_RDONLY | FS_CREAT);      /* a new, empty file */
        post(&s->round, r);
        wait_for(&s->ready, r);
        expect(unlink(F), ERR_OK);
        post(&s->unlinked, r);
        spin_until(&s->armed, r);
        __atomic_store_n(&s->go, r, __ATOMIC_RELEASE);
        expect(close(fd), ERR_OK);
    }
    wait_ok(pid, "the other closer");
    expect(shm_unmap("close-race", s), ERR_OK);
    expect(shm_destroy("close-race"), ERR_OK);
    pass("file_close_race");
    return 0;
}
