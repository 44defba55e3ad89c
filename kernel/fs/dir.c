/*
 * Directories: files of struct sfs_dirent records (sfs.h). Looking a name
 * up, adding and removing entries, walking the entries for readdir. Entries
 * never straddle blocks (32 divides 4096), so each function walks the
 * directory a block at a time. The caller holds the directory's lock, except
 * for dir_next_entry, which takes it. Contract: fs.h, fs_internal.h.
 */
#include "fs_internal.h"
#include <kernel/bcache.h>
#include <kernel/string.h>

#define ENTRY_SIZE ((offset_t)sizeof(struct sfs_dirent))

/*
 * The block of dir holding byte offset base (a multiple of the block size),
 * locked, with its entries in *entries and how many of them lie inside the
 * directory's size in *count; NULL for a hole (all free slots).
 */
static struct buf *dir_block(struct inode *dir, uint64_t base, struct sfs_dirent **entries, size_t *count)
{
    uint32_t blockno;
    if (bmap_find(dir, base / SFS_BLOCK_SIZE, &blockno) != ERR_OK || blockno == 0)
        return NULL;
    struct buf *b = bread(blockno);
    uint64_t bytes = dir->d.size - base < SFS_BLOCK_SIZE ? dir->d.size - base : SFS_BLOCK_SIZE;
    *entries = (struct sfs_dirent *)b->data;
    *count = bytes / sizeof(struct sfs_dirent);
    return b;
}

/* Linear scan of dir for name: returns its inode number (0 if absent) and,
 * if off is not NULL, the entry's offset. Contract in fs_internal.h. */
uint32_t dir_lookup(struct inode *dir, const char *name, offset_t *off)
{
    for (uint64_t base = 0; base < dir->d.size; base += SFS_BLOCK_SIZE) {
        struct sfs_dirent *e;
        size_t count;
        struct buf *b = dir_block(dir, base, &e, &count);
        if (b == NULL)
            continue;
        for (size_t i = 0; i < count; i++) {
            if (e[i].inode_num != 0 && strncmp(e[i].name, name, SFS_NAME_LEN) == 0) {
                uint32_t inum = (uint32_t)e[i].inode_num;
                brelse(b);
                if (off != NULL)
                    *off = (offset_t)(base + i * sizeof(*e));
                return inum;
            }
        }
        brelse(b);
    }
    return 0;
}

/* Writes entry *e at off, growing the directory when off is its end. */
static err_t entry_write(struct inode *dir, offset_t off, const struct sfs_dirent *e)
{
    uint32_t blockno;
    err_t err = ERR_OK;
    if (bmap_alloc(dir, (uint64_t)off / SFS_BLOCK_SIZE, 1, NULL, &blockno, &err) == 0)
        return err;
    struct buf *b = bread(blockno);
    memcpy(b->data + off % SFS_BLOCK_SIZE, e, sizeof(*e));
    journal_log(b);
    brelse(b);
    if ((uint64_t)(off + ENTRY_SIZE) > dir->d.size) {
        dir->d.size = off + ENTRY_SIZE;
        inode_update(dir);
    }
    return ERR_OK;
}

/* Offset of the first free slot, or the end of the directory. */
static offset_t free_slot(struct inode *dir)
{
    for (uint64_t base = 0; base < dir->d.size; base += SFS_BLOCK_SIZE) {
        struct sfs_dirent *e;
        size_t count;
        struct buf *b = dir_block(dir, base, &e, &count);
        if (b == NULL)
            return (offset_t)base;     /* a hole: its first slot is free */
        for (size_t i = 0; i < count; i++) {
            if (e[i].inode_num == 0) {
                brelse(b);
                return (offset_t)(base + i * sizeof(*e));
            }
        }
        brelse(b);
    }
    return (offset_t)dir->d.size;
}

/* Adds the entry name -> inum in the first free slot (growing dir if none);
 * ERR_EXIST if the name is taken. Contract in fs_internal.h. */
err_t dir_link(struct inode *dir, const char *name, uint32_t inum)
{
    if (dir_lookup(dir, name, NULL) != 0)
        return ERR_EXIST;
    struct sfs_dirent e;
    memset(&e, 0, sizeof(e));
    strlcpy(e.name, name, sizeof(e.name));
    e.inode_num = (int32_t)inum;
    err_t err = entry_write(dir, free_slot(dir), &e);
    if (err != ERR_OK)
        inode_truncate_to(dir, dir->d.size);   /* drop indirect blocks made for nothing */
    return err;
}

/* Clears the entry at off (found by dir_lookup); the slot is reused later. */
void dir_unlink_at(struct inode *dir, offset_t off)
{
    struct sfs_dirent e;
    memset(&e, 0, sizeof(e));
    entry_write(dir, off, &e);         /* the block exists: cannot fail */
}

/* True if dir has no entry other than "." and ".." (rmdir's condition). */
bool dir_is_empty(struct inode *dir)
{
    for (uint64_t base = 0; base < dir->d.size; base += SFS_BLOCK_SIZE) {
        struct sfs_dirent *e;
        size_t count;
        struct buf *b = dir_block(dir, base, &e, &count);
        if (b == NULL)
            continue;
        for (size_t i = 0; i < count; i++) {
            if (e[i].inode_num != 0 && !is_dot_or_dotdot(e[i].name)) {
                brelse(b);
                return false;
            }
        }
        brelse(b);
    }
    return true;
}

/* readdir: the next used entry at or after *off, advancing *off past it.
 * Takes dir's lock itself. Contract in <kernel/fs.h>. */
err_t dir_next_entry(struct inode *dir, offset_t *off, struct dirent *out)
{
    inode_lock(dir);
    if (dir->d.type != SFS_TYPE_DIR) {
        inode_unlock(dir);
        return ERR_FTYPE;
    }
    uint64_t pos = (*off + ENTRY_SIZE - 1) / ENTRY_SIZE * ENTRY_SIZE;
    while (pos < dir->d.size) {
        uint64_t base = pos - pos % SFS_BLOCK_SIZE;
        struct sfs_dirent *e;
        size_t count;
        struct buf *b = dir_block(dir, base, &e, &count);
        if (b == NULL) {
            pos = base + SFS_BLOCK_SIZE;
            continue;
        }
        for (size_t i = (pos - base) / sizeof(*e); i < count; i++) {
            pos = base + (i + 1) * sizeof(*e);
            if (e[i].inode_num == 0 || is_dot_or_dotdot(e[i].name))
                continue;
            memset(out, 0, sizeof(*out));
            strlcpy(out->name, e[i].name, sizeof(out->name));
            out->inode_num = e[i].inode_num;
            brelse(b);
            inode_unlock(dir);
            *off = (offset_t)pos;
            return ERR_OK;
        }
        brelse(b);
        pos = base + SFS_BLOCK_SIZE;
    }
    *off = (offset_t)dir->d.size;
    inode_unlock(dir);
    return ERR_END;
}
