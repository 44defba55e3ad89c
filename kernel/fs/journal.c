/*
 * The write-ahead journal (xv6's log.c, with group commit, an end that
 * waits for the commit, and ordered mode: only metadata comes here).
 * Transactions collect their changed blocks here, pinned in the buffer
 * cache; the last operation of a group appends them to the journal, all
 * in flight at once, and commits by writing the header. Now and then a
 * checkpoint writes every logged block home (in block order, so
 * neighbours share a request) and empties the header. Mounting replays
 * the slots a header left by a power cut names. Contract:
 * include/kernel/journal.h; disk format: sfs.h.
 */
#include <kernel/journal.h>
#include <kernel/bcache.h>
#include <kernel/bdev.h>
#include <kernel/console.h>
#include <kernel/pmem.h>
#include <kernel/sbi.h>
#include <kernel/synch.h>
#include <kernel/thread.h>
#include <lib/bench.h>

/* Most operations an open group can hold: journal_begin admits one more only
 * while each could still add JOURNAL_OP_MAX_BLOCKS blocks. */
#define MAX_OPS (SFS_JOURNAL_MAX_SLOTS / JOURNAL_OP_MAX_BLOCKS)
_Static_assert(MAX_OPS <= 8, "journal.touched has a bit per operation");

/* An operation in progress: the thread between its journal_begin and
 * journal_end, and the distinct blocks it has changed so far. */
struct op {
    struct thread *owner;              /* NULL: a free record */
    uint32_t nblocks;
};

static struct {
    struct spinlock lock;
    struct condvar cv;                 /* a group was committed; or, for the test
                                        * hook, an operation began or stopped holding
                                        * (hold_for_cut) */
    /* set by journal_init, then constant */
    bool ready;
    uint32_t header_block;             /* slot i is block header_block + 1 + i */
    uint32_t nslots;                   /* slots it may use (the region's, capped) */
    uint32_t first_home, nblocks;      /* blocks that may be journaled: [first_home, nblocks) */
    struct sfs_journal_header *header; /* a frame; only the committer uses it */
    /* guarded by lock */
    int outstanding;                   /* operations of the open group not yet ended */
    bool closed;                       /* one of them ended: the group takes no more */
    bool stopped;                      /* journal_shutdown: no transaction ever again */
    uint64_t group;                    /* number of the open group */
    uint64_t committed;                /* every group numbered <= committed is on disk */
    uint32_t count;                    /* blocks logged by the open group */
    struct buf *bufs[SFS_JOURNAL_MAX_SLOTS];   /* those blocks' buffers, pinned */
    bool freed;                        /* the open group freed a block the journal names */
    bool holding;                      /* an operation armed by journal_cut_at waits at its end */
    /* The journal on disk: the header names slots [0, used), the groups
     * committed since the journal was last emptied, oldest first; the
     * distinct blocks they logged are logged[0, nlogged), each pinned
     * once, to be written home when the journal is emptied (checkpoint).
     * Changed only by the committer (and journal_shutdown), with no
     * operation open; used is read under lock by journal_begin, logged
     * and nlogged by journal_log_free (an operation is open then). The
     * buffers here and in bufs are pinned, so their blockno is fixed. */
    uint32_t used;
    uint32_t nlogged;
    struct buf *logged[SFS_JOURNAL_MAX_SLOTS];
    /* The operations of the open group not yet ended, guarded by lock. A
     * record is taken by journal_begin and freed by journal_end, and not
     * taken again before the group has committed (no operation begins in a
     * closed group), so bit i of touched[j] means "ops[i] of this group
     * changed block bufs[j]". */
    struct op ops[MAX_OPS];
    uint8_t touched[SFS_JOURNAL_MAX_SLOTS];
} journal;

/* Reads or writes one block of the journal (its header, or a slot while
 * replaying); the journal cannot go on without it. */
static void disk_rw(uint32_t blockno, void *data, bool write)
{
    err_t err = bdev_rw(blockno, data, write);
    if (err != ERR_OK)
        panic("journal: cannot %s block %u (error %d)", write ? "write" : "read", blockno, err);
}

/* The disk block of journal slot i. */
static uint32_t slot_block(uint32_t i)
{
    return journal.header_block + 1 + i;
}

/* ------------------------------------------------------------- mounting */

/* Copies the committed slots journal.header names home, every group's
 * since the last checkpoint, in slot order (a block logged by several
 * groups ends with its last copy), then empties the header. Through the
 * buffer cache, so no stale copy of a replayed block can stay cached. */
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
    kprintf("[fs] journal: replayed %u logged block copies, commits up to %lu\n", h->count,
            h->sequence);
    h->count = 0;
    disk_rw(journal.header_block, h, true);
}

/* Sizes the journal from the superblock and recovers the committed groups
 * a crash left in it. Contract in <kernel/journal.h>. */
