/*
 * The scratch area: blocks past the file system (sfs.h) that only the
 * benchmarks write, to measure the raw disk in the same boot as the
 * journaled file system (test/bench_disk.c). Its writes go straight to the
 * block device in one batch (bdev.h), as the file system's data writes
 * do: consecutive blocks share a request, all in flight together, so the
 * device is never idle waiting for the caller: the disk's raw sequential
 * rate. Contract: fs.h, fs_internal.h.
 */
#include "fs_internal.h"
#include <kernel/bdev.h>
#include <kernel/pmem.h>

/* Writes scratch blocks [first, first+n) raw, in one batch, for the disk
 * benchmarks; returns the area's length. Contract in <kernel/fs.h>. */
long fs_scratch_write(long first, long n)
{
    if (fs_sb.scratch_blocks == 0)
        return ERR_NOTEXIST;
    if (first < 0 || n < 0 || first > (long)fs_sb.scratch_blocks ||
        n > (long)fs_sb.scratch_blocks - first)
        return ERR_INVAL;
    if (n == 0)
        return fs_sb.scratch_blocks;
    paddr_t pa;
    if (pmem_alloc_zero(&pa) != ERR_OK)
        return ERR_NOMEM;
    struct bdev_batch batch;
    bdev_batch_init(&batch);
    err_t err = ERR_OK;
    for (long i = 0; i < n && err == ERR_OK; i++)
        err = bdev_batch_add(&batch, (uint64_t)fs_sb.scratch_start + first + i, kmap_p2v(pa), true);
    err_t done = bdev_batch_finish(&batch);
    pmem_free(pa);
    if (err == ERR_OK)
        err = done;
    return err == ERR_OK ? (long)fs_sb.scratch_blocks : err;
}
