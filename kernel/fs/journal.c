/*
 * The write-ahead journal (xv6's log.c, with group commit and an end that
 * waits for the commit). Transactions collect their changed blocks here,
 * pinned in the buffer cache; the last operation of a group copies them to
 * the journal, commits by writing the header, installs them home and
 * empties the header. Mounting replays a header left committed by a power
 * cut. Contract: include/kernel/journal.h; disk format: sfs.h.
 */
#include <kernel/journal.h>
#include <kernel/bcache.h>
#include <kernel/bdev.h>
#include <kernel/console.h>
#include <kernel/pmem.h>
#include <kernel/synch.h>
#include <kernel/thread.h>

/* Most operations an open group can hold: fs_tx_begin admits one more only
 * while each could still add FS_TX_MAX_BLOCKS blocks. */
#define MAX_OPS (SFS_JOURNAL_MAX_SLOTS / FS_TX_MAX_BLOCKS)
_Static_assert(MAX_OPS <= 8, "journal.touched has a bit per operation");

/* An operation in progress: the thread between its fs_tx_begin and
 * fs_tx_end, and the distinct blocks it has changed so far. */
struct op {
    struct thread *owner;              /* NULL: a free record */
    uint32_t nblocks;
};

static struct {
    struct spinlock lock;
    struct condvar cv;                 /* a group was installed */
    /* set by journal_init, then constant */
    bool ready;
    uint32_t header_block;             /* slot i is block header_block + 1 + i */
    uint32_t nslots;                   /* slots in use */
    uint32_t first_home, nblocks;      /* blocks that may be journaled: [first_home, nblocks) */
    struct sfs_journal_header *header; /* a frame; only the committer uses it */
    /* guarded by lock */
    int outstanding;                   /* operations of the open group not yet ended */
    bool closed;                       /* one of them ended: the group takes no more */
    bool stopped;                      /* journal_shutdown: no transaction ever again */
    uint64_t group;                    /* number of the open group */
    uint64_t installed;                /* every group numbered <= installed is on disk */
    uint32_t count;                    /* blocks logged by the open group */
    struct buf *bufs[SFS_JOURNAL_MAX_SLOTS];   /* those blocks' buffers, pinned */
    /* The operations of the open group not yet ended. A record is taken by
     * fs_tx_begin and freed by fs_tx_end, and not taken again before the
     * group is installed (no operation begins in a closed group), so bit i
     * of touched[j] means "ops[i] of this group changed block bufs[j]". */
    struct op ops[MAX_OPS];
    uint8_t touched[SFS_JOURNAL_MAX_SLOTS];
} journal;

static void disk_rw(uint32_t blockno, void *data, bool write)
{
    err_t err = bdev_rw(blockno, data, write);
    if (err != ERR_OK)
        panic("journal: cannot %s block %u (error %d)", write ? "write" : "read", blockno, err);
}

static uint32_t slot_block(uint32_t i)
{
    return journal.header_block + 1 + i;
}

/* ------------------------------------------------------------- mounting */

/* Copies the committed transaction described by journal.header home, then
 * empties the header. Through the buffer cache, so no stale copy of a
 * replayed block can stay cached. */
static void replay(uint32_t region_slots)
{
    struct sfs_journal_header *h = journal.header;
    if (h->count > region_slots || h->count > SFS_JOURNAL_MAX_SLOTS)
        panic("journal: the header names %u blocks, the journal holds %u "
              "(corrupt file system? try mkfs --check on the image)", h->count, region_slots);
    for (uint32_t i = 0; i < h->count; i++)
        if (h->blocks[i] < journal.first_home || h->blocks[i] >= journal.nblocks)
            panic("journal: the header names block %u, outside the inode table, bitmap and "
                  "data (corrupt file system? try mkfs --check on the image)", h->blocks[i]);
    for (uint32_t i = 0; i < h->count; i++) {
        struct buf *b = bread(h->blocks[i]);
        disk_rw(slot_block(i), b->data, false);
        bwrite(b);
        brelse(b);
    }
    kprintf("[fs] journal: replayed transaction %lu (%u blocks)\n", h->sequence, h->count);
    h->count = 0;
    disk_rw(journal.header_block, h, true);
}

