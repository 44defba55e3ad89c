/*
 * file_io_bounds: single read() and write() calls at the boundaries of the
 * I/O paths return exactly what they should, and move exactly those bytes.
 *
 * read() of a file once returned only its first 1 MiB (a chunk of blocks,
 * rw.c) whenever the bytes asked reached the end of the file, unseen
 * because every test read through a loop that hides short counts. Here no
 * call is looped: each one's return value is asserted, and its bytes
 * checked against a model of the file's contents.
 *
 *  - a file written by four single writes, one ending a byte before the
 *    direct blocks' end, one crossing both the direct/single-indirect and
 *    the single/double-indirect boundaries (40 KiB, 4136 KiB), the last
 *    1 MiB at an unaligned offset;
 *  - reads of 1 MiB and 2 MiB, a byte under and over, from unaligned
 *    offsets, ending at the end of the file exactly, a byte past and far
 *    past (16 MiB more: the count is what the file has), then 0 at the end;
 *  - a read or write whose buffer runs into unmapped memory past 1 MiB is
 *    ERR_FAULT with nothing moved: the buffer untouched, the offset and
 *    the file's size unchanged;
 *  - a write whose source is a shared mapping of the same file, 2 MiB
 *    from 8197 bytes further on (as memmove), a read into a shared mapping
 *    of the same file from 1 MiB further on, and a write from and a read
 *    into a private mapping (the file unchanged by the read);
 *  - a pipe: one write of 1 MiB and a bit returns its full count while a
 *    reader takes it in odd sizes, every byte in order; a read asking
 *    4 MiB of a pipe holding 100 bytes returns the 100 at once;
 *  - a 1 MiB write's, then read's, 1st, 2nd, 257th or 300th kernel
 *    allocation failing (kalloc_fail: the chunk, a bounce frame, the last
 *    of a chunk's, a page of the read's untouched buffer): ERR_NOMEM with
 *    nothing moved, or a count of exactly the bytes moved (the file's
 *    size, the offset after it).
 *
 * The largest file (10 + 1024 + 1024 * 1024 blocks, about 4 GiB) is past
 * what the 32 MiB disk holds and there is no lseek, so it is not probed.
 */
// test: timeout=60
#include "testlib.h"
#include <lib/bench.h>
#include <lib/mman.h>
#include <lib/stddef.h>

#define F "/io_bounds"
#define G "/io_bounds_g"
#define KIB 1024L
#define MIB (1024L * 1024)
#define DIRECT_END (10 * 4096L)               /* end of the direct blocks */
#define INDIRECT_END (DIRECT_END + 4096L * 1024)   /* 4136 KiB */
#define W3_END (INDIRECT_END + 4101)
#define S (W3_END + MIB)                      /* the file's size */
#define MAP_LEN (4 * MIB)

static unsigned char buf[S + 4096];

/* The file's contents as they should be: pattern 0, then, after the write
 * from its own mapping, the bytes from SHIFT on moved to 0. */
static unsigned char image[S];
#define SHIFT 8197
#define SHIFT_LEN (2 * MIB + 3)

static unsigned char model(size_t pos)
{
    return image[pos];
}

/* p[0..n) must be the file's bytes from pos on. */
static void check_bytes(const unsigned char *p, size_t pos, size_t n, const char *what)
{
    const unsigned char *want = image + pos;
    for (size_t i = 0; i < n; i++)
        if (p[i] != want[i])
            error("%s: byte %ld (file offset %ld) is 0x%x, expected 0x%x", what, (long)i,
                  (long)(pos + i), p[i], want[i]);
}

/* One read() of n bytes into buf at file offset *pos: must return want,
 * with the right bytes. */
static void read_exact(int fd, size_t *pos, size_t n, long want, unsigned char *into)
{
    long r = read(fd, into, n);
    if (r != want)
        error("read of %ld bytes at %ld = %ld, expected %ld", (long)n, (long)*pos, r, want);
    check_bytes(into, *pos, want, "read");
    *pos += want;
}

/* One write() of n bytes of pattern 0 at *pos: must return n. */
static void write_exact(int fd, size_t *pos, size_t n)
{
    pattern_fill(buf, *pos, n, 0);
    long r = write(fd, buf, n);
    if (r != (long)n)
        error("write of %ld bytes at %ld = %ld", (long)n, (long)*pos, r);
    *pos += n;
}

static long size_of(const char *path)
{
    return (long)stat_of(path).size;
}

static void writes_across_boundaries(void)
{
    remove_file(F);
    int fd = open_ok(F, FS_RDWR | FS_CREAT);
    size_t pos = 0;
    write_exact(fd, &pos, 1);
    write_exact(fd, &pos, DIRECT_END - 2);            /* a byte short of the boundary */
    write_exact(fd, &pos, W3_END - (DIRECT_END - 1)); /* across both boundaries */
    write_exact(fd, &pos, MIB);                       /* unaligned */
    expect(close(fd), ERR_OK);
    expect(size_of(F), S);
}

