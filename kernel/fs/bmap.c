/*
 * A file's block map: which disk block holds each 4096-byte block of the
 * file. Ten direct block numbers in the inode, then a single-indirect
 * block of 1024 numbers, then a double-indirect block of 1024 single-
 * indirect blocks (sfs.h). bmap finds (and with alloc, makes) the block
 * for a file block; inode_truncate_to frees the blocks past a new end, and
 * inode_truncate_steps frees a large file in several transactions.
 * Contract: fs.h.
 */
#include <kernel/fs.h>
#include <kernel/bcache.h>
#include <kernel/console.h>

/* A block number read from ip's metadata: 0 or a data block, else corrupt. */
static uint32_t checked(struct inode *ip, uint32_t blockno)
{
    if (blockno != 0 && (blockno < fs_sb.data_start || blockno >= fs_sb.nblocks))
        fs_corrupt(ip->inum, "block number outside the data area");
    return blockno;
}

/*
 * The block in *slot, a slot of the inode (holder NULL) or of the indirect
 * block in buffer holder; a 0 slot is allocated when alloc.
 */
static err_t slot_get(struct inode *ip, uint32_t *slot, struct buf *holder, bool alloc, uint32_t *out)
{
    uint32_t blockno = checked(ip, *slot);
    if (blockno == 0 && alloc) {
        err_t err = balloc(&blockno);
        if (err != ERR_OK)
            return err;
        *slot = blockno;
        if (holder != NULL)
            fs_tx_write(holder);
        else
            inode_update(ip);
    }
    *out = blockno;
    return ERR_OK;
}

/* Entry index of the indirect block table. */
static err_t table_get(struct inode *ip, uint32_t table, uint64_t index, bool alloc, uint32_t *out)
{
    struct buf *b = bread(table);
    err_t err = slot_get(ip, (uint32_t *)b->data + index, b, alloc, out);
    brelse(b);
    return err;
}

err_t bmap(struct inode *ip, uint64_t fbn, bool alloc, uint32_t *blockno)
{
    uint32_t table;
    err_t err;

    *blockno = 0;
    if (fbn < SFS_NDIRECT)
        return slot_get(ip, &ip->d.direct[fbn], NULL, alloc, blockno);
    fbn -= SFS_NDIRECT;
    if (fbn < SFS_NINDIRECT) {
        if ((err = slot_get(ip, &ip->d.indirect, NULL, alloc, &table)) != ERR_OK || table == 0)
            return err;
        return table_get(ip, table, fbn, alloc, blockno);
    }
    fbn -= SFS_NINDIRECT;
    if (fbn >= SFS_NDINDIRECT)
        return ERR_NORES;
    if ((err = slot_get(ip, &ip->d.dindirect, NULL, alloc, &table)) != ERR_OK || table == 0)
        return err;
    if ((err = table_get(ip, table, fbn / SFS_NINDIRECT, alloc, &table)) != ERR_OK || table == 0)
        return err;
    return table_get(ip, table, fbn % SFS_NINDIRECT, alloc, blockno);
}

/*
 * Frees the blocks reached through indirect block `table` (depth 1: its
 * entries are data blocks; depth 2: single-indirect blocks) that hold file
 * blocks >= keep; `first` is the file block of its first entry. Frees the
 * table itself too, and returns true, when none of it is kept; only a table
 * that is kept is changed (and so journaled).
 */
static bool table_trim(struct inode *ip, uint32_t table, int depth, uint64_t first, uint64_t keep)
{
    uint64_t span = depth == 1 ? 1 : SFS_NINDIRECT;
    bool whole = first >= keep;
    /* A single-indirect table is read under its double-indirect one. */
    struct buf *b = bread_nested(table, depth == 1 ? LOCK_BUF_INDIRECT : LOCK_BUF);
    uint32_t *slots = (uint32_t *)b->data;
    bool changed = false;
    for (uint64_t i = 0; i < SFS_NINDIRECT; i++) {
        uint64_t start = first + i * span;
        if (slots[i] == 0 || start + span <= keep)
            continue;
        uint32_t blockno = checked(ip, slots[i]);
        bool freed = depth == 1 || table_trim(ip, blockno, depth - 1, start, keep);
        if (depth == 1)
            bfree(blockno);
        if (freed && !whole) {
            slots[i] = 0;
            changed = true;
        }
    }
    if (changed)
        fs_tx_write(b);
    brelse(b);
    if (!whole)
        return false;
    bfree(table);
    return true;
}

void inode_truncate_to(struct inode *ip, uint64_t size)
{
    if (size > ip->d.size)
        size = ip->d.size;
    uint64_t keep = (size + SFS_BLOCK_SIZE - 1) / SFS_BLOCK_SIZE;   /* blocks kept */
    for (uint64_t i = keep; i < SFS_NDIRECT; i++) {
        if (ip->d.direct[i] != 0) {
            bfree(checked(ip, ip->d.direct[i]));
            ip->d.direct[i] = 0;
        }
    }
    if (ip->d.indirect != 0 &&
        table_trim(ip, checked(ip, ip->d.indirect), 1, SFS_NDIRECT, keep))
        ip->d.indirect = 0;
    if (ip->d.dindirect != 0 &&
        table_trim(ip, checked(ip, ip->d.dindirect), 2, SFS_NDIRECT + SFS_NINDIRECT, keep))
        ip->d.dindirect = 0;
    ip->d.size = size;
    inode_update(ip);
}

/* File blocks one step of inode_truncate_steps frees. A step changes the
 * bitmap blocks of what it frees (its data blocks and up to four index
 * blocks: the indirect, the double-indirect and two of its tables), at most
 * two index blocks it keeps, and the inode's block. With few bitmap blocks
 * that is small whatever the step; a step is still kept to 1 MiB, so
 * freeing a huge file does not hold one group for long (and files over
 * 1 MiB exercise the steps). */
#define TRUNCATE_STEP_MAX 256

static uint64_t truncate_step(void)
{
    if (fs_sb.bitmap_blocks + 3 <= FS_TX_MAX_BLOCKS)
        return TRUNCATE_STEP_MAX;
    return FS_TX_MAX_BLOCKS - 3 - 4;   /* each freed block on its own bitmap block */
}

void inode_truncate_steps(struct inode *ip)
{
    uint64_t step = truncate_step();
    for (;;) {
        inode_lock(ip);
        uint64_t blocks = (ip->d.size + SFS_BLOCK_SIZE - 1) / SFS_BLOCK_SIZE;
        inode_unlock(ip);
        if (blocks <= step)
            return;
        fs_tx_begin();
        inode_lock(ip);
        inode_truncate_to(ip, (blocks - step) * SFS_BLOCK_SIZE);
        inode_unlock(ip);
        fs_tx_end();
    }
}
