/*
 * The free-block bitmap: one bit per disk block, 1 = in use. Allocation
 * scans for a clear bit among the data blocks; the bitmap block's buffer
 * lock makes each test-and-set atomic, so no other lock is needed. Both
 * are called holding the index block being changed, so a bitmap block
 * ranks after it (LOCK_BUF_BITMAP, synch.h), and a new block is zeroed at
 * LOCK_BUF_ZEROED (bread_zeroed) after the bitmap block is let go.
 * Contract: fs.h.
 */
#include <kernel/fs.h>
#include <kernel/bcache.h>
#include <kernel/console.h>
#include <kernel/string.h>

/* Fills a newly allocated block with zeros (in the transaction), without
 * reading what it held. */
static void block_zero(uint32_t blockno)
{
    struct buf *b = bread_zeroed(blockno);
    fs_tx_write(b);
    brelse(b);
}

err_t balloc(uint32_t *blockno)
{
    for (uint32_t base = 0; base < fs_sb.nblocks; base += SFS_BITS_PER_BLOCK) {
        if (base + SFS_BITS_PER_BLOCK <= fs_sb.data_start)
            continue;
        struct buf *b = bread_nested(SFS_BITMAP_BLOCK(&fs_sb, base), LOCK_BUF_BITMAP);
        uint32_t first = base < fs_sb.data_start ? fs_sb.data_start : base;
        for (uint32_t blk = first; blk < base + SFS_BITS_PER_BLOCK && blk < fs_sb.nblocks; blk++) {
            uint32_t bit = blk - base;
            uint8_t mask = (uint8_t)(1 << (bit % 8));
            if (b->data[bit / 8] == 0xff) {
                blk += 7 - bit % 8;    /* the whole byte is taken */
                continue;
            }
            if (b->data[bit / 8] & mask)
                continue;
            b->data[bit / 8] |= mask;
            fs_tx_write(b);
            brelse(b);
            block_zero(blk);
            *blockno = blk;
            return ERR_OK;
        }
        brelse(b);
    }
    return ERR_NORES;
}

void bfree(uint32_t blockno)
{
    if (blockno < fs_sb.data_start || blockno >= fs_sb.nblocks)
        panic("bfree: block %u is not a data block", blockno);
    struct buf *b = bread_nested(SFS_BITMAP_BLOCK(&fs_sb, blockno), LOCK_BUF_BITMAP);
    uint32_t bit = blockno % SFS_BITS_PER_BLOCK;
    uint8_t mask = (uint8_t)(1 << (bit % 8));
    if (!(b->data[bit / 8] & mask))
        panic("bfree: block %u is already free (corrupt file system?)", blockno);
    b->data[bit / 8] &= (uint8_t)~mask;
    fs_tx_write(b);
    brelse(b);
}
