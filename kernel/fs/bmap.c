/*
 * A file's block map: which disk block holds each 4096-byte block of the
 * file. Ten direct block numbers in the inode, then a single-indirect
 * block of 1024 numbers, then a double-indirect block of 1024 single-
 * indirect blocks (sfs.h). bmap_find finds the block of a file block,
 * bmap_alloc finds or makes it; inode_truncate_to frees the blocks past a
 * new end, and inode_truncate_steps frees a large file in several
 * transactions. Contract: fs_internal.h.
 */
#include "fs_internal.h"
#include <kernel/bcache.h>

/* A block number read from ip's metadata: 0 or a data block, else corrupt. */
static uint32_t data_block_checked(struct inode *ip, uint32_t blockno)
{
    if (blockno != 0 && (blockno < fs_sb.data_start || blockno >= fs_sb.nblocks))
        fs_corrupt(ip->inum, "block number outside the data area");
    return blockno;
}

/* Fills a newly allocated block with zeros (in the transaction), without
 * reading what it held: an index block, or a directory's block. */
static void block_zero(uint32_t blockno)
{
    struct buf *b = bread_zeroed(blockno);
    journal_log(b);
    brelse(b);
}

/*
 * bmap_alloc on n consecutive slots: of the inode (holder NULL) or of the
 * index block in buffer holder. Each 0 slot gets a new block (a run of
 * them from one balloc), zeroed in the transaction when fresh is NULL;
 * then the holder (or the inode) is logged. blocknos[i] gets slot i's
 * block. Returns how many slots it mapped (< n: the disk is full, *err
 * ERR_NORES).
 */
static size_t slots_fill(struct inode *ip, uint32_t *slots, struct buf *holder, size_t n,
                         bool *fresh, uint32_t *blocknos, err_t *err)
{
    size_t i = 0;
    bool changed = false;
    while (i < n) {
        if (slots[i] != 0) {
            blocknos[i] = data_block_checked(ip, slots[i]);
            i++;
            continue;
        }
        size_t holes = 1;
        while (i + holes < n && slots[i + holes] == 0)
            holes++;
        size_t got = balloc(blocknos + i, holes);
        for (size_t k = i; k < i + got; k++) {
            slots[k] = blocknos[k];
            if (fresh == NULL)
                block_zero(blocknos[k]);
        }
        changed |= got > 0;
        i += got;
        if (got < holes) {
            *err = ERR_NORES;
            break;
        }
    }
    if (changed && fresh != NULL)
        *fresh = true;
    if (changed && holder != NULL)
        journal_log(holder);
    else if (changed)
        inode_update(ip);
    return i;
}

/* The block in slot index of the index block table, allocated (and
 * zeroed) when 0 and alloc; 0 for a hole. */
static err_t table_slot(struct inode *ip, uint32_t table, uint64_t index, bool alloc,
                        uint32_t *out)
{
    err_t err = ERR_OK;
    struct buf *b = bread(table);
    uint32_t *slot = (uint32_t *)b->data + index;
    if (alloc)
        slots_fill(ip, slot, b, 1, NULL, out, &err);
    else
        *out = data_block_checked(ip, *slot);
    brelse(b);
    return err;
}

/* The slot in the inode that holds index block *slot, allocated (and
 * zeroed) when 0 and alloc; 0 for a hole. */
static err_t inode_slot(struct inode *ip, uint32_t *slot, bool alloc, uint32_t *out)
{
    err_t err = ERR_OK;
    if (alloc)
        slots_fill(ip, slot, NULL, 1, NULL, out, &err);
    else
        *out = data_block_checked(ip, *slot);
    return err;
}

/*
 * Where the slot of file block fbn is: *table 0 for a direct block (the
 * slot is ip->d.direct[*index]), else the index block holding it at
 * *index; *left is how many file blocks from fbn on have their slots
 * there too. The index blocks on the way are allocated (and zeroed) when
 * missing and alloc; without alloc *table is 0 and *left 0 for a hole.
 * ERR_NORES past the largest file or when the disk is full.
 */
static err_t slot_of(struct inode *ip, uint64_t fbn, bool alloc, uint32_t *table,
                     uint64_t *index, uint64_t *left)
{
    err_t err;
    *table = 0;
    *left = 0;
    if (fbn < SFS_NDIRECT) {
        *index = fbn;
        *left = SFS_NDIRECT - fbn;
        return ERR_OK;
    }
    fbn -= SFS_NDIRECT;
    if (fbn < SFS_NINDIRECT) {
        *index = fbn;
        if ((err = inode_slot(ip, &ip->d.indirect, alloc, table)) == ERR_OK && *table != 0)
            *left = SFS_NINDIRECT - fbn;
        return err;
    }
    fbn -= SFS_NINDIRECT;
    if (fbn >= SFS_NDINDIRECT)
        return ERR_NORES;
    uint32_t dind;
    if ((err = inode_slot(ip, &ip->d.dindirect, alloc, &dind)) != ERR_OK || dind == 0)
        return err;
    *index = fbn % SFS_NINDIRECT;
    err = table_slot(ip, dind, fbn / SFS_NINDIRECT, alloc, table);
    if (err == ERR_OK && *table != 0)
        *left = SFS_NINDIRECT - *index;
    return err;
}

