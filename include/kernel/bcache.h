/*
 * The buffer cache: recently used disk blocks kept in memory, so the file
 * system reads each metadata block once, and one place that serializes the
 * users of a block.
 *
 * A fixed pool of BCACHE_NBUF buffers, each one frame of 4096 bytes (= one
 * block), is allocated by bcache_init at boot and never returned, so the
 * free frame count stays put after boot. Buffers not in use are recycled in
 * least-recently-used order.
 *
 * Usage: b = bread(blockno) (or bread_zeroed); read or change b->data;
 * bwrite(b) if changed (in the file system: journal_log, journal.h);
 * brelse(b). File data goes mostly around the cache, many blocks at once
 * (bread_frames, bwrite_frames: only a small read leaves its blocks
 * cached), keeping cached copies in step. Between bread and brelse the
 * caller holds b's sleeplock, so only one thread at a time uses a block.
 * A thread should hold few buffers at once (the file system holds at
 * most three): when every buffer is held, bread sleeps until one is
 * released.
 *
 * Locking: one spinlock (inside bcache.c) guards the list, blockno and
 * refcount of every buffer; each buffer's sleeplock guards valid and data.
 * In the lock order (synch.h) a buffer's sleeplock comes after inode
 * sleeplocks and before every spinlock; a thread holding a buffer takes
 * another only with bread_nested or bread_zeroed, whose ranks come after.
 *
 * Disk errors: the file system cannot go on with a block it cannot read or
 * write, so bread and bwrite panic, naming the block. Only a broken or
 * missing disk gets there; no user input does (block numbers come from the
 * file system's own metadata, which bmap.c checks against the superblock).
 */
#ifndef _KERNEL_BCACHE_H_
#define _KERNEL_BCACHE_H_

#include <kernel/types.h>
#include <kernel/bdev.h>
#include <kernel/synch.h>
#include <kernel/list.h>

#define BCACHE_NBUF 128                /* 512 KiB of cached blocks; the journal
                                          pins up to half of them (journal.h) */
#define BCACHE_KEEP_MAX 8              /* bread_frames of at most this many
                                          blocks keeps them (below) */

struct buf {
    /* guarded by the bcache lock */
    uint64_t blockno;
    int refcount;                      /* bread holders and pins; 0 = recyclable */
    struct list_node lru;              /* on the LRU list (bcache.c) */
    /* guarded by lock */
    struct sleeplock lock;
    bool valid;                        /* data holds the block as on disk or newer */
    uint8_t *data;                     /* BDEV_BLOCK_SIZE bytes, a direct-map frame */
};

/* Allocates the pool. Once, on the boot hart, after pmem and kmalloc are
 * up; does not sleep. Panics if the pool's frames cannot be had. */
void bcache_init(void);

/* Returns block blockno's buffer, locked, with the block's contents.
 * May sleep (disk read, waiting for the block's lock or a free buffer). */
struct buf *bread(uint64_t blockno);

/* Like bread, for a block taken while the caller holds other buffers,
 * locked at rank (a LOCK_BUF_* after theirs, synch.h): a single-indirect
 * table under its double-indirect one (LOCK_BUF_INDIRECT), a bitmap block
 * under the index block being changed (LOCK_BUF_BITMAP). */
struct buf *bread_nested(uint64_t blockno, enum lock_rank rank);

/* Like bread, for a block whose old contents do not matter (one just
 * allocated): returns it locked and filled with zeros, without reading the
 * disk. May sleep (waiting for the block's lock or a free buffer). Locked
 * at LOCK_BUF_ZEROED, after any other buffer: balloc zeroes a new block
 * while the index block that will name it is held. */
struct buf *bread_zeroed(uint64_t blockno);

/* Writes b->data to disk now (sleeps). Caller holds b (from bread). */
void bwrite(struct buf *b);

/*
 * File data, read and written mostly around the cache: block
 * blocknos[i] into or from frames[i], a frame of the caller's (not a
 * buffer), for i < n, all in flight at once (bdev batches: blocks in a
 * row share a request, so give them in ascending order where you can).
 * Both are for rw.c, whose caller holds the file's page cache lock
 * (every reader and writer of a file's data holds it, so no one reads or
 * writes these blocks meanwhile) and no buffer, and each waits for a
 * cached block's lock (LOCK_BUF).
 *
 * bread_frames reads the blocks and returns when they are in the frames.
 * The caller wants len bytes from byte at of the first block on (at <
 * BDEV_BLOCK_SIZE), the n blocks laid end to end, the last one holding
 * the last byte: a block the cache holds comes from the cache (it may be
 * newer than the disk: a directory's block logged in an open group), and
 * only its wanted bytes are copied, the rest of its frame left as it was;
 * the others come whole from the disk. Entries whose block number is 0
 * (the superblock's, never a file's) are skipped, the caller having
 * filled those frames itself. A small read
 * (n <= BCACHE_KEEP_MAX) also leaves a copy of each block it read from the
 * disk in the cache, in a buffer no one is using (none if all are), so the
 * next small read of it costs a copy, not a disk request (about 70 us
 * under QEMU): a program reading a file a byte or a line at a time, the
 * shell reading a script, exec reading a program a page at a time. A large
 * read streams past the cache instead: copying it in would cost a copy a
 * block and push the file system's own blocks out, for data read once.
 *
 * bwrite_frames puts no block in the cache, but gives a cached copy of
 * each block the frame's contents (so the cache never holds a block older
 * than the disk) and puts the write of every block in place on batch, the
 * caller's: they are on the disk once the batch is finished (journal_end
 * does it, before the commit that points at them: ordered mode,
 * journal.h). The frames stay untouched until then, and so does the page
 * cache lock.
 *
 * Both sleep, and panic on a disk error, as bread and bwrite.
 */
void bread_frames(const uint32_t *blocknos, void *const *frames, size_t n, size_t at,
                  size_t len);
void bwrite_frames(const uint32_t *blocknos, void *const *frames, size_t n,
                   struct bdev_batch *batch);

/* Unlocks b and gives it back; b must not be used afterwards. */
void brelse(struct buf *b);

/* Keep b cached (not recycled) without holding it, until bunpin: the
 * journal pins every block a transaction logs until the checkpoint has
 * written it home (the commit only copies it into a journal slot). Caller
 * holds b's lock for bpin. Never sleep. */
void bpin(struct buf *b);
void bunpin(struct buf *b);

#endif /* _KERNEL_BCACHE_H_ */
