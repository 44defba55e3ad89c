/*
 * file_read_cache: a small read() leaves the blocks it read in the buffer
 * cache (include/kernel/bcache.h, bread_frames), and what any read sees
 * afterwards is still the file's newest bytes, never a cached copy gone
 * stale:
 *   - after write()s over cached blocks: a few bytes inside a block,
 *     across two blocks, whole blocks, and a write of more blocks than a
 *     small read keeps (one that goes around the cache), past the end too;
 *   - after a shared mapping's stores are written back by munmap;
 *   - read in pieces of many sizes (13 bytes to more than a block), so the
 *     cached copies are used, and in one read of the whole file: a small
 *     read too while the file has 6 blocks, and once it has grown past
 *     BCACHE_KEEP_MAX, one that streams past the cache but must take a
 *     cached copy when there is one;
 *   - after the file is removed with its blocks cached and the disk is
 *     filled, so that a new file written in large writes gets those very
 *     blocks (the disk has no others): its small reads see its bytes, not
 *     the old file's.
 * Each step is checked against a copy of what the file must hold. How
 * fast a small read is belongs to `make bench` (fsread_byte_over_null).
 */
#include "testlib.h"
#include <lib/stddef.h>
#include <lib/mman.h>

#define F "/read_cache.dat"
#define FILL "/read_cache.fill"
#define BLOCK 4096L
#define SIZE (6 * BLOCK)
#define BIG (10 * BLOCK)                /* more than BCACHE_KEEP_MAX blocks */
#define MAX (SIZE + 2 * BIG)            /* the largest the file gets */

static unsigned char want[MAX];  /* what the file holds */
static size_t size;                     /* its size */
static unsigned char got[MAX];
static unsigned char big[BIG];

/* Reads the whole file in pieces of step bytes and compares it with want. */
static void check(size_t step, const char *after)
{
    int fd = open_ok(F, FS_RDONLY);
    size_t done = 0;
    for (;;) {
        size_t n = step < sizeof(got) - done ? step : sizeof(got) - done;
        ssize_t r = read(fd, got + done, n);
        if (r < 0)
            error("after %s: read at %ld = %ld", after, (long)done, (long)r);
        if (r == 0 || n == 0)
            break;
        done += (size_t)r;
    }
    expect(close(fd), ERR_OK);
    if (done != size)
        error("after %s: read %ld bytes in pieces of %ld, the file has %ld", after, (long)done,
              (long)step, (long)size);
    for (size_t i = 0; i < size; i++)
        if (got[i] != want[i])
            error("after %s: byte %ld read in pieces of %ld is %d, not %d", after, (long)i,
                  (long)step, got[i], want[i]);
}

/* Every way of reading it: odd small pieces (each block cached by its
 * first read), a block and a bit, the whole at once. */
static void check_all(const char *after)
{
    static const size_t steps[] = {13, 100, BLOCK + 13, MAX};
    for (size_t i = 0; i < NELEM(steps); i++)
        check(steps[i], after);
}

/* write() of n bytes of version round at off, into the file and want. */
static void overwrite(size_t off, size_t n, int round)
{
    static unsigned char p[MAX];
    if (off + n > MAX)
        error("overwrite(%ld, %ld): past MAX", (long)off, (long)n);
    pattern_fill(p, off, n, round);
    write_at(F, off, p, n);
    memcpy(want + off, p, n);
    if (off + n > size)
        size = off + n;
}

/* A shared mapping of the file stores into the bytes [off, off+n) and is
 * unmapped, which writes the pages back. */
static void store_mapped(size_t off, size_t n, int round)
{
    int fd = open_ok(F, FS_RDWR);
    unsigned char *a = NULL;
    expect(mmap(fd, 0, size, SHM_READ | SHM_WRITE, MAP_SHARED, (void **)&a), ERR_OK);
    expect(close(fd), ERR_OK);
    pattern_fill(a + off, off, n, round);
    pattern_fill(want + off, off, n, round);
    expect(munmap(a, size), ERR_OK);
}

/* The disk filled, the file removed while the cache holds its blocks,
 * and a new file written in large writes onto the freed blocks (the only
 * free ones): small reads of it see its own bytes. */
static void reuse_blocks(void)
{
    static unsigned char chunk[64 * 1024];
    memset(chunk, 0x5a, sizeof(chunk));
    fill_disk(FILL, chunk, sizeof(chunk));
    check(13, "caching the old file's blocks");
    size_t old = size;
    remove_file(F);
    int fd = open_ok(F, FS_WRONLY | FS_CREAT);
    size = 0;
    ssize_t w;
    while (size < old && (w = write(fd, big, BIG < old - size ? BIG : old - size)) > 0) {
        memcpy(want + size, big, (size_t)w);
        size += (size_t)w;
    }
    expect(close(fd), ERR_OK);
    if (size < 2 * BLOCK)
        error("a full disk let the new file have only %ld bytes", (long)size);
    check_all("a new file on the old one's freed blocks");
    remove_file(FILL);
}

int main(void)
{
    remove_file(F);
    remove_file(FILL);
    pattern_fill(want, 0, SIZE, 0);
    size = SIZE;
    int fd = open_ok(F, FS_WRONLY | FS_CREAT);
    write_all(fd, want, SIZE);
    expect(close(fd), ERR_OK);
    check_all("the first write");

    overwrite(5, 1, 1);
    check_all("a byte written");
    overwrite(BLOCK - 10, 30, 2);
    check_all("a write across two blocks");
    overwrite(3 * BLOCK, 2 * BLOCK, 3);
    check_all("whole blocks written");
    overwrite(BLOCK + 77, BIG - 5, 4);
    check_all("a write of more blocks than a small read keeps");
    overwrite(size - 100, BIG, 5);
    check_all("a write past the end");
    store_mapped(2 * BLOCK + 1, 3000, 6);
    check_all("a mapping's stores written back");

    pattern_fill(big, 0, BIG, 7);
    reuse_blocks();
    remove_file(F);
    pass("file_read_cache: reads after writes, a mapping and block reuse see the newest bytes");
    return 0;
}
