/*
 * lock_fair: a process waiting for a sleeplock gets it, however busy the
 * lock is, on one hart (where the failure showed).
 *
 * Two writers rewrite the same 256 KiB file for ever through a shared
 * mapping: each munmap writes the 64 pages back one transaction at a
 * time, holding the file's page-cache lock throughout and sleeping on the
 * disk and the journal while it holds it; a third process commits
 * write()s to another file, which keeps the journal busy. The parent
 * meanwhile reads the file READS times, 64 KiB a time; then it starts a
 * reader child that loops on reads and kills it. Each read needs the
 * page-cache lock between two of the writers' munmaps.
 *
 * Sleeplocks used to be free for all: a release woke one waiter, but
 * whoever asked next took the lock, and on one hart that was always the
 * writer that had just let go, while the waiter it woke still sat in the
 * ready queue. When the waiter ran, the lock was taken again, and it went
 * back to sleep at the end of the queue of waiters. The parent's reads
 * never finished, and a killed reader never died (kill_storm hung on
 * CPUS=1 the same way, its mmap child writing pages back while a reader
 * waited). Now a release hands the lock to the waiter that has waited
 * longest.
 *
 * Nothing here is timed: on the old kernel the test hangs and the runner's
 * time limit fails it.
 */
// test: cpus=1 timeout=60
#include "testlib.h"
#include <lib/mman.h>

#define F "/lock_fair.dat"          /* not "/lock_fair": the program itself */
#define G "/lock_fair2.dat"
#define SIZE (256 * 1024)
#define READS 20

static char buf[SIZE];

/* Rewrites F for ever through a shared mapping (killed by the parent):
 * munmap writes the 64 dirty pages back one at a time, each under the
 * inode lock and sleeping on the disk while it holds it. */
static void writer(int k)
{
    int fd = open_ok(F, FS_RDWR);
    for (;;) {
        char *m = NULL;
        expect(mmap(fd, 0, SIZE, SHM_READ | SHM_WRITE, MAP_SHARED, (void **)&m), ERR_OK);
        memset(m, 'a' + k, SIZE);
        expect(munmap(m, SIZE), ERR_OK);
    }
}

/* Rewrites G for ever with write() (killed by the parent): its commits
 * keep the journal busy, so the writers' write-back also waits for the
 * journal while it holds F's page-cache lock. */
static void committer(int k)
{
    (void)k;
    for (;;) {
        int fd = open_ok(G, FS_WRONLY);
        expect(write(fd, buf, SIZE), SIZE);
        expect(close(fd), ERR_OK);
    }
}

/* Reads 64 KiB of F: each byte must be one a writer wrote. */
static void read_once(void)
{
    static char rb[64 * 1024];
    int fd = open_ok(F, FS_RDONLY);
    expect(read(fd, rb, sizeof(rb)), (int)sizeof(rb));
    for (size_t i = 0; i < sizeof(rb); i++)
        if (rb[i] != 'a' && rb[i] != 'b' && rb[i] != 'z')
            error("byte %d of %s is %d", (int)i, F, rb[i]);
    expect(close(fd), ERR_OK);
}

/* A reader that loops until it is killed. */
static void reader(int k)
{
    (void)k;
    for (;;)
        read_once();
}

int main(void)
{
    remove_file(F);
    memset(buf, 'z', sizeof(buf));
    remove_file(G);
    const char *files[] = {F, G};
    for (int i = 0; i < 2; i++) {
        int fd = open_ok(files[i], FS_RDWR | FS_CREAT);
        expect(write(fd, buf, SIZE), SIZE);
        expect(close(fd), ERR_OK);
    }
    int w0 = fork_worker(writer, 0), w1 = fork_worker(writer, 1);
    int c = fork_worker(committer, 0);
    for (int i = 0; i < READS; i++)
        read_once();
    int r = fork_worker(reader, 0);
    msleep(50);
    kill_and_reap(r);
    kill_and_reap(w0);
    kill_and_reap(w1);
    kill_and_reap(c);
    expect(unlink(F), ERR_OK);
    expect(unlink(G), ERR_OK);
    pass("lock_fair: %d reads beside two writers, a killed reader died", READS);
    exit(0);
}
