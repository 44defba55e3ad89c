/*
 * journal_limits: the file system's heaviest operations stay within the
 * journal's limit of JOURNAL_OP_MAX_BLOCKS (20) distinct blocks per operation,
 * alone and with other operations sharing their group. It runs on the
 * debug kernel (`debug`), whose journal panics at the first block past an
 * operation's limit, counted per thread (kernel/fs/journal.c): a path that
 * forgot to split itself fails here every time, not only when three
 * operations happen to fill a group. Any block written by a thread with no
 * transaction of its own panics too, in every build, even while other
 * threads have one open (the second phase keeps them open).
 *
 * The operations: write() calls of about SPAN blocks, which the kernel
 * splits into chunks, each allocating every block it writes and the index
 * blocks above them: at odd sizes, so the chunks fall differently each
 * time, past the direct blocks into the single-indirect block, past that
 * into the double-indirect block (allocating it and its first table) and
 * past 1024 more blocks into its second table; reading the file back;
 * unlinking it (freed in steps); making and removing a directory with a
 * file in it. First one process alone through all three boundaries, then
 * WRITERS processes at once through the first.
 */
// test: debug timeout=180
#include "testlib.h"
#include <lib/stdio-ext.h>

#define BLOCK 4096
#define NDIRECT 10
#define NINDIRECT 1024
#define SPAN 30                                  /* blocks per write(), about */
#define BIG_BLOCKS (NDIRECT + 2 * NINDIRECT + 40)  /* past the second table */
#define SMALL_BLOCKS (NDIRECT + 100)
#define WRITERS 3

static char buf[SPAN * BLOCK + BLOCK];

/* The byte at file offset pos of writer who's file. */
static char byte_at(int who, long pos)
{
    return (char)('A' + (who * 7 + pos / BLOCK + pos % 251) % 26);
}

/* Writes `blocks` blocks to path in write() calls of odd sizes, reads them
 * back, unlinks the file. */
static void file_through(int who, const char *path, long blocks)
{
    remove_file(path);
    int fd = open_ok(path, FS_RDWR | FS_CREAT);
    long size = blocks * BLOCK;
    for (long pos = 0, call = 0; pos < size; call++) {
        long n = SPAN * BLOCK + (call % 7) * 613;   /* odd, so the chunks shift */
        if (n > size - pos)
            n = size - pos;
        for (long i = 0; i < n; i++)
            buf[i] = byte_at(who, pos + i);
        write_all(fd, buf, n);
        pos += n;
    }
    expect(close(fd), ERR_OK);
    fd = open_ok(path, FS_RDONLY);
    for (long pos = 0; pos < size; pos += sizeof(buf)) {
        long n = size - pos < (long)sizeof(buf) ? size - pos : (long)sizeof(buf);
        expect(read_all(fd, buf, n), n);
        for (long i = 0; i < n; i++)
            if (buf[i] != byte_at(who, pos + i))
                error("%s: byte %ld is %d", path, pos + i, buf[i]);
    }
    expect(close(fd), ERR_OK);
    expect(unlink(path), ERR_OK);
}

static void directory(int who)
{
    char dir[32], file[48];
    snprintf(dir, sizeof(dir), "/jl_dir_%d", who);
    snprintf(file, sizeof(file), "%s/f", dir);
    remove_file(file);
    remove_file(dir);
    expect(mkdir(dir), ERR_OK);
    make_file(file, "x");
    expect(unlink(file), ERR_OK);
    expect(rmdir(dir), ERR_OK);
}

static void writer(int who)
{
    char path[32];
    snprintf(path, sizeof(path), "/jl_%d", who);
    file_through(who, path, SMALL_BLOCKS);
    directory(who);
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    file_through(0, "/jl_big", BIG_BLOCKS);
    directory(0);
    int pids[WRITERS];
    for (int w = 0; w < WRITERS; w++)
        pids[w] = fork_worker(writer, w + 1);
    for (int w = 0; w < WRITERS; w++)
        expect_exit(pids[w], 0);
    pass("journal_limits: writes through the index boundaries, frees and directories, "
         "alone and %d at once", WRITERS);
    return 0;
}
