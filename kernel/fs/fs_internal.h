/*
 * Inside the file system: what the files of kernel/fs share and nothing
 * else may use (the public contract, for the rest of the kernel, is
 * include/kernel/fs.h, which this includes). It lives beside those files,
 * not in include/kernel/, so that `#include "fs_internal.h"` works only
 * from kernel/fs: a subsystem outside cannot reach the superblock, the
 * block map or the journal's calls by accident.
 *
 * Transactions: every change of metadata happens between journal_begin
 * and journal_end, and every changed block is handed to journal_log
 * instead of bwrite. They do not nest, and log at most
 * JOURNAL_OP_MAX_BLOCKS blocks each; the contract is journal.h. How the
 * operations stay under the limit: a name change (ops.c) touches a
 * handful of blocks (an unlink that frees a small file, at most 13:
 * inode_free_now); inode_write writes in chunks whose bitmap, index and
 * inode blocks fit (its data blocks are written in place, not logged:
 * ordered mode, rw.c); inode_truncate_steps frees in steps.
 */
#ifndef _KERNEL_FS_FS_INTERNAL_H_
#define _KERNEL_FS_FS_INTERNAL_H_

#include <kernel/fs.h>
#include <kernel/journal.h>
#include <kernel/string.h>

extern struct sfs_superblock fs_sb;    /* read once by fs_init, then constant */

/* An inode's type on disk (SFS_TYPE_*) is the type the kernel hands out
 * (FTYPE_*, stat's): inode_ftype returns d.type and fs_create stores its
 * ftype there (inode_alloc), with no conversion. sfs.h says so; this holds
 * it to it. */
_Static_assert(SFS_TYPE_DIR == FTYPE_DIR && SFS_TYPE_FILE == FTYPE_FILE &&
                   SFS_TYPE_DEV == FTYPE_DEV,
               "SFS_TYPE_* and FTYPE_* are one set of values");

/* Panics naming the inode, for metadata that cannot be right. */
void fs_corrupt(uint32_t inum, const char *what) __attribute__((noreturn));

/* ------------------------------------------------------------- inodes */

/* Sets up the empty inode table (fs_init). */
void inode_table_init(void);
/* In-memory inode for inum (no disk access, not locked), a new reference;
 * NULL when the table is full. */
struct inode *inode_get(uint32_t inum);
/* Locks ip, an inode named in directory dp, which the caller holds
 * locked: the second inode lock of create, unlink and rmdir, ranked after
 * its directory's (LOCK_INODE_CHILD, synch.h). */
void inode_lock_child(struct inode *dp, struct inode *ip);
/* Writes ip->d to the inode table (in the transaction). Caller holds ip->lock. */
void inode_update(struct inode *ip);
/* Allocates a free on-disk inode of type ftype, nlink 0, and returns a new
 * reference to it (unlocked); ERR_NORES when there is none. */
err_t inode_alloc(int ftype, struct inode **out);
/* Frees every orphan on disk: an inode in use with link count 0 (its last
 * name went, and a power cut came before it was freed). fs_init, before any
 * other inode is in use. Returns how many were freed. */
int inode_free_orphans(void);

/* ---------------------------------------------------------- block map */

/* The disk block holding block fbn of ip in *blockno, or 0 for a hole.
 * ERR_NORES when fbn is past the largest file. Caller holds ip->lock. */
err_t bmap_find(struct inode *ip, uint64_t fbn, uint32_t *blockno);
/* Maps the n file blocks of ip from fbn on: blocknos[i] gets the disk
 * block of fbn + i, allocated where the file has a hole (with any index
 * block on the way, zeroed in the transaction), a run of holes at once.
 * fresh NULL (directories): a new block is zeroed in the transaction too.
 * fresh not NULL (file data): new blocks are left as the disk holds them,
 * *fresh tells whether any of the n is new, and the caller must write
 * each new block whole, in place, before its transaction ends (rw.c).
 * Returns how many blocks it mapped; fewer than n with *err ERR_NORES
 * when the disk is full or the file reaches its largest size. Caller
 * holds ip->lock, in a transaction; a transaction logs at most the inode,
 * four index blocks and the bitmap blocks of what n allocates. */