static void reads_at_bounds(void)
{
    size_t pos = 0;
    int fd = open_ok(F, FS_RDONLY);
    read_exact(fd, &pos, 1, 1, buf);
    read_exact(fd, &pos, MIB - 1, MIB - 1, buf);      /* ends on a chunk */
    read_exact(fd, &pos, MIB + 1, MIB + 1, buf);
    read_exact(fd, &pos, 2 * MIB - 1, 2 * MIB - 1, buf);
    read_exact(fd, &pos, 2 * MIB, S - pos, buf);      /* a short count: the end */
    read_exact(fd, &pos, 1, 0, buf);
    expect(close(fd), ERR_OK);

    pos = 0;
    fd = open_ok(F, FS_RDONLY);
    read_exact(fd, &pos, S, S, buf);                  /* exactly the file */
    read_exact(fd, &pos, 2 * MIB, 0, buf);
    expect(close(fd), ERR_OK);

    pos = 0;
    fd = open_ok(F, FS_RDONLY);
    read_exact(fd, &pos, 7 * 4096 + 3, 7 * 4096 + 3, buf);     /* inside a chunk */
    read_exact(fd, &pos, S - pos + 1, S - pos, buf);           /* a byte past */
    expect(close(fd), ERR_OK);

    pos = 0;
    fd = open_ok(F, FS_RDONLY);
    read_exact(fd, &pos, S - 2 * MIB - 5, S - 2 * MIB - 5, buf);
    read_exact(fd, &pos, 2 * MIB + 5, 2 * MIB + 5, buf);       /* ends at the end */
    read_exact(fd, &pos, 1, 0, buf);
    expect(close(fd), ERR_OK);

    /* Far past: a buffer of 16 MiB more than the file, mapped (sbrk) but
     * mostly never touched. */
    size_t big = S + 16 * MIB;
    unsigned char *p = sbrk((int)big);
    if (p == (void *)ERR_NOMEM)
        error("sbrk(%ld) failed", (long)big);
    pos = 0;
    fd = open_ok(F, FS_RDONLY);
    read_exact(fd, &pos, big, S, p);
    read_exact(fd, &pos, big, 0, p);
    expect(close(fd), ERR_OK);
    sbrk(-(int)big);
}

/* A buffer running into unmapped memory past 1 MiB: ERR_FAULT, nothing
 * moved either way. */
static void partly_unmapped(void)
{
    size_t n = MIB + 4096;
    unsigned char *p = (unsigned char *)heap_end(n);
    memset(p, 0xAA, n);
    size_t pos = 0;
    int fd = open_ok(F, FS_RDONLY);
    read_exact(fd, &pos, 3, 3, buf);
    expect(read(fd, p, n + 1), ERR_FAULT);
    for (size_t i = 0; i < n; i++)
        if (p[i] != 0xAA)
            error("a read that was ERR_FAULT stored byte %ld", (long)i);
    read_exact(fd, &pos, 5, 5, buf);                  /* the offset stayed */
    expect(close(fd), ERR_OK);

    fd = open_ok(F, FS_WRONLY);
    expect(write(fd, p, n + 1), ERR_FAULT);
    expect(write(fd, p, 1), 1);
    expect(close(fd), ERR_OK);
    expect(size_of(F), S);                            /* and it went at 0: put it back */
    fd = open_ok(F, FS_WRONLY);
    unsigned char b0 = model(0);
    expect(write(fd, &b0, 1), 1);
    expect(close(fd), ERR_OK);
}

static char *map_file(int fd, int prot, int flags)
{
    char *a = NULL;
    int r = mmap(fd, 0, MAP_LEN, prot, flags, (void **)&a);
    if (r != ERR_OK)
        error("mmap(len %ld, prot %d, flags %d) = %d", MAP_LEN, prot, flags, r);
    return a;
}