void journal_init(const struct sfs_superblock *sb)
{
    spinlock_init(&journal.lock, "journal", LOCK_JOURNAL);
    condvar_init(&journal.cv);
    if (sb->journal_blocks < JOURNAL_OP_MAX_BLOCKS + 1)
        panic("journal: %u blocks is too small; a transaction needs %d slots and a header",
              sb->journal_blocks, JOURNAL_OP_MAX_BLOCKS);
    uint32_t region_slots = sb->journal_blocks - 1;
    journal.header_block = sb->journal_start;
    /* Use no more slots than the header can name, and pin at most half the
     * buffer cache, so the operations still find buffers to work in. */
    journal.nslots = region_slots;
    if (journal.nslots > SFS_JOURNAL_MAX_SLOTS)
        journal.nslots = SFS_JOURNAL_MAX_SLOTS;
    if (journal.nslots > BCACHE_NBUF / 2)
        journal.nslots = BCACHE_NBUF / 2;
    if (journal.nslots < JOURNAL_OP_MAX_BLOCKS)
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
    journal.committed = 0;
    journal.ready = true;
}

/* ------------------------------------------------------------ committing */

/* Sorts the group's n buffers by block number (insertion sort: a group
 * has few, mostly in order already), so the home writes go in ascending
 * order and neighbours share a request. */
static void sort_by_block(struct buf **bufs, uint32_t n)
{
    for (uint32_t i = 1; i < n; i++) {
        struct buf *x = bufs[i];
        uint32_t j = i;
        for (; j > 0 && bufs[j - 1]->blockno > x->blockno; j--)
            bufs[j] = bufs[j - 1];
        bufs[j] = x;
    }
}

/* Finishes batch, or panics: the journal cannot go on without its blocks
 * (n of them, to the journal or home, for the message). */
static void finish_or_panic(struct bdev_batch *batch, uint32_t n, const char *where)
{
    err_t err = bdev_batch_finish(batch);
    if (err != ERR_OK)
        panic("journal: cannot write %u block(s) %s (error %d)", n, where, err);
}

/* Puts the n buffers' data on batch, for their home blocks (home) or the
 * journal's next free slots (from slot journal.used on). */
static void add_all(struct bdev_batch *batch, struct buf **bufs, uint32_t n, bool home)
{
    for (uint32_t i = 0; i < n; i++) {
        uint64_t blockno = home ? bufs[i]->blockno : slot_block(journal.used + i);
        err_t err = bdev_batch_add(batch, blockno, bufs[i]->data, true);
        if (err != ERR_OK)
            panic("journal: cannot write block %lu (error %d)", blockno, err);
    }
}

/*
 * Empties the journal (a checkpoint): writes every block logged since it
 * was last emptied home, in block order, all in flight at once (their
 * buffers hold the last committed contents: no operation is open), then
 * the header with no slots, and unpins them. Called by the committer, or
 * by journal_shutdown, with no lock held and no operation open.
 */
static void checkpoint(void)
{
    uint32_t n = journal.nlogged;
    if (n == 0)
        return;
    sort_by_block(journal.logged, n);
    struct bdev_batch batch;
    bdev_batch_init(&batch);
    add_all(&batch, journal.logged, n, true);
    finish_or_panic(&batch, n, "home");
    journal.header->count = 0;
    disk_rw(journal.header_block, journal.header, true);    /* nothing to replay */
    for (uint32_t i = 0; i < n; i++)
        bunpin(journal.logged[i]);
    journal.nlogged = 0;
    journal.used = 0;
}

/* Adds the group's buffers to the blocks logged since the last
 * checkpoint, dropping the second pin of one that is there already. */
static void remember_logged(void)
{
    for (uint32_t i = 0; i < journal.count; i++) {
        struct buf *b = journal.bufs[i];
        uint32_t j = 0;
        while (j < journal.nlogged && journal.logged[j] != b)
            j++;
        if (j < journal.nlogged)
            bunpin(b);
        else
            journal.logged[journal.nlogged++] = b;
    }
}

/* The test hook's power cut (journal_cut_at): says where, then powers the
 * machine off at once, writing nothing more (no checkpoint, nothing of
 * fs_shutdown): what the disk holds now is what a cut here leaves. */
static void __attribute__((noreturn)) power_cut(const char *where, uint64_t sequence)
{
    kprintf_line("[fs] journal: power cut %s the header of commit %lu (journal_cut)\n", where,
                 sequence);
    sbi_shutdown(false);
}

