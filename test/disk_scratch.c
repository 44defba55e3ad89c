/*
 * disk_scratch: the benchmarks' raw disk writes (disk_scratch_write,
 * lib/bench.h) stay inside the scratch area past the file system.
 *
 * n 0 reports the area's length; arguments that are negative, or reach
 * past the area's end (overflowing ones too), are ERR_INVAL; the whole
 * area can be written, by two processes at once, and afterwards the files
 * written before (README from mkfs, a file of this test spanning an
 * indirect block) read back unchanged. The runner's disk check after the
 * boot (mkfs --check) and its frame count see the rest: no block of the
 * file system touched, no frame kept.
 */
#include "testlib.h"
#include <lib/bench.h>
#include <lib/stddef.h>

#define F "/disk_scratch_file"
#define FILE_BYTES (48 * 1024)          /* 12 blocks: the direct ones and an indirect */
#define LONG_MAX 0x7fffffffffffffffL

static char byte_at(size_t i) { return (char)('a' + (i * 7 + i / 4096) % 26); }

/* The whole of path, which must be at most n bytes, into buf; its size. */
static size_t slurp(const char *path, char *buf, size_t n)
{
    int fd = open_ok(path, FS_RDONLY);
    size_t got = read_all(fd, buf, n);
    expect(close(fd), ERR_OK);
    return got;
}

/* Writes blocks [first, first + n) of the area in a child. */
static int writer(long first, long n)
{
    int pid = fork_ok();
    if (pid == 0) {
        long size = disk_scratch_write(first, n);
        if (size < 0)
            error("disk_scratch_write(%ld, %ld) = %ld", first, n, size);
        exit(0);
    }
    return pid;
}

int main(void)
{
    static char readme[4096], readme_after[4096], data[FILE_BYTES];
    long size = disk_scratch_write(0, 0);
    if (size <= 0)
        error("disk_scratch_write(0, 0) = %ld: the disk has no scratch area", size);

    const long bad[][2] = {
        {-1, 1}, {0, -1}, {-1, 0}, {size, 1}, {size + 1, 0}, {0, size + 1}, {1, size},
        {LONG_MAX, 1}, {1, LONG_MAX}, {LONG_MAX, LONG_MAX}, {-LONG_MAX - 1, 0},
    };
    for (size_t i = 0; i < NELEM(bad); i++) {
        long r = disk_scratch_write(bad[i][0], bad[i][1]);
        if (r != ERR_INVAL)
            error("disk_scratch_write(%ld, %ld) = %ld, expected ERR_INVAL", bad[i][0],
                  bad[i][1], r);
    }
    expect(disk_scratch_write(size, 0), size);
    expect(disk_scratch_write(size - 1, 1), size);

    size_t readme_bytes = slurp("/README", readme, sizeof(readme));
    make_file_of(F, FILE_BYTES, byte_at);

    int a = writer(0, size / 2), b = writer(size / 2, size - size / 2);
    expect_exit(a, 0);
    expect_exit(b, 0);

    expect(slurp("/README", readme_after, sizeof(readme_after)), readme_bytes);
    if (memcmp(readme, readme_after, readme_bytes) != 0)
        error("README changed after the scratch area was written");
    expect(slurp(F, data, sizeof(data)), FILE_BYTES);
    for (size_t i = 0; i < FILE_BYTES; i++)
        if (data[i] != byte_at(i))
            error("%s: byte %ld is '%c', expected '%c'", F, (long)i, data[i], byte_at(i));
    remove_file(F);
    pass("disk_scratch: %ld blocks written past the file system", size);
    return 0;
}