/* Looks up, without allocating, the disk block of file block fbn (0 for a
 * hole). Contract in fs_internal.h. */
err_t bmap_find(struct inode *ip, uint64_t fbn, uint32_t *blockno)
{
    uint32_t table;
    uint64_t index, left;
    *blockno = 0;
    err_t err = slot_of(ip, fbn, false, &table, &index, &left);
    if (err != ERR_OK || left == 0)
        return err;
    if (table == 0)
        *blockno = data_block_checked(ip, ip->d.direct[index]);
    else
        err = table_slot(ip, table, index, false, blockno);
    return err;
}

/* Maps n file blocks from fbn, allocating the holes as runs (next fit),
 * so a large write maps a run per table instead of a block at a time.
 * Contract in fs_internal.h. */
size_t bmap_alloc(struct inode *ip, uint64_t fbn, size_t n, bool *fresh, uint32_t *blocknos,
                  err_t *err)
{
    if (fresh != NULL)
        *fresh = false;
    size_t done = 0;
    while (done < n) {
        uint32_t table;
        uint64_t index, left;
        *err = slot_of(ip, fbn + done, true, &table, &index, &left);
        if (*err != ERR_OK)
            break;
        size_t run = n - done < left ? n - done : left;
        size_t got;
        if (table == 0) {
            got = slots_fill(ip, &ip->d.direct[index], NULL, run, fresh, blocknos + done, err);
        } else {
            struct buf *b = bread(table);
            got = slots_fill(ip, (uint32_t *)b->data + index, b, run, fresh, blocknos + done,
                             err);
            brelse(b);
        }
        done += got;
        if (got < run)
            break;
    }
    return done;
}

/*
 * Frees the blocks reached through indirect block `table` (depth 1: its
 * entries are data blocks; depth 2: single-indirect blocks) that hold file
 * blocks >= keep; `first` is the file block of its first entry. Frees the
 * table itself too, and returns true, when none of it is kept; only a table
 * that is kept is changed (and so journaled).
 */
static bool table_free_from(struct inode *ip, uint32_t table, int depth, uint64_t first, uint64_t keep)
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
        uint32_t blockno = data_block_checked(ip, slots[i]);
        bool freed = depth == 1 || table_free_from(ip, blockno, depth - 1, start, keep);
        if (depth == 1)
            bfree(blockno);
        if (freed && !whole) {
            slots[i] = 0;
            changed = true;
        }
    }
    if (changed)
        journal_log(b);
    brelse(b);
    if (!whole)
        return false;
    bfree(table);
    return true;
}

/* Frees the blocks past size (direct, then indirect) in the caller's
 * transaction and sets the size. Contract in fs_internal.h. */
void inode_truncate_to(struct inode *ip, uint64_t size)
{
    if (size > ip->d.size)
        size = ip->d.size;
    uint64_t keep = (size + SFS_BLOCK_SIZE - 1) / SFS_BLOCK_SIZE;   /* blocks kept */
    for (uint64_t i = keep; i < SFS_NDIRECT; i++) {
        if (ip->d.direct[i] != 0) {
            bfree(data_block_checked(ip, ip->d.direct[i]));
            ip->d.direct[i] = 0;
        }
    }
    if (ip->d.indirect != 0 &&
        table_free_from(ip, data_block_checked(ip, ip->d.indirect), 1, SFS_NDIRECT, keep))
        ip->d.indirect = 0;
    if (ip->d.dindirect != 0 &&
        table_free_from(ip, data_block_checked(ip, ip->d.dindirect), 2,
                        SFS_NDIRECT + SFS_NINDIRECT, keep))
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

/* The file blocks of a step: TRUNCATE_STEP_MAX when all the bitmap blocks
 * fit in a transaction beside the rest, else as many as fit when each
 * freed block has a bitmap block of its own. */
static uint64_t truncate_step(void)
{
    if (fs_sb.bitmap_blocks + 3 <= JOURNAL_OP_MAX_BLOCKS)
        return TRUNCATE_STEP_MAX;
    return JOURNAL_OP_MAX_BLOCKS - 3 - 4;   /* each freed block on its own bitmap block */
}

/* Shrinks a large unreachable file one transaction at a time, so freeing
 * it never needs more journal slots than one transaction may use.
 * Contract in fs_internal.h. */
void inode_truncate_steps(struct inode *ip)
{
    uint64_t step = truncate_step();
    for (;;) {
        inode_lock(ip);
        uint64_t blocks = (ip->d.size + SFS_BLOCK_SIZE - 1) / SFS_BLOCK_SIZE;
        inode_unlock(ip);
        if (blocks <= step)
            return;
        journal_begin();
        inode_lock(ip);
        inode_truncate_to(ip, (blocks - step) * SFS_BLOCK_SIZE);
        inode_unlock(ip);
        journal_end(NULL);
    }
}
