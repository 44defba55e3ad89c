/*
 * Directories: files of struct sfs_dirent records (sfs.h). Looking a name
 * up, adding and removing entries, walking the entries for readdir. Entries
 * never straddle blocks (32 divides 4096), so dir_scan, the one walk all of
 * them share, goes a block at a time. The caller holds the directory's
 * lock, except for dir_next_entry, which takes it. Contract: fs.h,
 * fs_internal.h.
 */
#include "fs_internal.h"
#include <kernel/bcache.h>
#include <kernel/string.h>

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
    *count = bytes / SFS_DIRENT_SIZE;
    return b;
}

/* What dir_scan looks for: true for the entry wanted. */
typedef bool (*entry_match)(const struct sfs_dirent *e, const char *name);

/*
 * The one walk over a directory's entries, from offset from (a multiple of
 * the entry size) on, for every caller that looks for an entry: the offset
 * of the first entry e for which match(e, name) holds, with e copied to
 * *found, or the directory's size if there is none. A hole is a block of
 * free slots, asked about as such.
 */
static offset_t dir_scan(struct inode *dir, uint64_t from, entry_match match, const char *name,
                         struct sfs_dirent *found)
{
    static const struct sfs_dirent free_entry;
    for (uint64_t pos = from; pos < dir->d.size;) {
        uint64_t base = pos - pos % SFS_BLOCK_SIZE;
        struct sfs_dirent *e;
        size_t count;
        struct buf *b = dir_block(dir, base, &e, &count);
        if (b == NULL) {
            if (match(&free_entry, name)) {
                *found = free_entry;
                return (offset_t)pos;
            }
            pos = base + SFS_BLOCK_SIZE;
            continue;
        }
        for (size_t i = (pos - base) / SFS_DIRENT_SIZE; i < count; i++) {
            if (match(&e[i], name)) {
                *found = e[i];
                brelse(b);
                return (offset_t)(base + i * SFS_DIRENT_SIZE);
            }
        }
        brelse(b);
        pos = base + SFS_BLOCK_SIZE;
    }
    return (offset_t)dir->d.size;
}

/* dir_lookup's match: the used entry called name. */
static bool is_named(const struct sfs_dirent *e, const char *name)
{
    return e->inode_num != 0 && strncmp(e->name, name, SFS_NAME_LEN) == 0;
}

/* free_slot's match: an unused entry. */
static bool is_free(const struct sfs_dirent *e, const char *name)
{
    (void)name;
    return e->inode_num == 0;
}

/* dir_is_empty's and readdir's match: a used entry other than "." and "..". */
static bool is_listed(const struct sfs_dirent *e, const char *name)
{
    (void)name;
    return e->inode_num != 0 && !is_dot_or_dotdot(e->name);
}

/* Linear scan of dir for name: returns its inode number (0 if absent) and,
 * if off is not NULL, the entry's offset. Contract in fs_internal.h. */
uint32_t dir_lookup(struct inode *dir, const char *name, offset_t *off)
{
    struct sfs_dirent e;
    offset_t at = dir_scan(dir, 0, is_named, name, &e);
    if (at == dir->d.size)
        return 0;
    if (off != NULL)
        *off = at;
    return (uint32_t)e.inode_num;
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
    if ((uint64_t)(off + SFS_DIRENT_SIZE) > dir->d.size) {
        dir->d.size = off + SFS_DIRENT_SIZE;
        inode_update(dir);
    }
    return ERR_OK;
}

/* Offset of the first free slot, or the end of the directory. */
static offset_t free_slot(struct inode *dir)
{
    struct sfs_dirent e;
    return dir_scan(dir, 0, is_free, NULL, &e);
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
    struct sfs_dirent e;
    return dir_scan(dir, 0, is_listed, NULL, &e) == dir->d.size;
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
    uint64_t pos = (*off + SFS_DIRENT_SIZE - 1) / SFS_DIRENT_SIZE * SFS_DIRENT_SIZE;
    struct sfs_dirent e;
    offset_t at = dir_scan(dir, pos, is_listed, NULL, &e);
    err_t err = ERR_END;
    if (at < dir->d.size) {
        memset(out, 0, sizeof(*out));
        strlcpy(out->name, e.name, sizeof(out->name));
        out->inode_num = e.inode_num;
        *off = at + SFS_DIRENT_SIZE;
        err = ERR_OK;
    } else {
        *off = (offset_t)dir->d.size;
    }
    inode_unlock(dir);
    return err;
}
