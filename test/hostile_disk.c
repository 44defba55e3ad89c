/*
 * hostile_disk: the disk full at the edges of a file's block map, and
 * open+FS_CREAT racing a remove:
 *   - with the disk full but for one, two, then three blocks, a file's
 *     next block that needs an index block as well (the 11th block needs
 *     the indirect block; the 1035th the double-indirect block and one of
 *     its tables) is ERR_NORES until all fit, with the size kept and the
 *     index blocks taken on the way given back (a new file gets the one
 *     free block right after); then exactly one block goes in and reads
 *     back; mkdir takes the last block (its "." and "..") and the next
 *     mkdir is ERR_NORES. The runner's disk check after the boot finds any
 *     block left taken;
 *   - one write() across those edges with 8 blocks free, from the middle
 *     of a file's 7th block (blocks 7-9, the indirect block, blocks
 *     10-13) and of its 1031st (blocks 1031-1033, the double-indirect
 *     block, a table, blocks 1034-1036): the disk runs out in the middle
 *     of a run of blocks under an index block, and the count is exactly
 *     the bytes those blocks took, the size and the bytes follow, the
 *     next write is ERR_NORES;
 *   - a shared mapping of a file on the full disk, stored to over its
 *     whole length and past its end: every store before the end reaches
 *     the file at munmap and at exit (no block is needed: a file has no
 *     holes and a mapping never grows it), none after it;
 *   - three processes open one name with FS_CREAT while a fourth removes
 *     it: every open succeeds. open used to look the name up, create it
 *     on ERR_NOTEXIST and look it up again on ERR_EXIST (another creator
 *     won), and that last look-up found nothing when the remover had come
 *     between: ERR_NOTEXIST from an open that creates (a few times in a
 *     thousand opens).
 * Everything it makes is removed, also at the start.
 */
// test: timeout=60
#include "testlib.h"
#include <lib/stdio-ext.h>
#include <lib/stddef.h>
#include <lib/file-ext.h>
#include <lib/mman.h>

#define D "/hdk"
#define BLK 4096
#define NDIRECT 10                     /* a file's blocks before the indirect block */
#define NINDIRECT 1024                 /* ... and before the double-indirect one */
#define SPARES 5                      /* one-block files freed one at a time */
#define ACROSS (200 * 1024)           /* one write across an index edge */
#define SPARE_ACROSS 8                 /* blocks free for it */
#define CREATORS 3
#define ROUNDS 250

static char buf[256 * 1024];
static char rbuf[BLK];

/* Makes path a file of that many whole blocks. */
static void make_blocks(const char *path, long blocks)
{
    int fd = open_ok(path, FS_RDWR | FS_CREAT);
    for (long done = 0; done < blocks * BLK;) {
        long n = blocks * BLK - done < (long)sizeof(buf) ? blocks * BLK - done : (long)sizeof(buf);
        write_all(fd, buf, n);
        done += n;
    }
    expect(close(fd), ERR_OK);
}

/* Appends n bytes of c to path; returns write's result. */
static long append(const char *path, char c, size_t n)
{
    int fd = open_ok(path, FS_WRONLY | FS_APPEND);
    memset(buf, c, n);
    long w = write(fd, buf, n);
    memset(buf, 'h', n);
    expect(close(fd), ERR_OK);
    return w;
}

static void clean(void)
{
    const char *names[] = {D "/ten", D "/dbl", D "/s0", D "/s1", D "/s2", D "/s3", D "/s4",
                           D "/fill", D "/top", D "/one", D "/sub/x", D "/sub", D "/sub2", D "/f",
                           D "/x", D "/y", D "/m", D "/sx", D "/sy", D};
    for (size_t i = 0; i < NELEM(names); i++)
        remove_file(names[i]);
}

/* Removes what fill_disk_last made. */
static void unfill(void)
{
    expect(unlink(D "/fill"), ERR_OK);
    expect(unlink(D "/top"), ERR_OK);
}