size_t bmap_alloc(struct inode *ip, uint64_t fbn, size_t n, bool *fresh, uint32_t *blocknos,
                  err_t *err);
/* Frees every block of ip holding bytes at or past size (at most the
 * current size; the current size itself drops blocks a failed write left
 * past the end) and sets the size. Caller holds ip->lock, in a transaction,
 * which gets the bitmap blocks of the freed blocks, at most two index
 * blocks and the inode block: the caller makes sure that fits (the error
 * paths free only blocks their own transaction allocated, whose blocks it
 * already holds). */
void inode_truncate_to(struct inode *ip, uint64_t size);
/* Frees ip's blocks from the end, in transactions of its own, until at
 * most one transaction's worth (see inode_truncate_to) is left; each step
 * leaves a consistent, shorter file. The caller holds neither ip->lock nor
 * a transaction (each step begins a transaction, then locks ip: the lock
 * order, synch.h), and then frees the
 * rest in its own (inode_put). Only for an inode no one else can reach: a
 * file with no name and no other reference. */
void inode_truncate_steps(struct inode *ip);
/* Frees ip (locked, in the caller's transaction) at once if it can: no
 * name left, the caller's reference the only one, and no index block (at
 * most SFS_NDIRECT data blocks, whose bitmap blocks and the inode's fit
 * beside an unlink's few: 13 blocks at most in all). The caller's
 * inode_put then only drops the reference. So removing a small file is
 * one group, and a power cut never leaves it an orphan. If it cannot,
 * the last inode_put frees ip later, in transactions of its own. */
void inode_free_now(struct inode *ip);

/* ---------------------------------------------------- free-block bitmap */

/* Sets up what balloc keeps beside the bitmap (fs_init, after reading the
 * superblock); panics without memory for it (a frame per bitmap block). */
void balloc_init(void);
/* Allocates up to n data blocks in the caller's transaction, into
 * blocknos, and returns how many it got: fewer (0 for none) only when the
 * disk is full. Next fit: blocks allocated one after the other tend to be
 * neighbours. Their contents are left as they are on disk (bmap_alloc
 * zeroes them, or its caller writes them whole). A block freed in the
 * current group is not allocated before the group has committed (balloc.c
 * says why). Caller holds the inode the blocks are for, and maybe one
 * index block (a bitmap block ranks after it). */
size_t balloc(uint32_t *blocknos, size_t n);
/* Frees a data block, in the caller's transaction. Panics if it is not a
 * data block or already free (corrupt metadata). */
void bfree(uint32_t blockno);

/* -------------------------------------------------------- directories */

/* Directory entries; the caller holds dir->lock. */
/* The inode number named name in dir (0 if none); *off gets its offset. */
uint32_t dir_lookup(struct inode *dir, const char *name, offset_t *off);
/* Adds name -> inum in the first free slot (or at the end). ERR_EXIST,
 * ERR_NORES. Does not touch inum's link count. */
err_t dir_link(struct inode *dir, const char *name, uint32_t inum);
/* Empties the entry at off. */
void dir_unlink_at(struct inode *dir, offset_t off);
/* True if dir holds nothing but "." and "..". */
bool dir_is_empty(struct inode *dir);
/* True for the names "." and "..", which every directory holds and no
 * call may add or remove. */
static inline bool is_dot_or_dotdot(const char *name)
{
    return strcmp(name, ".") == 0 || strcmp(name, "..") == 0;
}

/* True if path ends in '/': as on Unix, it then names a directory, so a
 * name given so is never made, opened or removed as a file (ERR_FTYPE);
 * mkdir and rmdir take it. */
static inline bool path_names_dir(const char *path)
{
    size_t n = strlen(path);
    return n > 0 && path[n - 1] == '/';
}

/* The path a call that makes a name walks: the root alone ("/", "//")
 * has no last name, so it is walked as "/." (the same directory), and
 * mkdir and link answer ERR_EXIST and open with FS_CREAT opens it, as
 * for any existing directory, rather than ERR_INVAL. */
static inline const char *path_to_name(const char *path)
{
    const char *p = path;
    while (*p == '/')
        p++;
    return p != path && *p == '\0' ? "/." : path;
}

#endif /* _KERNEL_FS_FS_INTERNAL_H_ */
