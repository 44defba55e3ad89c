/*
 * bench_disk: the journaled file system against the raw disk, measured in
 * one boot (run by `make bench`; the numbers are reported, never judged).
 *
 *   raw        the disk's scratch area (4 MiB past the file system, sfs.h)
 *              written with disk_scratch_write (lib/bench.h): one batch
 *              straight to the driver (runs of consecutive blocks in one
 *              request, all in flight at once), no cache, no journal: the
 *              raw sequential write rate, the one the journaled rate is
 *              compared with: the area four times over, 16 MiB as the
 *              file. Also shown: the area once, one 4 KiB request at a
 *              time (a call per block).
 *   journaled  a new 16 MiB file written sequentially by write() calls of
 *              1 MiB, each returning only once its transactions are on disk
 *              (journal.h): the time from the first write to the last one's
 *              return. The file is unlinked afterwards (not timed).
 *   small read a 4 KiB file read back by read() calls of one byte: the
 *              time of a call once its block is in the buffer cache
 *              (the first read of a round may go to the disk; the best
 *              round has it cached), compared with bench_vm's null
 *              system call.
 *
 * Each figure is the best of ROUNDS runs, the kinds taken in turn in each
 * round, so a host busy for a while disturbs them alike. Printed as
 * `bench:` lines (benchlib.h) for make bench's table, which compares the
 * journaled rate with the raw one and with the rate before the journal
 * was made fast, and the small read with a null system call
 * (test/benchmarks.py).
 */
// test: timeout=300
#include "benchlib.h"
#include <lib/bench.h>
#include <lib/stddef.h>

#define BLOCK 4096L
#define ROUNDS 5
#define FILE_BYTES (16L << 20)
#define WRITE_BYTES (1L << 20)    /* bytes per write() */
#define F "/bench_disk.tmp"
#define SMALL "/bench_disk.small"

static char data[WRITE_BYTES];

/* Blocks [first, first + n) of the scratch area, or the test fails. */
static void scratch(long first, long n)
{
    long r = disk_scratch_write(first, n);
    if (r < 0)
        error("disk_scratch_write(%ld, %ld) = %ld", first, n, r);
}

/* Writes the whole area of blocks blocks `times` times over in a call
 * each (one batch), or once in a call per block (one request at a time):
 * ticks. */
static uint64_t raw_write(long blocks, bool batched, long times)
{
    uint64_t t0 = rdtime();
    if (batched)
        for (long i = 0; i < times; i++)
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

/* Reads SMALL (BLOCK bytes, data's second block: journaled_write changes
 * its first byte) back a byte a call: ticks. */
static uint64_t small_reads(void)
{
    int fd = open_ok(SMALL, FS_RDONLY);
    char c;
    uint64_t t0 = rdtime();
    for (long i = 0; i < BLOCK; i++)
        if (read(fd, &c, 1) != 1 || c != data[BLOCK + i])
            error("byte %ld of %s read wrong", i, SMALL);
    uint64_t ticks = rdtime() - t0;
    expect(close(fd), ERR_OK);
    return ticks;
}

int main(void)
{
    long blocks = disk_scratch_write(0, 0);
    if (blocks <= 0)
        error("disk_scratch_write(0, 0) = %ld: the disk has no scratch area", blocks);
    for (long i = 0; i < WRITE_BYTES; i++)
        data[i] = (char)(i * 131 + 7);

    uint64_t area = (uint64_t)blocks * BLOCK;
    long times = (long)((FILE_BYTES + area - 1) / area);
    uint64_t raw_bytes = area * (uint64_t)times;
    remove_file(SMALL);
    int fd = open_ok(SMALL, FS_WRONLY | FS_CREAT);
    write_all(fd, data + BLOCK, BLOCK);
    expect(close(fd), ERR_OK);
    uint64_t batched = ~0UL, serial = ~0UL, journaled = ~0UL, small = ~0UL;
    for (int round = 0; round < ROUNDS; round++) {
        batched = min(batched, raw_write(blocks, true, times));
        serial = min(serial, raw_write(blocks, false, 1));
        journaled = min(journaled, journaled_write());
        small = min(small, small_reads());
    }
    remove_file(SMALL);
    printf("bench_disk: the raw disk's %ld KiB scratch area, %ld times over in one batch "
           "each and once a block at a time; best of %d\n", (long)(area / 1024), times, ROUNDS);
    bench_transfer("many requests in flight (raw)", raw_bytes, batched);
    bench_transfer("one request at a time", area, serial);
    printf("bench_disk: a new 16 MiB file, write() of 1 MiB, each on disk when it returns, "
           "best of %d\n", ROUNDS);
    bench_transfer("journaled write", FILE_BYTES, journaled);
    printf("bench_disk: a 4 KiB file read a byte a read(), best of %d\n", ROUNDS);

    bench_rate("disk_raw_mbps", raw_bytes, batched);
    bench_rate("disk_raw_serial_mbps", area, serial);
    bench_rate("fswrite_mbps", FILE_BYTES, journaled);
    bench_time("fsread_byte_ns", small, BLOCK);
    return 0;
}