/* Reads block fbn of path (whole) and checks it holds only c. */
static void expect_block(const char *path, long fbn, char c)
{
    int fd = open_ok(path, FS_RDONLY);
    for (long i = 0; i < fbn; i++)
        expect(read_all(fd, rbuf, BLK), BLK);
    expect(read_all(fd, rbuf, BLK), BLK);
    for (int i = 0; i < BLK; i++)
        if (rbuf[i] != c)
            error("%s: byte %d of block %ld is %d, expected %d", path, i, fbn, rbuf[i], c);
    expect(read(fd, rbuf, 1), 0);
    expect(close(fd), ERR_OK);
}

/*
 * The disk full but for the blocks of SPARES one-block files, freed one
 * at a time: a file's next block that needs an index block too (its 11th
 * needs the indirect block, its 1035th the double-indirect block and one
 * of its tables) is ERR_NORES while those are not all free, with the size
 * kept and the index blocks taken meanwhile given back (the next file
 * gets them); then it fits, exactly one block of it. A directory's first
 * block takes the last free one.
 */
static void index_edges(void)
{
    char spare[16];
    make_blocks(D "/ten", NDIRECT);
    make_blocks(D "/dbl", NDIRECT + NINDIRECT);
    for (int i = 0; i < SPARES; i++) {
        snprintf(spare, sizeof(spare), D "/s%d", i);
        make_blocks(spare, 1);
    }
    fill_disk_last(D "/fill", D "/top", buf, sizeof(buf));
    expect(append(D "/ten", 'a', 1), ERR_NORES);
    expect(unlink(D "/s0"), ERR_OK);                 /* 1 block free */
    expect(append(D "/ten", 'a', BLK), ERR_NORES);
    expect(stat_of(D "/ten").size, NDIRECT * BLK);
    expect(append(D "/dbl", 'a', BLK), ERR_NORES);
    expect(stat_of(D "/dbl").size, (NDIRECT + NINDIRECT) * BLK);
    expect(mkdir(D "/sub"), ERR_OK);                 /* takes it */
    expect(mkdir(D "/sub2"), ERR_NORES);
    expect(close(open_ok(D "/sub/x", FS_RDWR | FS_CREAT)), ERR_OK);   /* room in its block */
    expect(unlink(D "/sub/x"), ERR_OK);
    expect(rmdir(D "/sub"), ERR_OK);
    expect(close(open_ok(D "/one", FS_RDWR | FS_CREAT)), ERR_OK);
    expect(append(D "/one", 'o', 2 * BLK), BLK);     /* the block came back */
    expect(append(D "/one", 'o', 1), ERR_NORES);
    expect(unlink(D "/one"), ERR_OK);
    expect(unlink(D "/s1"), ERR_OK);                 /* 2 free */
    expect(append(D "/dbl", 'b', 3 * BLK), ERR_NORES);
    expect(append(D "/ten", 'c', 3 * BLK), BLK);     /* the indirect block and one */
    expect(stat_of(D "/ten").size, (NDIRECT + 1) * BLK);
    expect(unlink(D "/s2"), ERR_OK);
    expect(unlink(D "/s3"), ERR_OK);
    expect(unlink(D "/s4"), ERR_OK);                 /* 3 free */
    expect(append(D "/dbl", 'd', 5 * BLK - 7), BLK);
    expect(append(D "/dbl", 'e', 1), ERR_NORES);
    expect(stat_of(D "/dbl").size, (NDIRECT + NINDIRECT + 1) * BLK);
    expect_block(D "/ten", NDIRECT, 'c');
    expect_block(D "/dbl", NDIRECT + NINDIRECT, 'd');
    expect(unlink(D "/ten"), ERR_OK);
    expect(unlink(D "/dbl"), ERR_OK);
    unfill();
}

/* Makes path a file of size bytes of pattern round. */
static void make_pattern(const char *path, long size, int round)
{
    int fd = open_ok(path, FS_RDWR | FS_CREAT);
    for (long done = 0; done < size;) {
        long n = size - done < (long)sizeof(buf) ? size - done : (long)sizeof(buf);
        pattern_fill((unsigned char *)buf, done, n, round);
        write_all(fd, buf, n);
        done += n;
    }
    expect(close(fd), ERR_OK);
}

/* With the blocks of spare free, one write() of ACROSS bytes of pattern 1
 * appended to path (made start bytes of it) ends at end. */