/*
 * Commits the group: its blocks to the next free slots, all at once and
 * together with the committing operation's data batch (NULL: none), then
 * the header naming every slot in use: the commit point (the steps 1-2 of
 * journal.h). The blocks stay pinned and go home at the next checkpoint
 * (steps 3-4), done here when the journal could not take another
 * operation's worth, or the group freed a block the journal names (it
 * must not be replayed over whatever it holds once reused: balloc.c), or
 * the journal is stopping. cut (JOURNAL_CUT_BEFORE or _AFTER, a test
 * hook; else 0) powers the machine off just before or after the header.
 * Called by the group's last operation with no lock held. Nothing else
 * touches journal.bufs, journal.count or any logged buffer's data
 * meanwhile: the group is closed and all its operations have ended, so
 * the buffers' data is read without their locks (journal.h).
 */
static void commit(struct bdev_batch *data, bool stopping, int cut)
{
    struct sfs_journal_header *h = journal.header;
    uint32_t n = journal.count;
    struct bdev_batch own;
    if (data == NULL) {
        bdev_batch_init(&own);
        data = &own;
    }
    sort_by_block(journal.bufs, n);
    add_all(data, journal.bufs, n, false);
    finish_or_panic(data, n, "to the journal");     /* data and slots, before the header */
    if (n > 0) {
        for (uint32_t i = 0; i < n; i++)
            h->blocks[journal.used + i] = (uint32_t)journal.bufs[i]->blockno;
        h->count = journal.used + n;
        h->sequence++;
        if (cut == JOURNAL_CUT_BEFORE)
            power_cut("before", h->sequence);
        disk_rw(journal.header_block, h, true);     /* the commit point */
        if (cut == JOURNAL_CUT_AFTER)
            power_cut("after", h->sequence);
        journal.used += n;
        remember_logged();
    }
    if (journal.freed || stopping || journal.nslots - journal.used < JOURNAL_OP_MAX_BLOCKS)
        checkpoint();
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

/* Opens an operation in the current group, waiting while the group might
 * overflow the journal or is committing. Contract in <kernel/journal.h>. */
void journal_begin(void)
{
    /* A transaction is a lock in the order (synch.h): it may wait here
     * for the other operations of a group to end. */
    lock_order_acquire(&journal, "transaction", LOCK_TX, true);
    spinlock_acquire(&journal.lock);
    if (my_op())
        panic("journal_begin: transactions do not nest (it would wait for itself)");
    /* In an open group no operation has ended yet, so each outstanding one
     * may still add up to JOURNAL_OP_MAX_BLOCKS blocks, and the logged blocks
     * are at most what they added so far. */
    while (journal.closed || journal.stopped ||
           (uint32_t)(journal.outstanding + 1) * JOURNAL_OP_MAX_BLOCKS >
               journal.nslots - journal.used)
        condvar_wait(&journal.cv, &journal.lock);
    journal.outstanding++;
    struct op *op = journal.ops;
    while (op->owner)            /* outstanding <= MAX_OPS: one is free */
        op++;
    op->owner = thread_current();
    op->nblocks = 0;
    spinlock_release(&journal.lock);
}

/* Adds b to the open group (once) and counts it against the caller's
 * operation; the buffer stays pinned until a checkpoint writes it home.
 * Contract in <kernel/journal.h>. */
void journal_log(struct buf *b)
{
    if (b->blockno < journal.first_home || b->blockno >= journal.nblocks)
        panic("journal_log: block %lu may not be journaled", b->blockno);
    spinlock_acquire(&journal.lock);
    struct op *op = my_op();
    if (!op)
        panic("journal_log: block %lu written outside a transaction", b->blockno);
    uint32_t i = 0;
    while (i < journal.count && journal.bufs[i] != b)
        i++;
    bool added = i == journal.count;
    if (added) {
        if (journal.count == journal.nslots - journal.used)
            panic("journal_log: the journal is full (%u blocks); this operation changed %u, "
                  "at most JOURNAL_OP_MAX_BLOCKS (%d) are reserved for each",
                  journal.nslots - journal.used, op->nblocks, JOURNAL_OP_MAX_BLOCKS);
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
    if (op->nblocks > JOURNAL_OP_MAX_BLOCKS)
        panic("journal_log: with block %lu this operation has changed %u blocks, more "
              "than JOURNAL_OP_MAX_BLOCKS (%d): it must split itself", b->blockno, op->nblocks,
              JOURNAL_OP_MAX_BLOCKS);
#endif
    spinlock_release(&journal.lock);
    /* Only the commit unpins, and it waits for this operation to end. */
    if (added)
        bpin(b);
}

/* True if the journal names blockno: the open group logged it, or a group
 * committed since the last checkpoint did. Caller holds journal.lock and
 * has an operation open, so no commit changes journal.logged meanwhile. */
static bool journal_names(uint32_t blockno)
{
    for (uint32_t i = 0; i < journal.count; i++)
        if (journal.bufs[i]->blockno == blockno)
            return true;
    for (uint32_t i = 0; i < journal.nlogged; i++)
        if (journal.logged[i]->blockno == blockno)
            return true;
    return false;
}

/* Notes that the group freed blockno: if the journal names it, the commit
 * also checkpoints (it must not be replayed over its reuse). */
void journal_log_free(uint32_t blockno)
{
    spinlock_acquire(&journal.lock);
    if (!my_op())
        panic("journal_log_free: no transaction open");
    if (journal_names(blockno))
        journal.freed = true;
    spinlock_release(&journal.lock);
}

/* The number of the open group, for balloc's "freed in this group" test. */
uint64_t journal_group(void)
{
    spinlock_acquire(&journal.lock);
    if (!my_op())
        panic("journal_group: no transaction open");
    uint64_t group = journal.group;
    spinlock_release(&journal.lock);
    return group;
}

/* The test hook's wait (journal_cut_at): if the calling thread is armed,
 * disarms it and keeps its operation open, so the group cannot commit,
 * until another operation of the group has ended (the group is closed:
 * no more can join) and none but it is open, so it ends last and
 * commits. Returns the cut it was armed with (0: none, also when the
 * process is killed while it holds: the operation then ends as any
 * other, with no cut). Called by journal_end with the lock held. */
static int hold_for_cut(void)
{
    struct thread *t = thread_current();
    int cut = t->journal_cut;
    if (cut == JOURNAL_CUT_NONE)
        return cut;
    t->journal_cut = JOURNAL_CUT_NONE;
    journal.holding = true;
    condvar_broadcast(&journal.cv);    /* for journal_cut_at(JOURNAL_CUT_WAIT) */
    err_t err = ERR_OK;
    while ((!journal.closed || journal.outstanding > 1) && err == ERR_OK)
        err = condvar_wait_killable(&journal.cv, &journal.lock);
    journal.holding = false;
    return err == ERR_OK ? cut : JOURNAL_CUT_NONE;
}

/* Ends the caller's operation; the last one to end commits the group.
 * data (ordered mode) reaches the disk before the commit header.
 * Contract in <kernel/journal.h>. */
void journal_end(struct bdev_batch *data)
{
    spinlock_acquire(&journal.lock);
    if (!my_op())
        panic("journal_end: no transaction to end");
    int cut = hold_for_cut();
    if (data != NULL && journal.outstanding > 1) {
        /* Another operation may end last and commit: our data must be
         * on the disk before it writes the header, so finish it now,
         * with our operation still counted (no commit can start). */
        spinlock_release(&journal.lock);
        finish_or_panic(data, 0, "of file data");
        data = NULL;
        spinlock_acquire(&journal.lock);
    }
    struct op *op = my_op();
    op->owner = NULL;
    uint64_t group = journal.group;
    journal.outstanding--;
    journal.closed = true;
    if (journal.outstanding > 0) {
        if (journal.holding)
            condvar_broadcast(&journal.cv);    /* hold_for_cut may go on */
        /* The last one to end commits for us all. */
        while (journal.committed < group)
            condvar_wait(&journal.cv, &journal.lock);
        spinlock_release(&journal.lock);
        lock_order_release(&journal, "transaction", true);
        return;
    }
    bool stopping = journal.stopped;
    spinlock_release(&journal.lock);

    commit(data, stopping, cut);

    spinlock_acquire(&journal.lock);
    journal.count = 0;
    journal.freed = false;
    journal.committed = group;
    journal.group = group + 1;
    journal.closed = false;
    condvar_broadcast(&journal.cv);
    spinlock_release(&journal.lock);
    lock_order_release(&journal, "transaction", true);
}

/* For halt: waits for every operation to end, stops new ones for good
 * and checkpoints, so the disk needs no recovery. */
void journal_shutdown(void)
{
    if (!journal.ready)
        return;
    spinlock_acquire(&journal.lock);
    journal.stopped = true;
    while (journal.outstanding > 0 || journal.closed)
        condvar_wait(&journal.cv, &journal.lock);
    journal.closed = true;             /* for good: no group opens again */
    spinlock_release(&journal.lock);
    checkpoint();                      /* the last committed groups, home */
}

/* The journal_cut system call, a test hook: arms the calling thread (its
 * next operation's journal_end holds, then commits with a power cut),
 * disarms it, or waits for an armed operation to hold. Contract in
 * <kernel/journal.h>. */
err_t journal_cut_at(int how)
{
    switch (how) {
    case JOURNAL_CUT_NONE:
    case JOURNAL_CUT_BEFORE:
    case JOURNAL_CUT_AFTER:
        thread_current()->journal_cut = how;
        return ERR_OK;
    case JOURNAL_CUT_WAIT: {
        err_t err = ERR_OK;
        spinlock_acquire(&journal.lock);
        while (!journal.holding && err == ERR_OK)
            err = condvar_wait_killable(&journal.cv, &journal.lock);
        spinlock_release(&journal.lock);
        return err;
    }
    default:
        return ERR_INVAL;
    }
}
