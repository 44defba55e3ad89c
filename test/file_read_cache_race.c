/*
 * file_read_cache_race: the blocks a small read() keeps in the buffer
 * cache (bcache.h, bread_frames) are never older than the disk, with a
 * writer of the same file on another hart. The writer rewrites a file of
 * four blocks, one write() a version, each time after pushing the file's
 * blocks out of the cache (it reads another file a block a call, and
 * every block so read is kept), so the write goes to the disk with no
 * cached copy to update. Two readers read the file in pieces of 100 and
 * 4109 bytes while each version is written, after pauses that vary, and
 * again once its write() has returned: a piece is of one version whole
 * (pattern_byte's round, testlib.h), never older than the last write()
 * that had returned when the read began.
 *
 * What keeps a kept block from going stale here is the page cache lock:
 * the writer holds it until its blocks are on the disk (rw.c,
 * chunk_write), and a reader holds it from the disk read to the keep.
 * Were the writer to let go of it before its data is on the disk (tried:
 * unlocked before journal_end, with a tick's sleep between), a reader
 * would read the old block and keep it, and the reads after the write
 * would see the old bytes: this test fails then, and passes with that
 * change when nothing is kept. Blocks freed and reused by another file
 * are file_read_cache's.
 */
// test: timeout=60 cpus=2
#include "shmlib.h"

#define BLOCK 4096L
#define F "/rcr.dat"
#define SIZE (3 * BLOCK + 100)          /* four blocks, the last in part */
#define VERSIONS 24
#define CHURN "/rcr.churn"
#define CHURN_BLOCKS 140                /* more than the buffer cache holds */
#define READERS 2
#define NAME "rcr"

static unsigned char buf[16 * BLOCK];
static unsigned char got[2 * BLOCK];

/* The version of the n bytes at p (file offset off) in 1..VERSIONS, or
 * -1 if they are not one version whole. */
static int version_of(const unsigned char *p, size_t off, size_t n)
{
    for (int v = 1; v <= VERSIONS; v++) {
        size_t i = 0;
        while (i < n && p[i] == pattern_byte(off + i, v))
            i++;
        if (i == n)
            return v;
    }
    return -1;
}

/* Reads CHURN a block a read(), so each block read is kept and F's
 * blocks are pushed out of the buffer cache: the write that follows
 * finds no cached copy to update, and goes to the disk alone. */
static void churn(void)
{
    int fd = open_ok(CHURN, FS_RDONLY);
    for (int i = 0; i < CHURN_BLOCKS; i++)
        expect(read(fd, got, BLOCK), BLOCK);
    expect(close(fd), ERR_OK);
}

/* What the writer and the readers share. */
struct shared {
    long phase;                         /* v: version v is being written */
    long done;                          /* v: its write() has returned */
    long checked;                       /* readers done with the newest version */
};

/* Waits until *word is at least want: spins a while (the other side is
 * on another hart, and a reader should start its read while the write
 * is under way), then sleeps a millisecond at a time. */
static void await_at_least(volatile long *word, long want)
{
    for (long spins = 0; __atomic_load_n(word, __ATOMIC_SEQ_CST) < want; spins++)
        if (spins > 20000)
            msleep(1);
}

/* The writer: VERSIONS versions of F, each written in one write() with
 * F's blocks out of the cache; waits for the readers to check each. */
static void writer(struct shared *sh)
{
    for (int v = 1; v <= VERSIONS; v++) {
        churn();
        pattern_fill(buf, 0, SIZE, v);
        __atomic_store_n(&sh->phase, v, __ATOMIC_SEQ_CST);
        write_at(F, 0, buf, SIZE);
        __atomic_store_n(&sh->done, v, __ATOMIC_SEQ_CST);
        await_at_least(&sh->checked, (long)READERS * v);
    }
}

/* Reads F in pieces of step bytes: each piece must be of one version,
 * not older than least. */
static void read_all_of(size_t step, long least)
{
    int fd = open_ok(F, FS_RDONLY);
    for (size_t off = 0; off < SIZE;) {
        size_t n = step < SIZE - off ? step : SIZE - off;
        long r = read(fd, got, n);
        if (r != (long)n)
            error("read of %ld at %ld = %ld", (long)n, (long)off, r);
        int v = version_of(got, off, n);
        if (v < least)
            error("%ld bytes at %ld are of version %d, %ld was written before the read",
                  (long)n, (long)off, v, least);
        off += n;
    }
    expect(close(fd), ERR_OK);
}

/* Reader k, reading in pieces of step bytes: each version once while it
 * is being written (after a pause that differs from version to version,
 * so some reads come while the write is in flight) and once after. */
static void reader(struct shared *sh, int k, size_t step)
{
    for (int v = 1; v <= VERSIONS; v++) {
        await_at_least(&sh->phase, v);
        for (volatile int i = (v * (k + 3)) % 8 * 300; i > 0; i--)
            ;
        read_all_of(step, v - 1);
        await_at_least(&sh->done, v);
        read_all_of(step, v);
        __atomic_add_fetch(&sh->checked, 1, __ATOMIC_SEQ_CST);
    }
}

/* F and CHURN made, then one writer and READERS readers of F at once. */
int main(void)
{
    remove_file(F);
    remove_file(CHURN);
    memset(buf, 0, sizeof(buf));
    int cf = open_ok(CHURN, FS_WRONLY | FS_CREAT);
    for (int i = 0; i < CHURN_BLOCKS; i += 16)
        write_all(cf, buf, 16 * BLOCK);
    expect(close(cf), ERR_OK);
    pattern_fill(buf, 0, SIZE, 1);
    int fd = open_ok(F, FS_WRONLY | FS_CREAT);
    write_all(fd, buf, SIZE);
    expect(close(fd), ERR_OK);
    shm_destroy(NAME);
    expect(shm_create(NAME, PAGE, RS_DEFAULT), ERR_OK);
    struct shared *sh = map_ok(NAME, SHM_READ | SHM_WRITE);
    memset(sh, 0, sizeof(*sh));
    int pids[READERS + 1];
    for (int k = 0; k <= READERS; k++) {
        pids[k] = fork_ok();
        if (pids[k] == 0) {
            if (k == READERS)
                writer(sh);
            else
                reader(sh, k, k == 0 ? 100 : BLOCK + 13);
            exit(0);
        }
    }
    for (int k = 0; k <= READERS; k++)
        expect_exit(pids[k], 0);
    expect(shm_unmap(NAME, sh), ERR_OK);
    expect(shm_destroy(NAME), ERR_OK);
    remove_file(F);
    remove_file(CHURN);
    pass("file_read_cache_race: small reads beside a writer on another hart see its bytes once "
         "its write() returned");
    return 0;
}
