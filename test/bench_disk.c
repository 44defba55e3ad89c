/*
 * bench_disk: the journaled file system against the raw disk, measured in
 * one boot (run by `make bench`; the numbers are reported, never judged).
 *
 *   raw        the disk's scratch area (4 MiB past the file system, sfs.h)
 *              written with disk_scratch_write (lib/bench.h): one batch
 *              straight to the driver (runs of consecutive blocks in one
 *              request, all in flight at once), no cache, no journal: the
 *              raw sequential write rate, the one the journaled rate is
 *              compared with. Also shown: the same blocks one 4 KiB
 *              request at a time (a call per block).
 *   journaled  a new 16 MiB file written sequentially by write() calls of
 *              1 MiB, each returning only once its transactions are on disk
 *              (journal.h): the time from the first write to the last one's
 *              return. The file is unlinked afterwards (not timed).
 *
 * Each figure is the best of a few runs. Printed as `bench:` lines
 * (benchlib.h) for make bench's table, which compares the journaled rate
 * with the raw one and with the rate before the journal was made fast
 * (test/benchmarks.py).
 */
// test: timeout=300
#include "benchlib.h"
#include <lib/bench.h>
#include <lib/stddef.h>

#define BLOCK 4096L
#define RAW_ROUNDS 5
#define FILE_BYTES (16L << 20)
#define WRITE_BYTES (1L << 20)    /* bytes per write() */
#define FILE_ROUNDS 2
#define F "/bench_disk.tmp"

static char data[WRITE_BYTES];

/* Blocks [first, first + n) of the scratch area, or the test fails. */
static void scratch(long first, long n)
{
    long r = disk_scratch_write(first, n);
    if (r < 0)
        error("disk_scratch_write(%ld, %ld) = %ld", first, n, r);
}

/* Writes the whole area in one call (one batch), or in a call per block
 * (one request at a time): ticks. */
static uint64_t raw_write(long blocks, bool batched)
{
    uint64_t t0 = rdtime();
    if (batched)
        scratch(0, blocks);
    else
        for (long b = 0; b < blocks; b++)
            scratch(b, 1);
    return rdtime() - t0;
}

/* Writes a new FILE_BYTES file in write() calls of WRITE_BYTES: ticks. */
static uint64_t journaled_write(void)
{
    remove_file(F);
    int fd = open_ok(F, FS_WRONLY | FS_CREAT);
    uint64_t t0 = rdtime();
    for (long off = 0; off < FILE_BYTES; off += WRITE_BYTES) {
        data[0] = (char)(off / WRITE_BYTES);
        write_all(fd, data, WRITE_BYTES);
    }
    uint64_t ticks = rdtime() - t0;
    expect(close(fd), ERR_OK);
    expect(stat_of(F).size, FILE_BYTES);
    remove_file(F);
    return ticks;
}

int main(void)
{
    long blocks = disk_scratch_write(0, 0);
    if (blocks <= 0)
        error("disk_scratch_write(0, 0) = %ld: the disk has no scratch area", blocks);
    for (long i = 0; i < WRITE_BYTES; i++)
        data[i] = (char)(i * 131 + 7);

    uint64_t batched = ~0UL, serial = ~0UL;
    for (int round = 0; round < RAW_ROUNDS; round++) {
        batched = min(batched, raw_write(blocks, true));
        serial = min(serial, raw_write(blocks, false));
    }
    uint64_t raw_bytes = (uint64_t)blocks * BLOCK;
    printf("bench_disk: %ld KiB to the raw disk's scratch area, best of %d\n",
           (long)(raw_bytes / 1024), RAW_ROUNDS);
    bench_transfer("many requests in flight (raw)", raw_bytes, batched);
    bench_transfer("one request at a time", raw_bytes, serial);

    uint64_t journaled = ~0UL;
    for (int round = 0; round < FILE_ROUNDS; round++)
        journaled = min(journaled, journaled_write());
    printf("bench_disk: a new 16 MiB file, write() of 1 MiB, each on disk when it returns, "
           "best of %d\n", FILE_ROUNDS);
    bench_transfer("journaled write", FILE_BYTES, journaled);

    bench_rate("disk_raw_mbps", raw_bytes, batched);
    bench_rate("disk_raw_serial_mbps", raw_bytes, serial);
    bench_rate("fswrite_mbps", FILE_BYTES, journaled);
    return 0;
}
