/*
 * file_read: open/read/fstat/close on the files every image starts with.
 *
 * README (a banner of exactly 150 bytes, as osv's), largefile (20480
 * bytes of 'a'), smallfile ("aaaaaaaaaabbbbbbbbbbccccc\n") and testfile
 * ("abcdef\n") are read whole, in odd-sized chunks that cross disk-block
 * and page boundaries, and into fresh bss pages that the kernel's copy-out
 * must fault in. fstat reports type, size and inode;
 * paths with ".", ".." and no leading "/" reach the same inode; two opens
 * have independent offsets; open returns the lowest free fd; a process can
 * open NUM_FILES files in all and gets ERR_NOMEM past that. A read with
 * a buffer far larger than what is left of the file makes no more kernel
 * allocations than one of the right size.
 */
#include "testlib.h"
#include <lib/bench.h>
#include <lib/stddef.h>

#define LARGE 20480
#define SMALL "aaaaaaaaaabbbbbbbbbbccccc\n"

static char fresh[LARGE + 4096];     /* bss, untouched until read() fills it */
static char buf[LARGE + 4096];

/* The kernel allocations (kalloc_fail counts them) of reading smallfile
 * whole, or at its end, with a buffer of n bytes. */
static int read_allocations(size_t n, long expect_bytes)
{
    int fd = open_ok("/smallfile", FS_RDONLY);
    if (expect_bytes == 0)
        expect(read(fd, buf, 26), 26);
    kalloc_fail(1000);
    expect(read(fd, buf, n), expect_bytes);
    int left = kalloc_fail(0);
    expect(close(fd), ERR_OK);
    return 1000 - left;
}

/* A buffer far larger than the file costs the read no more allocations
 * than one of the file's size: it used to take a bounce frame for every
 * block of the buffer (7 for these 24 KiB, 256 for 1 MiB) before finding
 * the file ended, frames another process may have needed. */
