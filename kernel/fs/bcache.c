/*
 * Buffer cache: a fixed pool of block-sized buffers on an LRU list (a
 * list.h list: least recently released first, most recently last), as
 * xv6's bio.c, with a sleep instead of a panic when all are busy.
 * The contract is in include/kernel/bcache.h.
 */
#include <kernel/bcache.h>
#include <kernel/console.h>
#include <kernel/pmem.h>
#include <kernel/string.h>

#define NO_BLOCK ((uint64_t)-1)         /* label of a buffer never used */

static struct {
    struct spinlock lock;              /* LOCK_BCACHE */
    struct buf bufs[BCACHE_NBUF];      /* each buf's fields say their lock (bcache.h) */
    /* guarded by lock */
    struct list lru;                   /* every buffer, least recently released first */
    struct condvar free_cv;            /* waiting for a buffer with refcount 0 */
} bcache;

/* Builds the buffer LRU list, each buffer backed by a frame of its own.
 * Called once at boot, before the file system is read. */
void bcache_init(void)
{
    spinlock_init(&bcache.lock, "bcache", LOCK_BCACHE);
    condvar_init(&bcache.free_cv);
    list_init(&bcache.lru);
    for (int i = 0; i < BCACHE_NBUF; i++) {
        struct buf *b = &bcache.bufs[i];
        paddr_t frame;
        if (pmem_alloc(&frame) != ERR_OK)
            panic("bcache_init: no memory for %d buffers", BCACHE_NBUF);
        b->data = kmap_p2v(frame);
        b->valid = false;
        b->refcount = 0;
        b->blockno = NO_BLOCK;
        sleeplock_init(&b->lock, "buf", LOCK_BUF);
        list_append(&bcache.lru, &b->lru);
    }
}

/* The cached buffer of blockno with a reference taken (not locked), or
 * NULL. Called with the bcache lock held. Looks from the most recently
 * released end, where a block used again soon is found. */
static struct buf *cached(uint64_t blockno)
{
    for (struct list_node *n = bcache.lru.head.prev; n != list_end(&bcache.lru); n = n->prev) {
        struct buf *b = list_entry(n, struct buf, lru);
        if (b->blockno == blockno) {
            b->refcount++;
            return b;
        }
    }
    return NULL;
}

/* The buffer for blockno with a reference taken, not yet locked: the cached
 * one, else the least recently used free one, relabelled. With all of them
 * in use, waits for one if wait, else returns NULL. */
static struct buf *bget(uint64_t blockno, bool wait)
{
    spinlock_acquire(&bcache.lock);
    for (;;) {
        struct buf *b = cached(blockno);
        if (b != NULL) {
            spinlock_release(&bcache.lock);
            return b;
        }
        for (struct list_node *n = list_begin(&bcache.lru); n != list_end(&bcache.lru);
             n = n->next) {
            struct buf *b = list_entry(n, struct buf, lru);
            if (b->refcount == 0) {
                /* No one holds it, so no one holds its sleeplock either. */
                b->blockno = blockno;
                b->valid = false;
                b->refcount = 1;
                spinlock_release(&bcache.lock);
                return b;
            }
        }
        if (!wait) {
            spinlock_release(&bcache.lock);
            return NULL;
        }
        condvar_wait(&bcache.free_cv, &bcache.lock);
    }
}

/* bread_nested at a lone buffer's rank. Contract in <kernel/bcache.h>. */
struct buf *bread(uint64_t blockno)
{
    return bread_nested(blockno, LOCK_BUF);
}

/* Returns blockno's buffer locked at the given lock rank, read from the disk
 * if not cached; a disk error panics (no caller could recover).
 * Contract in <kernel/bcache.h>. */
struct buf *bread_nested(uint64_t blockno, enum lock_rank rank)
{
    struct buf *b = bget(blockno, true);
    sleeplock_acquire_nested(&b->lock, rank);
    if (!b->valid) {
        err_t err = bdev_rw(blockno, b->data, false);
        if (err != ERR_OK)
            panic("bread: cannot read block %lu (error %d)", blockno, err);
        b->valid = true;
    }
    return b;
}

/* Like bread for a block about to be wholly overwritten: zeroes the buffer
 * instead of reading the disk. Contract in <kernel/bcache.h>. */
struct buf *bread_zeroed(uint64_t blockno)
{
    struct buf *b = bget(blockno, true);
    sleeplock_acquire_nested(&b->lock, LOCK_BUF_ZEROED);
    memset(b->data, 0, BDEV_BLOCK_SIZE);
    b->valid = true;
    return b;
}

/* Writes a locked buffer to its home block now; panics on a disk error.
 * Contract in <kernel/bcache.h>. */
void bwrite(struct buf *b)
{
    kassert(sleeplock_holding(&b->lock));
    err_t err = bdev_rw(b->blockno, b->data, true);
    if (err != ERR_OK)
        panic("bwrite: cannot write block %lu (error %d)", b->blockno, err);
}

/* The cached buffer of blockno, locked and valid, or NULL when the cache
 * does not hold the block (or holds it not yet read). */
static struct buf *bpeek(uint64_t blockno)
{
    spinlock_acquire(&bcache.lock);
    struct buf *b = cached(blockno);
    spinlock_release(&bcache.lock);
    if (b == NULL)
        return NULL;
    sleeplock_acquire(&b->lock);
    if (b->valid)
        return b;
    brelse(b);
    return NULL;
}

