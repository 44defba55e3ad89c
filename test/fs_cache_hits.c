/*
 * fs_cache_hits: the buffer cache (include/kernel/bcache.h) keeps what the
 * file system will use again, counted in blocks read from the disk
 * (disk_reads, lib/bench.h), not in time:
 *   - a file read back in small pieces reads each of its blocks from the
 *     disk once, not once a read() (a small read keeps its blocks: every
 *     read went to the disk before);
 *   - a loop that makes and removes directories and files, which makes
 *     the journal write its blocks home again and again (a block freed
 *     while the journal names it forces a checkpoint), reads nothing from
 *     the disk once warm, with the cache full of other blocks: the
 *     directory, inode and bitmap blocks it uses stay cached through each
 *     checkpoint (a buffer the journal unpinned stayed where it was in
 *     the LRU list, at the cold end if it had been taken from there, and
 *     was recycled first: the blocks just written home were read back).
 * Only this test's process runs, so every block read is its own.
 */
#include "testlib.h"
#include <lib/bench.h>

#define D "/cache_hits"
#define F D "/file"
#define BLOCK 4096L
#define BLOCKS 6
#define ROUNDS 3
#define N 10                            /* directories and files a round */
#define BIG "/cache_hits.big"
#define BIG_BLOCKS 160                  /* more than the cache's 128 buffers */

static char data[BLOCKS * BLOCK];

/* Reads F in reads of 13 bytes, checking its bytes. */
static void read_small(void)
{
    static char got[13];
    int fd = open_ok(F, FS_RDONLY);
    for (long off = 0; off < (long)sizeof(data);) {
        ssize_t n = read(fd, got, sizeof(got));
        if (n <= 0)
            error("read at %ld = %ld", off, (long)n);
        if (memcmp(got, data + off, (size_t)n) != 0)
            error("the bytes at %ld are wrong", off);
        off += n;
    }
    expect(close(fd), ERR_OK);
}

/* Fills the buffer cache with other blocks: a file of more blocks than
 * it has buffers, written, then read a block a read() (each kept). */
static void fill_cache(void)
{
    static char block[BLOCK];
    int fd = open_ok(BIG, FS_WRONLY | FS_CREAT);
    for (int i = 0; i < BIG_BLOCKS; i++)
        write_all(fd, block, BLOCK);
    expect(close(fd), ERR_OK);
    fd = open_ok(BIG, FS_RDONLY);
    while (read(fd, block, BLOCK) > 0)
        ;
    expect(close(fd), ERR_OK);
}

/* D/<c><i>: the name of the ith directory or file of a round. */
static const char *name(char c, int i)
{
    static char path[] = D "/xx";
    path[sizeof(D)] = c;
    path[sizeof(D) + 1] = (char)('0' + i);
    return path;
}

/* One round of the metadata loop: N directories made, then removed (the
 * first rmdir frees a block the journal names: a checkpoint); N files of
 * 64 KiB (an index block each) made, then removed. */
static void churn(void)
{
    for (int i = 0; i < N; i++)
        expect(mkdir(name('d', i)), ERR_OK);
    for (int i = 0; i < N; i++)
        expect(rmdir(name('d', i)), ERR_OK);
    static char big[64 * 1024];
    for (int i = 0; i < N; i++) {
        int fd = open_ok(name('f', i), FS_WRONLY | FS_CREAT);
        write_all(fd, big, sizeof(big));
        expect(close(fd), ERR_OK);
    }
    for (int i = 0; i < N; i++)
        expect(unlink(name('f', i)), ERR_OK);
}

int main(void)
{
    for (int i = 0; i < N; i++) {
        remove_file(name('d', i));
        remove_file(name('f', i));
    }
    remove_file(F);
    remove_file(D);
    remove_file(BIG);
    expect(mkdir(D), ERR_OK);
    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = (char)(i * 7 + i / 4096);
    int fd = open_ok(F, FS_WRONLY | FS_CREAT);
    write_all(fd, data, sizeof(data));          /* whole blocks: none cached */
    expect(close(fd), ERR_OK);

    long before = disk_reads();
    read_small();
    long reads = disk_reads() - before;
    if (reads > BLOCKS)
        error("reading %d blocks 13 bytes a read() read %ld blocks from the disk", BLOCKS,
              reads);
    before = disk_reads();
    read_small();
    if (disk_reads() != before)
        error("reading it again read %ld blocks from the disk", disk_reads() - before);

    churn();
    fill_cache();                               /* the blocks it used, now cold */
    churn();                                    /* warm again */
    before = disk_reads();
    for (int i = 0; i < ROUNDS; i++)
        churn();
    reads = disk_reads() - before;
    if (reads != 0)
        error("%d rounds of mkdir and rmdir, create and unlink read %ld blocks from the disk",
              ROUNDS, reads);

    remove_file(F);
    remove_file(BIG);
    expect(rmdir(D), ERR_OK);
    pass("fs_cache_hits: small reads read a block once; metadata stays cached through "
         "checkpoints");
    return 0;
}