/* read()s and write()s whose buffer is a mapping of the same file. */
static void same_file_mappings(void)
{
    int mfd = open_ok(F, FS_RDWR);
    unsigned char *shared = (unsigned char *)map_file(mfd, SHM_READ | SHM_WRITE, MAP_SHARED);

    /* Source after the destination: chunk by chunk, as memmove. */
    int fd = open_ok(F, FS_WRONLY);
    expect(write(fd, shared + SHIFT, SHIFT_LEN), SHIFT_LEN);
    expect(close(fd), ERR_OK);
    memmove(image, image + SHIFT, SHIFT_LEN);
    expect(size_of(F), S);
    check_bytes(shared, 0, SHIFT_LEN + SHIFT, "the shared mapping after a write from it");

    /* A read into the mapping from 1 MiB and 3 bytes further on: the
     * destination comes first, so the bytes read are not yet changed. */
    size_t pos = 0;
    fd = open_ok(F, FS_RDONLY);
    read_exact(fd, &pos, MIB + 3, MIB + 3, buf);
    unsigned char *want = buf;                        /* the bytes at MIB + 3 on, before */
    for (size_t i = 0; i < 2 * MIB; i++)
        want[i] = model(MIB + 3 + i);
    long r = read(fd, shared, 2 * MIB);
    expect(r, 2 * MIB);
    if (memcmp(shared, want, 2 * MIB) != 0)
        error("a read into a shared mapping of its own file moved the wrong bytes");
    expect(close(fd), ERR_OK);
    /* Put the file back as the model says. */
    for (size_t i = 0; i < 2 * MIB; i++)
        shared[i] = model(i);
    check_bytes(shared, 0, 2 * MIB, "the shared mapping, restored");

    /* A private mapping: as a write's source, then as a read's buffer,
     * which must not reach the file. */
    unsigned char *priv = (unsigned char *)map_file(mfd, SHM_READ | SHM_WRITE, MAP_PRIVATE);
    fd = open_ok(F, FS_WRONLY);
    expect(write(fd, priv, MIB + 1), MIB + 1);        /* the same bytes, in place */
    expect(close(fd), ERR_OK);
    pos = 0;
    fd = open_ok(F, FS_RDONLY);
    read_exact(fd, &pos, 4096 + 1, 4096 + 1, buf);
    pos = 4096 + 1;
    read_exact(fd, &pos, MIB + 7, MIB + 7, priv);     /* priv's copies change */
    expect(close(fd), ERR_OK);
    check_bytes(priv, 4097, MIB + 7, "the private mapping after a read into it");
    check_bytes(shared + 4097, 4097, MIB + 7, "the shared mapping after a read into a private one");
    expect(munmap(priv, MAP_LEN), ERR_OK);
    expect(munmap(shared, MAP_LEN), ERR_OK);
    expect(close(mfd), ERR_OK);
    pos = 0;
    fd = open_ok(F, FS_RDONLY);
    read_exact(fd, &pos, S + 1, S, buf);
    expect(close(fd), ERR_OK);
}

#define PIPE_N (MIB + 7)

/* The pipe's reader: odd sizes, each a single read, every byte in order. */
static void pipe_reader(int rfd)
{
    static const size_t sizes[] = {4097, 1, 333, 65536, 7, 8191};
    size_t got = 0;
    for (int k = 0; got < PIPE_N; k++) {
        size_t n = sizes[k % 6];
        long r = read(rfd, buf, n);
        if (r <= 0 || r > (long)n)
            error("pipe read of %ld at %ld = %ld", (long)n, (long)got, r);
        for (long i = 0; i < r; i++)
            if (buf[i] != pattern_byte(got + i, 3))
                error("pipe byte %ld is 0x%x", (long)(got + i), buf[i]);
        got += r;
    }
    expect(got, PIPE_N);
    expect(read(rfd, buf, 1), 0);
}

static void pipes(void)
{
    int fds[2];
    expect(pipe(fds), ERR_OK);
    int pid = fork_ok();
    if (pid == 0) {
        close(fds[1]);
        pipe_reader(fds[0]);
        exit(0);
    }
    close(fds[0]);
    pattern_fill(buf, 0, PIPE_N, 3);
    expect(write(fds[1], buf, PIPE_N), PIPE_N);
    close(fds[1]);
    expect_exit(pid, 0);

    expect(pipe(fds), ERR_OK);
    expect(write(fds[1], buf, 100), 100);
    expect(read(fds[0], buf, 4 * MIB), 100);          /* what is there, no waiting */
    close(fds[0]);
    close(fds[1]);
}

/* Allocation n of a 1 MiB write, then of a 1 MiB read into untouched
 * memory, fails: each call is ERR_NOMEM having moved nothing, or counts
 * exactly the bytes it moved. */
static void allocation_fails(int n)
{
    remove_file(G);
    int fd = open_ok(G, FS_RDWR | FS_CREAT);
    pattern_fill(buf, 0, MIB + 5, 0);
    expect(kalloc_fail(n), 0);
    long r = write(fd, buf, MIB + 5);
    kalloc_fail(0);
    if (r != ERR_NOMEM && (r <= 0 || r > MIB + 5))
        error("write with allocation %d failing = %ld", n, r);
    expect(size_of(G), r > 0 ? r : 0);
    expect(close(fd), ERR_OK);
    remove_file(G);

    size_t len = MIB + 5;
    unsigned char *p = sbrk((int)(len + 8192));
    if (p == (void *)ERR_NOMEM)
        error("sbrk failed");
    fd = open_ok(F, FS_RDONLY);
    expect(kalloc_fail(n), 0);
    r = read(fd, p, len);
    kalloc_fail(0);
    if (r != ERR_NOMEM && (r <= 0 || r > (long)len))
        error("read with allocation %d failing = %ld", n, r);
    size_t pos = r > 0 ? (size_t)r : 0;
    check_bytes(p, 0, pos, "a read with an allocation failing");
    read_exact(fd, &pos, 1, 1, buf);                  /* the offset is what it said */
    expect(close(fd), ERR_OK);
    sbrk(-(int)(len + 8192));
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    pattern_fill(image, 0, S, 0);
    writes_across_boundaries();
    reads_at_bounds();
    partly_unmapped();
    same_file_mappings();
    pipes();
    static const int fails[] = {1, 2, 257, 300};
    for (size_t i = 0; i < NELEM(fails); i++)
        allocation_fails(fails[i]);
    remove_file(F);
    pass("file_io_bounds");
    return 0;
}
