/*
 * The block device: the disk the file system lives on, as an array of
 * BDEV_BLOCK_SIZE-byte blocks (= a page = an sfs block).
 *
 * The driver behind it is virtio-blk over virtio-mmio, modern interface
 * (kernel/drivers/virtio_blk.c). Requests are interrupt driven: the caller
 * sleeps until the device's completion interrupt wakes it, and several
 * requests may be in flight at once, from different harts or from one
 * caller's batch.
 *
 * Nothing here caches: the buffer cache (bcache.h) sits on top and is the
 * only caller in the file system.
 */
#ifndef _KERNEL_BDEV_H_
#define _KERNEL_BDEV_H_

#include <kernel/types.h>
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
 * A batch: requests put on the device's queue one after the other without
 * waiting for each, so that several are in flight at once (the device
 * works on them together) and their completions are waited for in order.
 * Usage:
 *
 *     struct bdev_batch b;
 *     bdev_batch_init(&b);
 *     for (...) bdev_batch_add(&b, blockno, kbuf, write);
 *     err = bdev_batch_finish(&b);
 *
 * bdev_batch_add checks its arguments as bdev_rw does (and returns the
 * same errors, queuing nothing), then queues the request; when
 * BDEV_BATCH_MAX of the batch are in flight, or the queue has no room, it
 * first waits for the batch's oldest. bdev_batch_finish waits for every
 * request of the batch and returns ERR_OK, or ERR_NORES if any of them
 * failed. Each kbuf must stay alive and untouched until the request is
 * finished (bdev_batch_finish returns). Requests of one batch may complete
 * in any order: a caller that needs one written before another finishes
 * the batch in between. A batch belongs to one thread, which holds no
 * spinlock (both calls may sleep) and must finish it before it returns.
 */
#define BDEV_BATCH_MAX 21              /* = the queue's 64 descriptors / 3 a request */

struct bdev_batch {
    int heads[BDEV_BATCH_MAX];         /* in flight, oldest first: a ring */
    int oldest, count;
    err_t err;                         /* the first failure; ERR_OK */
};

void bdev_batch_init(struct bdev_batch *batch);
err_t bdev_batch_add(struct bdev_batch *batch, uint64_t blockno, void *kbuf, bool write);
err_t bdev_batch_finish(struct bdev_batch *batch);

#endif /* _KERNEL_BDEV_H_ */