static void write_across(const char *path, long start, const char *spare, long end)
{
    expect(unlink(spare), ERR_OK);
    int fd = open_ok(path, FS_WRONLY | FS_APPEND);
    pattern_fill((unsigned char *)buf, start, ACROSS, 1);
    expect(write(fd, buf, ACROSS), end - start);
    expect(write(fd, buf, 1), ERR_NORES);
    expect(close(fd), ERR_OK);
    expect_pattern(path, end, 1, (unsigned char *)buf, sizeof(buf));
}

/* Stores pattern round over len bytes of a shared mapping of path. */
static void store_mapped(const char *path, long len, int round)
{
    unsigned char *p;
    int fd = open_ok(path, FS_RDWR);
    expect(mmap(fd, 0, len, SHM_READ | SHM_WRITE, MAP_SHARED, (void **)&p), ERR_OK);
    expect(close(fd), ERR_OK);
    pattern_fill(p, 0, len, round);
    expect(munmap(p, len), ERR_OK);
}

/* A child's mapping that its exit unmaps: pattern 3. */
static void store_mapped_exit(int k)
{
    (void)k;
    unsigned char *p;
    int fd = open_ok(D "/m", FS_RDWR);
    expect(mmap(fd, 0, 5 * BLK, SHM_READ | SHM_WRITE, MAP_SHARED, (void **)&p), ERR_OK);
    pattern_fill(p, 0, 5 * BLK, 3);
}

/* One write() across an index edge with SPARE_ACROSS blocks free, then
 * a shared mapping on the full disk (the top of the file says more). */
static void full_across_edges(void)
{
    make_pattern(D "/x", 6 * BLK + 100, 1);
    make_pattern(D "/y", (NDIRECT + NINDIRECT - 4) * BLK + 5, 1);
    make_pattern(D "/m", 3 * BLK + 100, 0);
    make_blocks(D "/sx", SPARE_ACROSS);
    make_blocks(D "/sy", SPARE_ACROSS);
    fill_disk_last(D "/fill", D "/top", buf, sizeof(buf));
    write_across(D "/x", 6 * BLK + 100, D "/sx", (NDIRECT + 4) * BLK);
    write_across(D "/y", (NDIRECT + NINDIRECT - 4) * BLK + 5, D "/sy",
                 (NDIRECT + NINDIRECT + 3) * BLK);
    store_mapped(D "/m", 5 * BLK, 2);
    expect_pattern(D "/m", 3 * BLK + 100, 2, (unsigned char *)buf, sizeof(buf));
    expect_exit(fork_worker(store_mapped_exit, 0), 0);
    expect_pattern(D "/m", 3 * BLK + 100, 3, (unsigned char *)buf, sizeof(buf));
    expect(unlink(D "/x"), ERR_OK);
    expect(unlink(D "/y"), ERR_OK);
    expect(unlink(D "/m"), ERR_OK);
    unfill();
}

/* A creator: opens D "/f" with FS_CREAT ROUNDS times while the others
 * create and remove it; each open must succeed. */
static void creator(int k)
{
    for (int i = 0; i < ROUNDS; i++) {
        int fd = open(D "/f", FS_RDWR | FS_CREAT, EMPTY_MODE);
        if (fd < 0)
            error("creator %d: open with FS_CREAT = %d after %d opens", k, fd, i);
        expect(close(fd), ERR_OK);
    }
}

/* Removes D "/f" as often as the creators open it. */
static void remover(int k)
{
    (void)k;
    for (int i = 0; i < CREATORS * ROUNDS; i++) {
        int r = unlink(D "/f");
        if (r != ERR_OK && r != ERR_NOTEXIST)
            error("unlink = %d", r);
    }
}

/* CREATORS processes open one name with FS_CREAT while another removes
 * it: every open succeeds. */
static void create_remove_race(void)
{
    int pids[CREATORS + 1];
    for (int k = 0; k < CREATORS; k++)
        pids[k] = fork_worker(creator, k);
    pids[CREATORS] = fork_worker(remover, 0);
    for (int k = 0; k <= CREATORS; k++)
        expect_exit(pids[k], 0);
    remove_file(D "/f");
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    memset(buf, 'h', sizeof(buf));
    clean();
    expect(mkdir(D), ERR_OK);
    index_edges();
    full_across_edges();
    create_remove_race();
    expect(rmdir(D), ERR_OK);
    pass("hostile_disk");
    return 0;
}