void journal_init(const struct sfs_superblock *sb)
{
    spinlock_init(&journal.lock, "journal", LOCK_JOURNAL);
    condvar_init(&journal.cv);
    if (sb->journal_blocks < FS_TX_MAX_BLOCKS + 1)
        panic("journal: %u blocks is too small; a transaction needs %d slots and a header",
              sb->journal_blocks, FS_TX_MAX_BLOCKS);
    uint32_t region_slots = sb->journal_blocks - 1;
    journal.header_block = sb->journal_start;
    /* Use no more slots than the header can name, and pin at most half the
     * buffer cache, so the operations still find buffers to work in. */
    journal.nslots = region_slots;
    if (journal.nslots > SFS_JOURNAL_MAX_SLOTS)
        journal.nslots = SFS_JOURNAL_MAX_SLOTS;
    if (journal.nslots > BCACHE_NBUF / 2)
        journal.nslots = BCACHE_NBUF / 2;
    if (journal.nslots < FS_TX_MAX_BLOCKS)
        panic("journal: the buffer cache (%d buffers) is too small for the journal", BCACHE_NBUF);
    journal.first_home = sb->inode_start;
    journal.nblocks = sb->nblocks;

    paddr_t frame;
    if (pmem_alloc(&frame) != ERR_OK)
        panic("journal: no memory for the header");
    journal.header = kmap_p2v(frame);
    disk_rw(journal.header_block, journal.header, false);
    if (journal.header->magic != SFS_JOURNAL_MAGIC)
        panic("journal: block %u holds no journal header (magic %#x, expected %#x); "
              "was the image made by this mkfs?", journal.header_block,
              journal.header->magic, SFS_JOURNAL_MAGIC);
    if (journal.header->count != 0)
        replay(region_slots);

    journal.group = 1;
    journal.installed = 0;
    journal.ready = true;
}

/* ------------------------------------------------------------ committing */

/*
 * Writes the group to disk: the steps 1-4 of journal.h. Called by the
 * group's last operation with no lock held. Nothing else touches
 * journal.bufs, journal.count or any logged buffer's data meanwhile: the
 * group is closed and all its operations have ended. bread finds each
 * block in the cache (it is pinned) and only takes its lock.
 */
static void commit(void)
{
    struct sfs_journal_header *h = journal.header;
    uint32_t n = journal.count;
    if (n == 0)
        return;
    for (uint32_t i = 0; i < n; i++) {
        struct buf *b = bread(journal.bufs[i]->blockno);
        disk_rw(slot_block(i), b->data, true);
        h->blocks[i] = (uint32_t)b->blockno;
        brelse(b);
    }
    h->count = n;
    h->sequence++;
    disk_rw(journal.header_block, h, true);         /* the commit point */
    for (uint32_t i = 0; i < n; i++) {
        struct buf *b = bread(journal.bufs[i]->blockno);
        bwrite(b);                                  /* home */
        brelse(b);
    }
    h->count = 0;
    disk_rw(journal.header_block, h, true);         /* nothing to replay */
    for (uint32_t i = 0; i < n; i++)
        bunpin(journal.bufs[i]);
}

/* ---------------------------------------------------------- transactions */

/* The calling thread's operation, or NULL. Called with the lock held. */
static struct op *my_op(void)
{
    struct thread *t = thread_current();
    for (int i = 0; i < MAX_OPS; i++)
        if (journal.ops[i].owner == t)
            return &journal.ops[i];
    return NULL;
}

