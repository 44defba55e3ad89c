/*
 * The free-block bitmap: one bit per disk block, 1 = in use. Allocation
 * searches for a clear bit among the data blocks, next fit (each bitmap
 * block is searched from where its last allocation left off), so a file
 * written in a row gets blocks in a row: one disk request carries many of
 * them (bdev.h). The bitmap block's buffer lock makes each test-and-set
 * atomic, and guards what is kept beside the bitmap block, so no other
 * lock is needed. Both calls may be made holding the index block being
 * changed, so a bitmap block ranks after it (LOCK_BUF_BITMAP, synch.h).
 *
 * A block freed in a group is not handed out again before that group has
 * committed. File data goes to its block in place before the commit that
 * points the file at it (ordered mode, journal.h), so a block freed and
 * reallocated in one group could take the new file's data while, after a
 * power cut before the commit, it still belongs to the old file (or is
 * an index or directory block the journal replays). So each bitmap block
 * has a frame of "freed in group freed_group" bits beside it, which
 * balloc treats as in use; bits of an older group mean nothing (that
 * group has committed: groups commit one at a time, in order), and the
 * frame is cleared when the first block of a new group is freed there.
 * Contract: fs_internal.h.
 */
#include "fs_internal.h"
#include <kernel/bcache.h>
#include <kernel/console.h>
#include <kernel/kmalloc.h>
#include <kernel/pmem.h>
#include <kernel/string.h>

/* What balloc keeps beside each bitmap block, guarded by its buffer lock. */
struct beside {
    uint32_t next;                     /* where the next search starts (next fit) */
    uint64_t freed_group;              /* 0: none yet (groups count from 1) */
    uint8_t *freed;                    /* a frame: a bit per block of the bitmap block */
};

static struct beside *beside;          /* one per bitmap block */

/* Sets up what balloc keeps beside each bitmap block: its next-fit start
 * and the frame of blocks freed in the open group (not reusable before that
 * group commits). Contract in fs_internal.h. */
void balloc_init(void)
{
    beside = kmalloc(fs_sb.bitmap_blocks * sizeof(*beside));
    if (beside == NULL)
        panic("balloc_init: no memory for %u bitmap blocks", fs_sb.bitmap_blocks);
    for (uint32_t i = 0; i < fs_sb.bitmap_blocks; i++) {
        paddr_t frame;
        if (pmem_alloc(&frame) != ERR_OK)
            panic("balloc_init: no memory for %u bitmap blocks", fs_sb.bitmap_blocks);
        beside[i].next = 0;
        beside[i].freed_group = 0;
        beside[i].freed = kmap_p2v(frame);
    }
}

/*
 * A free block among blocks [from, to) of bitmap block b (base: the block
 * its first bit stands for), marked in use; 0 if there is none. A block
 * freed in this group counts as in use (held: its bits, or NULL).
 */
static uint32_t take_free(struct buf *b, const uint8_t *held, uint32_t base, uint32_t from,
                          uint32_t to)
{
    for (uint32_t blk = from; blk < to; blk++) {
        uint32_t bit = blk - base;
        uint8_t mask = (uint8_t)(1 << (bit % 8));
        uint8_t taken = b->data[bit / 8] | (held ? held[bit / 8] : 0);
        if (taken == 0xff) {
            blk += 7 - bit % 8;        /* the whole byte is taken */
            continue;
        }
        if (!(taken & mask)) {
            b->data[bit / 8] |= mask;
            return blk;
        }
    }
    return 0;
}

/* Takes up to n free blocks of the bitmap block covering blocks [base,
 * end) (first: its first data block) into blocknos, searched from where
 * the last allocation there left off, then from its start; logs the
 * bitmap block if it took any. Returns how many it took. */
static size_t alloc_in(uint32_t base, uint32_t first, uint32_t end, uint64_t group,
                       uint32_t *blocknos, size_t n)
{
    struct buf *b = bread_nested(SFS_BITMAP_BLOCK(&fs_sb, base), LOCK_BUF_BITMAP);
    struct beside *bs = &beside[base / SFS_BITS_PER_BLOCK];
    const uint8_t *held = bs->freed_group == group ? bs->freed : NULL;
    size_t got = 0;
    while (got < n) {
        uint32_t next = bs->next < first || bs->next >= end ? first : bs->next;
        uint32_t blk = take_free(b, held, base, next, end);
        if (blk == 0 && next > first)
            blk = take_free(b, held, base, first, next);
        if (blk == 0)
            break;
        bs->next = blk + 1;
        blocknos[got++] = blk;
    }
    if (got > 0)
        journal_log(b);
    brelse(b);
    return got;
}

/* Scans the bitmap blocks in order for free data blocks (never the metadata
 * before data_start); alloc_in does the marking and journaling per block.
 * Contract in fs_internal.h. */
size_t balloc(uint32_t *blocknos, size_t n)
{
    uint64_t group = journal_group();
    size_t got = 0;
    for (uint32_t base = 0; base < fs_sb.nblocks && got < n; base += SFS_BITS_PER_BLOCK) {
        uint32_t first = base < fs_sb.data_start ? fs_sb.data_start : base;
        uint32_t end = base + SFS_BITS_PER_BLOCK < fs_sb.nblocks ? base + SFS_BITS_PER_BLOCK
                                                                 : fs_sb.nblocks;
        if (first < end)
            got += alloc_in(base, first, end, group, blocknos + got, n - got);
    }
    return got;
}

/* Clears blockno's bit in the caller's transaction; a bit already clear means
 * the disk is corrupt. The block is also noted as freed in this group so
 * balloc does not reuse it before the group commits. */
void bfree(uint32_t blockno)
{
    if (blockno < fs_sb.data_start || blockno >= fs_sb.nblocks)
        panic("bfree: block %u is not a data block", blockno);
    uint64_t group = journal_group();
    struct buf *b = bread_nested(SFS_BITMAP_BLOCK(&fs_sb, blockno), LOCK_BUF_BITMAP);
    uint32_t bit = blockno % SFS_BITS_PER_BLOCK;
    uint8_t mask = (uint8_t)(1 << (bit % 8));
    if (!(b->data[bit / 8] & mask))
        panic("bfree: block %u is already free (corrupt file system?)", blockno);
    b->data[bit / 8] &= (uint8_t)~mask;
    journal_log(b);
    journal_log_free(blockno);
    struct beside *bs = &beside[blockno / SFS_BITS_PER_BLOCK];
    if (bs->freed_group != group) {
        memset(bs->freed, 0, SFS_BLOCK_SIZE);
        bs->freed_group = group;
    }
    bs->freed[bit / 8] |= mask;
    brelse(b);
}
