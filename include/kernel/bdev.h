/*
 * The block device: the disk the file system lives on, as an array of
 * BDEV_BLOCK_SIZE-byte blocks (= a page = an sfs block).
 *
 * The driver behind it is virtio-blk over virtio-mmio, modern interface
 * (kernel/drivers/virtio_blk.c). Requests are interrupt driven: the caller
 * sleeps until the device's completion interrupt wakes it. Many requests
 * may be in flight at once, from different harts and from one caller's
 * batch, and one request may carry a run of consecutive blocks.
 *
 * Two calls, one idea: bdev_rw reads or writes one block and returns when
 * it is done; a batch (bdev_batch_*) reads or writes many, all in flight
 * together, and bdev_rw is a batch of one.
 *
 * Ordering: a block is on the disk once the call that wrote it has
 * returned (bdev_rw, or bdev_batch_finish for a batch). The blocks of one
 * batch, and of calls in flight together, reach the disk in any order
 * among themselves: a caller that needs one written before another (the
 * journal: its slots before its header) finishes a batch in between.
 *
 * Nothing here caches: the buffer cache (bcache.h) sits on top. Three
 * callers in the file system: the buffer cache, the journal (its header
 * and slots, and logged blocks written home from their pinned buffers,
 * journal.c), and the benchmarks' scratch area (fs_scratch_write).
 */
#ifndef _KERNEL_BDEV_H_
#define _KERNEL_BDEV_H_

#include <kernel/types.h>
#include <kernel/synch.h>
#include <lib/errcode.h>

#define BDEV_BLOCK_SIZE 4096

/*
 * Finds the first virtio-blk device among the virtio-mmio slots of the
 * device tree (platform.h), negotiates features, sets up its queue and
 * registers its interrupt with the PLIC.
 * Called once on the boot hart, after kmalloc_init and before
 * the scheduler starts; does not sleep. A missing disk is not an error here
 * (it prints a line and bdev_present() is false): fs_init panics later with
 * a clear message, and a kernel without a file system can still boot.
 */
void bdev_init(void);

/* True when bdev_init found a usable disk. */
bool bdev_present(void);

/* Size of the disk in blocks (0 without a disk). */
uint64_t bdev_nblocks(void);

/* Blocks read from the disk since boot, by anyone: how a test tells a
 * block the buffer cache held from one the kernel had to read
 * (disk_reads in lib/bench.h). Takes the driver's lock. */
uint64_t bdev_blocks_read(void);

/*
 * Reads (write false) or writes (write true) block blockno through the
 * kernel buffer kbuf: BDEV_BLOCK_SIZE bytes at a kernel direct-map address
 * (a frame, a bcache buffer, any kernel object of that size; the direct map
 * is physically contiguous, so the device gets kmap_v2p(kbuf)).
 * Sleeps until the device completes; callers hold no spinlock. The caller
 * keeps kbuf alive and untouched until the call returns.
 * Returns ERR_OK; ERR_NOTEXIST without a disk; ERR_INVAL for a block past
 * the end of the disk; ERR_PERM for a write to a read-only disk; ERR_NORES
 * if the device reports an I/O error.
 */
err_t bdev_rw(uint64_t blockno, void *kbuf, bool write);

/*
 * A batch: blocks read or written together, many requests in flight at
 * once so the device is never idle waiting for the caller. Usage:
 *
 *     struct bdev_batch b;
 *     bdev_batch_init(&b);
 *     for (...) bdev_batch_add(&b, blockno, kbuf, write);
 *     err = bdev_batch_finish(&b);
 *
 * bdev_batch_add checks its arguments as bdev_rw does (and returns the
 * same errors, adding nothing), then adds the block. A block that follows
 * the previous one added (the next block number, the same direction)
 * joins its request, up to BDEV_RUN_MAX blocks a request: a caller that
 * adds blocks in ascending order gets the fewest requests. A request goes
 * to the device as soon as its run is full, or over (the next block added
 * does not continue it, or bdev_batch_finish); when the queue has no
 * room, bdev_batch_add first sleeps until requests in flight complete.
 * bdev_batch_finish sends the last run, waits for every request of the
 * batch and returns ERR_OK, or ERR_NORES if any of them failed (it prints
 * which). Each kbuf (as bdev_rw's) must stay alive and untouched until
 * bdev_batch_finish returns. A batch lives on its thread's stack and
 * belongs to that thread, which holds no spinlock (both calls may sleep)
 * and must finish it before it returns.
 */
#define BDEV_RUN_MAX 64                /* blocks one request carries at most */

struct bdev_batch {
    /* guarded by the driver's lock (the completion interrupt changes them) */
    int pending;                       /* requests sent, not yet completed */
    err_t err;                         /* ERR_OK, or ERR_NORES once one failed */
    uint64_t failed_block;             /* the first block of the first that failed */
    struct condvar done_cv;            /* the owner waits here for pending == 0 */
    /* the owner's: the run not yet sent */
    int run_len;                       /* 0: none */
    bool run_write;
    uint64_t run_start;                /* its first block */
    void *run_bufs[BDEV_RUN_MAX];
};

/* The three steps of a batch, as above: an empty batch; a block added
 * (its run sent when full or over); the last run sent and every request
 * waited for. */
void bdev_batch_init(struct bdev_batch *batch);
err_t bdev_batch_add(struct bdev_batch *batch, uint64_t blockno, void *kbuf, bool write);
err_t bdev_batch_finish(struct bdev_batch *batch);

#endif /* _KERNEL_BDEV_H_ */