void fs_tx_begin(void)
{
    /* A transaction is a lock in the order (synch.h): it may wait here
     * for the other operations of a group to end. */
    lock_order_acquire(&journal, "transaction", LOCK_TX, true);
    spinlock_acquire(&journal.lock);
    if (my_op())
        panic("fs_tx_begin: transactions do not nest (it would wait for itself)");
    /* In an open group no operation has ended yet, so each outstanding one
     * may still add up to FS_TX_MAX_BLOCKS blocks, and the logged blocks
     * are at most what they added so far. */
    while (journal.closed || journal.stopped ||
           (uint32_t)(journal.outstanding + 1) * FS_TX_MAX_BLOCKS > journal.nslots)
        condvar_wait(&journal.cv, &journal.lock);
    journal.outstanding++;
    struct op *op = journal.ops;
    while (op->owner)            /* outstanding <= MAX_OPS: one is free */
        op++;
    op->owner = thread_current();
    op->nblocks = 0;
    spinlock_release(&journal.lock);
}

void fs_tx_write(struct buf *b)
{
    if (b->blockno < journal.first_home || b->blockno >= journal.nblocks)
        panic("fs_tx_write: block %lu may not be journaled", b->blockno);
    spinlock_acquire(&journal.lock);
    struct op *op = my_op();
    if (!op)
        panic("fs_tx_write: block %lu written outside a transaction", b->blockno);
    uint32_t i = 0;
    while (i < journal.count && journal.bufs[i] != b)
        i++;
    bool added = i == journal.count;
    if (added) {
        if (journal.count == journal.nslots)
            panic("fs_tx_write: the journal is full (%u blocks); this operation changed %u, "
                  "at most FS_TX_MAX_BLOCKS (%d) are reserved for each",
                  journal.nslots, op->nblocks, FS_TX_MAX_BLOCKS);
        journal.bufs[journal.count] = b;
        journal.touched[journal.count++] = 0;
    }
    uint8_t bit = (uint8_t)(1U << (op - journal.ops));
    if (!(journal.touched[i] & bit)) {
        journal.touched[i] |= bit;
        op->nblocks++;
    }
#ifdef DEBUG
    /* Without DEBUG an operation past its limit goes on while the journal
     * has room (it eats into the others' reservations; a full journal
     * panics above). */
    if (op->nblocks > FS_TX_MAX_BLOCKS)
        panic("fs_tx_write: with block %lu this operation has changed %u blocks, more "
              "than FS_TX_MAX_BLOCKS (%d): it must split itself", b->blockno, op->nblocks,
              FS_TX_MAX_BLOCKS);
#endif
    spinlock_release(&journal.lock);
    /* Only the commit unpins, and it waits for this operation to end. */
    if (added)
        bpin(b);
}

void fs_tx_end(void)
{
    spinlock_acquire(&journal.lock);
    struct op *op = my_op();
    if (!op)
        panic("fs_tx_end: no transaction to end");
    op->owner = NULL;
    uint64_t group = journal.group;
    journal.outstanding--;
    journal.closed = true;
    if (journal.outstanding > 0) {
        /* The last one to end commits for us all. */
        while (journal.installed < group)
            condvar_wait(&journal.cv, &journal.lock);
        spinlock_release(&journal.lock);
        lock_order_release(&journal, "transaction", true);
        return;
    }
    spinlock_release(&journal.lock);

    commit();

    spinlock_acquire(&journal.lock);
    journal.count = 0;
    journal.installed = group;
    journal.group = group + 1;
    journal.closed = false;
    condvar_broadcast(&journal.cv);
    spinlock_release(&journal.lock);
    lock_order_release(&journal, "transaction", true);
}

void journal_shutdown(void)
{
    if (!journal.ready)
        return;
    spinlock_acquire(&journal.lock);
    journal.stopped = true;
    while (journal.outstanding > 0 || journal.closed)
        condvar_wait(&journal.cv, &journal.lock);
    spinlock_release(&journal.lock);
}