/* Adds block blockno to batch, to or from frame, or panics: a block
 * number from the file system's metadata is on the disk (bmap.c). */
static void batch_add(struct bdev_batch *batch, uint64_t blockno, void *frame, bool write)
{
    err_t err = bdev_batch_add(batch, blockno, frame, write);
    if (err != ERR_OK)
        panic("bcache: cannot %s block %lu (error %d)", write ? "write" : "read", blockno, err);
}

/* Waits for batch's n blocks read, or panics. */
static void batch_finish(struct bdev_batch *batch, size_t n)
{
    err_t err = bdev_batch_finish(batch);
    if (err != ERR_OK)
        panic("bcache: cannot read %lu block(s) (error %d)", (unsigned long)n, err);
}

/* Puts a copy of frame, blockno's contents as just read from the disk, in
 * the cache, unless the cache holds the block already (its copy is never
 * older than the disk) or every buffer is in use (the copy is only an
 * aid, not worth a wait). The copy is still as new as the disk: since
 * the read the caller has held the file's page cache lock, which a
 * writer of its data holds until its blocks are on the disk
 * (bwrite_frames; test/file_read_cache_race), and its inode lock,
 * without which the block cannot be freed and given to another file. */
static void keep(uint64_t blockno, const void *frame)
{
    struct buf *b = bget(blockno, false);
    if (b == NULL)
        return;
    sleeplock_acquire(&b->lock);
    if (!b->valid) {
        memcpy(b->data, frame, BDEV_BLOCK_SIZE);
        b->valid = true;
    }
    brelse(b);
}

/* Reads file blocks into the caller's frames: from a cached copy (it
 * may be newer than the disk) only the bytes wanted, the rest whole from
 * the disk in one batch, and kept in the cache too when the read is
 * small. Block number 0 means "skip". Contract in <kernel/bcache.h>. */
void bread_frames(const uint32_t *blocknos, void *const *frames, size_t n, size_t at,
                  size_t len)
{
    _Static_assert(BCACHE_KEEP_MAX <= 64, "one bit of from_disk a block");
    uint64_t from_disk = 0;
    size_t queued = 0;                 /* blocks the disk reads */
    struct bdev_batch batch;
    bdev_batch_init(&batch);
    for (size_t i = 0; i < n; i++) {
        if (blocknos[i] == 0)
            continue;                  /* not wanted (block 0 is never file data) */
        struct buf *b = bpeek(blocknos[i]);
        if (b == NULL) {
            batch_add(&batch, blocknos[i], frames[i], false);
            queued++;
            if (i < BCACHE_KEEP_MAX)
                from_disk |= 1ul << i;
            continue;
        }
        /* The wanted bytes of block i, from..to: a read() of a byte
         * copies a byte, not the block (the disk reads whole blocks). */
        size_t from = i == 0 ? at : 0;
        size_t to = at + len - i * BDEV_BLOCK_SIZE;
        if (to > BDEV_BLOCK_SIZE)
            to = BDEV_BLOCK_SIZE;
        memcpy((uint8_t *)frames[i] + from, b->data + from, to - from);
        brelse(b);
    }
    if (queued == 0)
        return;                        /* all from the cache: no disk to wait for */
    batch_finish(&batch, queued);
    if (n > BCACHE_KEEP_MAX)
        return;
    for (size_t i = 0; i < n; i++)
        if (from_disk & (1ul << i))
            keep(blocknos[i], frames[i]);
}

/* Queues whole frames to be written around the cache (ordered mode's file
 * data), first copying each into the cached buffer of its block if there
 * is one, so a later bread never sees the old bytes. */
void bwrite_frames(const uint32_t *blocknos, void *const *frames, size_t n,
                   struct bdev_batch *batch)
{
    for (size_t i = 0; i < n; i++) {
        struct buf *b = bpeek(blocknos[i]);
        if (b != NULL) {
            memcpy(b->data, frames[i], BDEV_BLOCK_SIZE);
            brelse(b);
        }
        batch_add(batch, blocknos[i], frames[i], true);
    }
}

/* Drops a reference to b (a holder's or a pin); a buffer left with none
 * moves to the most recent end of the LRU list, the last to be recycled,
 * and wakes one bget waiting for a free buffer. Whichever reference goes
 * last, the block was just used: a buffer the journal pinned, taken from
 * the least recent end when its block was read, would otherwise be
 * recycled first once the checkpoint unpins it, and the blocks just
 * written home read back from the disk. */
static void put(struct buf *b)
{
    spinlock_acquire(&bcache.lock);
    b->refcount--;
    if (b->refcount == 0) {
        list_remove(&b->lru);
        list_append(&bcache.lru, &b->lru);
        condvar_signal(&bcache.free_cv);
    }
    spinlock_release(&bcache.lock);
}

/* Unlocks b and drops the caller's reference (put). */
void brelse(struct buf *b)
{
    kassert(sleeplock_holding(&b->lock));
    sleeplock_release(&b->lock);
    put(b);
}

/* Holds an extra reference so the buffer is not recycled while the journal
 * still needs it (until checkpoint). Contract in <kernel/bcache.h>. */
void bpin(struct buf *b)
{
    spinlock_acquire(&bcache.lock);
    b->refcount++;
    spinlock_release(&bcache.lock);
}

/* Drops bpin's reference (put). Contract in <kernel/bcache.h>. */
void bunpin(struct buf *b)
{
    put(b);
}