static void big_buffer_allocations(void)
{
    int fit = read_allocations(26, 26), big = read_allocations(sizeof(buf), 26);
    if (big != fit)
        error("reading 26 bytes with a %d-byte buffer made %d allocations, with a "
              "26-byte one %d", (int)sizeof(buf), big, fit);
    fit = read_allocations(1, 0);
    big = read_allocations(sizeof(buf), 0);
    if (big != fit)
        error("a read at the end with a %d-byte buffer made %d allocations, with a "
              "1-byte one %d", (int)sizeof(buf), big, fit);
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    struct stat st;

    /* smallfile: exact contents, then end of file. */
    int fd = open_ok("/smallfile", FS_RDONLY);
    expect(fstat(fd, &st), ERR_OK);
    expect(st.ftype, FTYPE_FILE);
    expect(st.size, 26);
    expect(read(fd, buf, 0), 0);
    expect(read(fd, buf, 100), 26);
    if (memcmp(buf, SMALL, 26) != 0)
        error("smallfile contents differ: '%s'", buf);
    expect(read(fd, buf, 100), 0);
    expect(read(fd, buf, 1), 0);
    expect(close(fd), ERR_OK);

    /* smallfile byte by byte. */
    fd = open_ok("smallfile", FS_RDONLY);
    for (int i = 0; i < 26; i++) {
        char c = 0;
        expect(read(fd, &c, 1), 1);
        if (c != SMALL[i])
            error("smallfile byte %d = %d, expected %d", i, c, SMALL[i]);
    }
    expect(read(fd, buf, 1), 0);
    expect(close(fd), ERR_OK);

    big_buffer_allocations();

    /* largefile in one read, into bss pages nobody touched yet. */
    fd = open_ok("/largefile", FS_RDONLY);
    expect(fstat(fd, &st), ERR_OK);
    expect(st.ftype, FTYPE_FILE);
    expect(st.size, LARGE);
    expect(read(fd, fresh, sizeof(fresh)), LARGE);
    for (int i = 0; i < LARGE; i++)
        if (fresh[i] != 'a')
            error("largefile byte %d = %d", i, fresh[i]);
    expect(read(fd, fresh, sizeof(fresh)), 0);
    expect(close(fd), ERR_OK);

    /* largefile in chunks of awkward sizes. */
    static const int chunks[] = {1, 7, 511, 512, 513, 1000, 4095, 4096, 4097, 3};
    fd = open_ok("/largefile", FS_RDONLY);
    memset(buf, 0, sizeof(buf));
    int total = 0;
    for (int k = 0; total < LARGE; k++) {
        int want = chunks[k % NELEM(chunks)];
        int expected = min(want, LARGE - total);
        ssize_t n = read(fd, buf + total, want);
        if (n != expected)
            error("read %d bytes at offset %d returned %ld", want, total, (long)n);
        total += n;
    }
    expect(read(fd, buf, 10), 0);
    for (int i = 0; i < LARGE; i++)
        if (buf[i] != 'a')
            error("chunked largefile byte %d = %d", i, buf[i]);
    if (buf[LARGE] != 0)
        error("read wrote past what it returned");
    expect(close(fd), ERR_OK);

    /* README: a text file of exactly 150 bytes, as osv's. */
    fd = open_ok("/README", FS_RDONLY);
    expect(fstat(fd, &st), ERR_OK);
    expect(st.ftype, FTYPE_FILE);
    expect(st.size, 150);
    expect(read(fd, buf, sizeof(buf)), st.size);
    for (size_t i = 0; i < st.size; i++)
        if (buf[i] == '\0')
            error("README has a NUL at %d", (int)i);
    expect(close(fd), ERR_OK);

    /* testfile: exact contents. */
    fd = open_ok("/testfile", FS_RDONLY);
    expect(read(fd, buf, sizeof(buf)), 7);
    if (memcmp(buf, "abcdef\n", 7) != 0)
        error("testfile contents differ: '%.7s'", buf);
    expect(close(fd), ERR_OK);

    /* Different files have different inodes; one file by many paths. */
    int ino = stat_of("/smallfile").inode_num;
    assert(stat_of("/largefile").inode_num != ino);
    assert(stat_of("/README").inode_num != ino);
    expect(stat_of("smallfile").inode_num, ino);
    expect(stat_of("./smallfile").inode_num, ino);
    expect(stat_of("/./smallfile").inode_num, ino);
    expect(stat_of("/../smallfile").inode_num, ino);
    expect(stat_of("/.././smallfile").inode_num, ino);

    /* The root is a directory, by any name. */
    st = stat_of("/");
    expect(st.ftype, FTYPE_DIR);
    int root = st.inode_num;
    expect(stat_of(".").inode_num, root);
    expect(stat_of("/.").inode_num, root);
    expect(stat_of("/..").inode_num, root);
    expect(stat_of("..").inode_num, root);

    /* The console is a device: fstat describes only files and directories. */
    expect(fstat(1, &st), ERR_INVAL);

    /* Files that are not there. */
    expect(open("/no_such_file", FS_RDONLY, EMPTY_MODE), ERR_NOTEXIST);
    expect(open("no_such_file", FS_RDONLY, EMPTY_MODE), ERR_NOTEXIST);
    expect(open("/no/such/file", FS_RDONLY, EMPTY_MODE), ERR_NOTEXIST);
    expect(open("/smallfilex", FS_RDONLY, EMPTY_MODE), ERR_NOTEXIST);
    expect(open("/smallfil", FS_RDONLY, EMPTY_MODE), ERR_NOTEXIST);

    /* Two opens of one file: independent offsets. */
    int f1 = open_ok("/smallfile", FS_RDONLY);
    int f2 = open_ok("/smallfile", FS_RDONLY);
    assert(f1 != f2);
    expect(read(f1, buf, 10), 10);
    expect(read(f2, buf + 10, 5), 5);
    if (memcmp(buf + 10, "aaaaa", 5) != 0)
        error("second open did not start at offset 0");
    expect(read(f1, buf, 10), 10);
    if (memcmp(buf, "bbbbbbbbbb", 10) != 0)
        error("first open lost its offset");

    /* Lowest free fd: close f1, the next open takes its number. */
    expect(close(f1), ERR_OK);
    expect(open_ok("/README", FS_RDONLY), f1);
    expect(close(f1), ERR_OK);
    expect(close(f2), ERR_OK);

    /* The fd table holds NUM_FILES files; one more is ERR_NOMEM. */
    static int fds[NUM_FILES];
    int n = 0, r;
    while ((r = open("/smallfile", FS_RDONLY, EMPTY_MODE)) >= 0) {
        if (n == NUM_FILES)
            error("opened more than NUM_FILES files");
        assert(r < NUM_FILES);
        fds[n++] = r;
    }
    expect(r, ERR_NOMEM);
    int highest = 0;
    for (int i = 0; i < n; i++)
        highest = fds[i] > highest ? fds[i] : highest;
    expect(highest, NUM_FILES - 1);
    /* Each of them works on its own offset. */
    expect(read(fds[n - 1], buf, 26), 26);
    expect(read(fds[0], buf + 26, 26), 26);
    if (memcmp(buf, buf + 26, 26) != 0)
        error("full-table fds read different data");
    for (int i = 0; i < n; i++)
        expect(close(fds[i]), ERR_OK);
    fd = open_ok("/smallfile", FS_RDONLY);
    expect(close(fd), ERR_OK);

    pass("file_read");
    return 0;
}
