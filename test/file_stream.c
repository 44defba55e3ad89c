/*
 * file_stream: a 16 MiB file written in 1 MiB write() calls, the ordered
 * path's big batches, lands byte for byte where it belongs.
 *
 * File data is written in place, many blocks in flight, and only the
 * metadata goes through the journal (ordered mode, include/kernel/
 * journal.h). How fast is not judged here (a busy host makes any time
 * limit flaky): `make bench` measures it against the raw disk
 * (fswrite_over_raw, docs/performance.md). The rate is printed for people.
 *
 * Then the contents, all 16 MiB read back in 1 MiB reads (many blocks in
 * flight too), after each of: the first writing; whole blocks overwritten
 * in place right after being read (a block the buffer cache holds must
 * take the new bytes, or the next read sees the old ones); a write from an
 * odd offset to an odd end, whose first and last blocks are only partly
 * written (merged with what they held). There is no lseek: reads move an
 * fd to where a write goes.
 */
// test: timeout=120
#include "testlib.h"

#define F "/stream_file"
#define MiB (1024L * 1024)
#define SIZE (16 * MiB)
#define BLOCK 4096L
#define WHOLE_AT (8 * BLOCK)                     /* overwritten: whole blocks */
#define WHOLE_LEN (40 * BLOCK)
#define ODD_AT (60 * BLOCK + 1000)               /* overwritten: parts of blocks */
#define ODD_LEN (5 * BLOCK + 3)

static unsigned char buf[MiB];

/* The round whose bytes the file holds at off, after `rounds` rounds. */
static int round_at(long off, int rounds)
{
    if (rounds >= 2 && off >= ODD_AT && off < ODD_AT + ODD_LEN)
        return 2;
    if (rounds >= 1 && off >= WHOLE_AT && off < WHOLE_AT + WHOLE_LEN)
        return 1;
    return 0;
}

/* Reads n bytes of fd, to move it on. */
static void skip(int fd, long n)
{
    while (n > 0) {
        long step = n < MiB ? n : MiB;
        expect(read_all(fd, buf, step), step);
        n -= step;
    }
}

/* Reads the whole file back, after `rounds` rounds of writes. */
static void check(int rounds)
{
    int fd = open_ok(F, FS_RDONLY);
    for (long off = 0; off < SIZE; off += MiB) {
        expect(read_all(fd, buf, MiB), MiB);
        for (long i = 0; i < MiB; i++) {
            int r = round_at(off + i, rounds);
            if (buf[i] != pattern_byte(off + i, r))
                error("after %d overwrite(s), byte %ld is 0x%x, expected 0x%x (round %d)",
                      rounds, off + i, buf[i], pattern_byte(off + i, r), r);
        }
    }
    expect(read(fd, buf, 1), 0);
    expect(close(fd), ERR_OK);
}

/* Writes round's bytes over [at, at + n), right after reading them (so
 * the blocks are in the buffer cache when the write comes). */
static void overwrite(long at, long n, int round)
{
    int fd = open_ok(F, FS_RDWR);
    skip(fd, at);
    int reader = open_ok(F, FS_RDONLY);
    skip(reader, at + n);
    expect(close(reader), ERR_OK);
    pattern_fill(buf, at, n, round);
    expect(write(fd, buf, n), n);
    expect(close(fd), ERR_OK);
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    remove_file(F);
    int fd = open_ok(F, FS_WRONLY | FS_CREAT);
    uint64_t took = 0;
    for (long off = 0; off < SIZE; off += MiB) {
        pattern_fill(buf, off, MiB, 0);
        uint64_t t0 = rdtime();
        expect(write(fd, buf, MiB), MiB);
        took += rdtime() - t0;
    }
    expect(close(fd), ERR_OK);
    long kb_per_s = (long)((uint64_t)SIZE / 1000 * TIME_HZ / (took ? took : 1));
    expect(stat_of(F).size, SIZE);

    check(0);
    overwrite(WHOLE_AT, WHOLE_LEN, 1);
    check(1);
    overwrite(ODD_AT, ODD_LEN, 2);
    check(2);
    expect(stat_of(F).size, SIZE);
    expect(unlink(F), ERR_OK);
    pass("file_stream: 16 MiB at %ld kB/s, overwrites in place read back", kb_per_s);
    return 0;
}
