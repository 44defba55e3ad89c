/*
 * file_large: files of several MiB, and unlink giving their blocks back.
 *
 * A file of 5 MiB and a bit is past what the direct and single-indirect
 * blocks map (10 + 1024 blocks, 4136 KiB), so it needs the double-indirect
 * block too. It is written in odd-sized chunks, with a pattern that tells
 * every block and round apart (a block written to the wrong place, or
 * stale data from an earlier round, shows), checked by fstat, read back
 * byte for byte in other chunk sizes, and unlinked. Seven rounds write
 * 35 MiB to a 32 MiB disk: that only fits if unlink frees the blocks (a
 * leak shows as a short write, ERR_NORES, in a late round).
 *
 * The rounds exist only to prove the freeing (the runner's mkfs --check
 * after the boot proves the bitmap right too). Most bytes go in chunks of
 * 512 KiB and a bit (CHUNK), each a few transactions: small ones would
 * prove nothing more and made the test 10 s. Between two of them come
 * writes of 4096, 1, 12295 and 512 bytes, and reads of 4095, 3 and 8192,
 * so every round still has odd-sized writes and reads straddling blocks,
 * five of the writes past 4136 KiB, in the double-indirect blocks.
 *
 * The first round's file is also read whole by one read() asking for a
 * byte more than it holds, which must return every byte, not a short
 * count: it returned 1 MiB (the first chunk of blocks) whenever the bytes
 * asked reached the end of the file, until chunk_fill said "end" only
 * for a chunk that got there.
 */
// test: timeout=300
#include "testlib.h"
#include <lib/stddef.h>

#define F "/large_file"
#define SIZE (5 * 1024 * 1024 + 1234)
#define ROUNDS 7
#define CHUNK (512 * 1024 + 13)

static unsigned char buf[CHUNK];
static unsigned char want[CHUNK];

/* Writes round r's file in writes of odd sizes; its size must be SIZE. */
static void write_round(int r)
{
    static const size_t sizes[] = {CHUNK, 4096, 1, 3 * 4096 + 7, CHUNK - 1, 512};
    int fd = open_ok(F, FS_WRONLY | FS_CREAT);
    size_t done = 0;
    for (int k = 0; done < SIZE; k++) {
        size_t n = min(sizes[k % NELEM(sizes)], (size_t)SIZE - done);
        pattern_fill(buf, done, n, r);
        ssize_t w = write(fd, buf, n);
        if (w != (ssize_t)n)
            error("round %d: write of %d bytes at %d = %ld%s", r, (int)n, (int)done,
                  (long)w, r > 0 ? " (disk full: did unlink free the earlier rounds?)" : "");
        done += n;
    }
    struct stat st;
    expect(fstat(fd, &st), ERR_OK);
    expect(st.size, SIZE);
    expect(close(fd), ERR_OK);
}

/* Reads round r's file back in reads of other sizes, byte for byte. */
static void check_round(int r)
{
    static const size_t sizes[] = {4095, CHUNK, 3, 8192, 100000 % CHUNK};
    int fd = open_ok(F, FS_RDONLY);
    size_t done = 0;
    for (int k = 0; done < SIZE; k++) {
        size_t n = min(sizes[k % NELEM(sizes)], (size_t)SIZE - done);
        size_t got = read_all(fd, buf, n);
        if (got != n)
            error("round %d: read of %d bytes at %d got %d", r, (int)n, (int)done, (int)got);
        pattern_fill(want, done, n, r);
        if (memcmp(buf, want, n) != 0) {
            size_t i = 0;
            while (buf[i] == want[i])
                i++;
            error("round %d: byte %d is 0x%x, expected 0x%x", r, (int)(done + i),
                  buf[i], want[i]);
        }
        done += n;
    }
    expect(read(fd, buf, 1), 0);
    expect(close(fd), ERR_OK);
}

/* Reads round r's file in one read() of SIZE + 1 bytes: all SIZE come. */
static void check_whole(int r)
{
    unsigned char *all = sbrk(SIZE + 1);
    if (all == (unsigned char *)-1)
        error("sbrk(%d) failed", SIZE + 1);
    int fd = open_ok(F, FS_RDONLY);
    ssize_t got = read(fd, all, SIZE + 1);
    if (got != SIZE)
        error("round %d: one read of the whole file = %ld, not %d", r, (long)got, SIZE);
    for (size_t done = 0; done < SIZE; done += CHUNK) {
        size_t n = min((size_t)CHUNK, (size_t)SIZE - done);
        pattern_fill(want, done, n, r);
        if (memcmp(all + done, want, n) != 0)
            error("round %d: one read of the whole file: bytes at %d differ", r, (int)done);
    }
    expect(close(fd), ERR_OK);
    sbrk(-(SIZE + 1));
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;

    remove_file(F);
    for (int r = 0; r < ROUNDS; r++) {
        write_round(r);
        check_round(r);
        if (r == 0)
            check_whole(r);
        expect(unlink(F), ERR_OK);
        expect(open(F, FS_RDONLY, EMPTY_MODE), ERR_NOTEXIST);
    }
    pass("file_large: %d rounds of %d bytes", ROUNDS, SIZE);
    return 0;
}
