/*
 * The scratch area: blocks past the file system (sfs.h) that only the
 * benchmarks write, to measure the raw disk in the same boot as the
 * journaled file system (test/bench_disk.c). Its writes go straight to the
 * block device, one request a block as the file system's own writes do
 * today, so the two are measured through the same driver. Contract: fs.h.
 */
#include <kernel/fs.h>
#include <kernel/bdev.h>
#include <kernel/pmem.h>

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
    err_t err = ERR_OK;
    for (long i = 0; i < n && err == ERR_OK; i++)
        err = bdev_rw((uint64_t)fs_sb.scratch_start + first + i, kmap_p2v(pa), true);
    pmem_free(pa);
    return err == ERR_OK ? (long)fs_sb.scratch_blocks : err;
}
