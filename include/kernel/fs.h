/*
 * The file system: the osv simple file system (sfs.h) on the block device,
 * through the buffer cache. Inodes in memory, path names, directories,
 * reading and writing file data.
 *
 * Files of the implementation (kernel/fs/):
 *   fs.c       superblock, fs_init, fs_shutdown
 *   fs_internal.h  what the files below share (and nothing else may use)
 *   journal.c  the write-ahead journal: transactions (journal_*; journal.h)
 *   inode.c    the in-memory inode table: get, dup, put, lock, update, alloc
 *   bmap.c     a file's block map (direct, indirect, double indirect), truncate
 *   balloc.c   the free-block bitmap (next fit)
 *   rw.c       inode_read, inode_write: file data in chunks, written in place
 *   dir.c      directory entries: lookup, link, unlink, readdir, emptiness
 *   path.c     path names: fs_lookup, fs_lookup_parent
 *   ops.c      create, link, unlink, mkdir, rmdir (the name-changing calls)
 *   scratch.c  the scratch area past the file system (benchmarks only)
 *
 * Inodes. A struct inode is the in-memory copy of one on-disk inode, shared
 * by everyone using that file (open files, working directories, lookups in
 * progress), and counted: fs_lookup, fs_root and inode_dup return a new
 * reference, inode_put drops one. A file whose last name was unlinked lives
 * on until its last reference is put; then its blocks and inode are freed.
 * The table of in-memory inodes is fixed (FS_NINODE slots): when every slot
 * holds a live inode, lookups fail with ERR_NORES.
 *
 * Names. A path is absolute ("/a/b") or relative to the calling process's
 * working directory (to the root when there is no process, or its cwd is
 * NULL). Repeated and trailing slashes are ignored; "." and ".." are real
 * entries in every directory, so they work everywhere ("/.." is "/").
 * A component is 1..27 bytes; a longer one is ERR_INVAL (decision: the name
 * is out of the contract, whether or not the call would create it; osv
 * programs never make such names). A path is at most FS_PATH_MAX bytes, NUL
 * included (the system calls reject longer ones with ERR_INVAL).
 *
 * File data and mappings. Each inode also holds the page cache of the
 * file's mappings (`pages`, pgcache.h; empty unless the file is mapped, and
 * emptied when its last mapping goes). inode_read and inode_write keep the
 * file and that cache coherent: read() takes a cached page's bytes (a
 * mapping's stores show at once), write() puts its bytes in a cached page
 * as well as on the disk (a mapping, live or made later, sees them at
 * once). The bytes of a cached page past the end of the file are not the
 * file's: a mapping's stores there are never written, and when write()
 * grows the file over them, they take the file's bytes.
 *
 * Locking. Each inode has a sleeplock guarding its on-disk copy `d` and
 * `valid`; the table's spinlock guards inum and ref of every slot. Order
 * (synch.h): the inode's page cache before a transaction (journal.h), a
 * transaction before inode locks, a directory's lock before the lock of
 * an inode in it (inode_lock_child: the only time two inode locks are
 * held); inode locks before buffer locks (bcache.h); every sleeplock
 * before any spinlock. The functions
 * below take the locks they need themselves, and none touches user memory
 * while holding any file system lock: user data goes through a kernel
 * bounce buffer, so a page fault during the copy (which may itself read a
 * file) cannot deadlock.
 *
 * Crashes. Every change of metadata goes through the write-ahead journal
 * (journal.h), and file data is on the disk before the metadata that
 * points at it commits (ordered mode): after a power cut at any moment the
 * next mount finds a consistent file system, and every system call that
 * returned before the cut has its effect there. A call cut short shows a
 * prefix of its transactions: a write keeps a correct prefix of its data
 * (never garbage; where it overwrote bytes the file had, its last chunk
 * may show new data in some blocks and old in others), and a file being
 * freed after its last unlink may be left as an orphan, an inode with
 * link count 0 and no name, which fs_init frees (mkfs --check accepts
 * orphans and says so). An unlink frees a file with no index block in
 * its own transaction when nothing else holds the file (no open file,
 * cwd or mapping): such a file is never left an orphan. Data blocks
 * written for a chunk whose commit the cut prevented are free, as they
 * were.
 *
 * Errors. Corrupt file system metadata (a block number outside the disk,
 * a directory entry naming a free inode) panics with a message naming the
 * inode or block; `mkfs --check fs.img` explains. User input never panics.
 */
#ifndef _KERNEL_FS_H_
#define _KERNEL_FS_H_

#include <kernel/types.h>
#include <lib/errcode.h>
#include <lib/usyscall.h>
#include <kernel/sfs.h>
#include <kernel/pgcache.h>
#include <kernel/synch.h>

#define FS_PATH_MAX 256                /* bytes of a path, NUL included */
#define FS_NINODE 256                  /* inodes in memory at once */

struct inode {
    /* guarded by the inode table's spinlock (inode.c) */
    uint32_t inum;
    int ref;                           /* references; 0 = free slot */
    /* held by an FS_APPEND write from finding the file's end until its
     * last byte is in: appenders through different open files take turns
     * (file_write) */
    struct sleeplock append;
    /* guarded by lock */
    struct sleeplock lock;
    bool valid;                        /* d has been read from disk */
    struct sfs_inode d;                /* copy of the on-disk inode */
    /* the pages of the file's mappings (filemap.c); its own lock */
    struct pgcache pages;
};

/* ------------------------------------------------------------ start up */

/*
 * Reads and checks the superblock, replays the journal if a power cut left
 * committed groups in it, checks the root directory and frees the
 * orphans (inodes with no name left, whose freeing a power cut interrupted).
 * Called once, from a kernel thread before init runs (it sleeps on disk
 * reads), after bdev_init, bcache_init and file_init. Panics with a clear
 * message when there is no disk or the disk holds no sfs image.
 */
void fs_init(void);

/*
 * For halt: waits until the transactions in progress have committed and
 * lets no new one begin (those threads sleep for good), so the disk is left
 * consistent with an empty journal, holding every change whose system call
 * returned. Sleeps; call it from a thread holding no file system lock.
 */
void fs_shutdown(void);

/*
 * Writes n blocks of the disk's scratch area (sfs.h: blocks past the file
 * system that no structure of it uses), from block first of the area on,
 * in one batch to the block device (bdev.h: all in flight, neighbours in
 * one request), without the buffer cache or the journal: the raw disk,
 * for the benchmarks (disk_scratch_write in lib/bench.h). What the blocks
 * hold afterwards means nothing. Returns the area's length in blocks (so n 0
 * asks for it); ERR_NOTEXIST when the disk has no scratch area; ERR_INVAL
 * when first or n is negative or the blocks reach past the area's end;
 * ERR_NOMEM without a frame for the data; else the block device's error
 * (bdev.h: ERR_NORES on a disk error, ERR_PERM for a read-only disk).
 * Sleeps; several callers may write at once. No lock: nothing else
 * touches those blocks.
 */
long fs_scratch_write(long first, long n);

/* ---------------------------------------------------------------- names */

/*
 * Looks path up and returns a new reference to its inode in *out.
 * Errors: ERR_NOTEXIST (a component is missing, or path is empty, or a
 * name other than "." follows a removed directory: its ".." may name a
 * freed inode),
 * ERR_FTYPE (a component before the last is not a directory, or path
 * ends in '/' and names no directory: "README/"),
 * ERR_INVAL (a component longer than 27 bytes), ERR_NORES (inode table full).
 * May sleep.
 */
err_t fs_lookup(const char *path, struct inode **out);

/*
 * Looks up the directory that would hold path's last component: a new
 * reference to it in *dir_out and the component in name (NUL-terminated).
 * The last component need not exist, and may be "." or "..".
 * Errors: as fs_lookup, and ERR_INVAL when path has no last component
 * ("/"). May sleep.
 */
err_t fs_lookup_parent(const char *path, struct inode **dir_out, char name[SFS_NAME_LEN]);

/* A new reference to the root directory. Never sleeps. */
struct inode *fs_root(void);

/* -------------------------------------------------------------- inodes */

/* Takes another reference to ip; returns ip. Never sleeps. */
struct inode *inode_dup(struct inode *ip);

/*
 * Drops a reference. Dropping the last reference to an inode with no names
 * left frees its blocks and the inode on disk, in transactions of its own
 * (so it may sleep); callers hold no file system lock and are not in a
 * transaction.
 */
void inode_put(struct inode *ip);

/* Locks ip (its sleeplock: the lock order, synch.h, puts it after the
 * file's page cache and a transaction), reading it from disk the first
 * time, so it may sleep; inode_unlock lets it go. The calls below lock for themselves:
 * these are for the file system's own files, and for what must hold an
 * inode across calls of its own (the panic=lockorder demonstration). */
void inode_lock(struct inode *ip);
void inode_unlock(struct inode *ip);

/* inode_ftype, inode_size and inode_stat read ip under its lock, which
 * they take (may sleep): not for a caller that holds it. */
/* FTYPE_DIR, FTYPE_FILE or FTYPE_DEV. */
int inode_ftype(struct inode *ip);
/* ip's inode number (stat's, and messages'): fixed while ip is held, so
 * no lock (but for the holder that frees the file, whose ip gives the
 * number up: inode.c's free_locked). */
int inode_num(struct inode *ip);
/* Current size in bytes (a snapshot: it may change right after). */
size_t inode_size(struct inode *ip);
/* Fills the kernel struct *st (ftype, inode number, size). */
void inode_stat(struct inode *ip, struct stat *st);

/*
 * Reads up to n bytes at offset off into dst: a user address when
 * dst_is_user (written with copy_to_user), else a kernel one; a page in the
 * file's page cache is read from there (coherent with its mappings).
 * Returns the bytes read: fewer than n at the end of the file, 0 at or past
 * it. ERR_FAULT if the first byte cannot be stored (ERR_NOMEM if its page
 * is valid but no frame could back it); a fault after some bytes were
 * stored returns the count stored (the Unix rule). ERR_NOMEM if no bounce
 * frame is available. A read into user memory stops between chunks once
 * the calling process is killed, returning the count stored (or 0).
 * Any file type may be read this way (directories too: the raw entries).
 * May sleep; takes the page cache's and the inode's locks itself, so the
 * caller holds no file system lock.
 */
ssize_t inode_read(struct inode *ip, void *dst, bool dst_is_user, offset_t off, size_t n);

/*
 * Writes n bytes from src (user address when src_is_user) at offset off,
 * growing the file if needed (a gap past the old end reads as zeros), on
 * the disk and in the pages of the file's page cache (coherent with its
 * mappings). Returns the bytes written. ERR_FAULT if the
 * first byte cannot be fetched (ERR_NOMEM if its page is valid but no
 * frame could back it); ERR_NORES if no byte could be written
 * because the disk is full or the file reached its largest size; ERR_NOMEM
 * without a bounce frame. A partial write returns its count. A write from
 * user memory stops between chunks once the calling process is killed,
 * returning the count written (or 0). May sleep; takes the page cache's
 * lock, transactions and the inode's lock itself, so the caller holds no
 * file system lock and is in no transaction.
 */
ssize_t inode_write(struct inode *ip, const void *src, bool src_is_user, offset_t off, size_t n);

/*
 * The page cache's side (filemap.c), called with ip->pages locked, on a
 * page aligned off. inode_read_page reads the file's page at off from the
 * disk into frame (zeroed: bytes past the end of the file stay zero).
 * inode_write_page writes the frame's bytes that lie before the end of the
 * file back to the disk at off, in one transaction, through the block's
 * buffer (no frame taken: a view's last write-back must not need free
 * memory); it never grows the file, and neither touches the page cache.
 * Errors: bmap's; for
 * inode_write_page, ERR_NORES if the block of a hole in the file could not
 * be had (disk full; write() never leaves a hole, so no file has one today).
 */
err_t inode_read_page(struct inode *ip, offset_t off, void *frame);
err_t inode_write_page(struct inode *ip, offset_t off, const void *frame);

/* --------------------------------------------------------- directories */

/*
 * The next entry of directory dir at or after byte offset *off, skipping
 * free slots, "." and ".."; stores it in the kernel struct *out and moves
 * *off past it. ERR_END when there is none; ERR_FTYPE if dir is not a
 * directory. readdir() keeps *off in the open file's offset. Takes dir's
 * lock itself (may sleep).
 */
err_t dir_next_entry(struct inode *dir, offset_t *off, struct dirent *out);

/* ------------------------------------------------------- name changes */
/*
 * These take paths (as fs_lookup) and return ERR_OK or an error:
 *   ERR_NOTEXIST   a component, or the target, is missing; or the parent
 *                  directory was itself removed (it has no name left)
 *   ERR_FTYPE      a middle component is not a directory (a file's "f/."
 *                  and "f/.." too, for every call); unlink of a
 *                  directory; rmdir of a non-directory; link to a directory;
 *                  a file's path ending in '/', which names a directory
 *                  (create of a file, unlink, either name of link; mkdir
 *                  and rmdir take it)
 *   ERR_EXIST      the new name already exists (create, mkdir, link),
 *                  the root ("/") included: a call that makes a name
 *                  walks it as "/." (path_to_name, fs_internal.h)
 *   ERR_NOTEMPTY   rmdir of a directory with entries
 *   ERR_INVAL      overlong component; unlink or rmdir of a directory's
 *                  "." or "..", or of the root ("/", no last component)
 *                  (create, mkdir and link of an existing "." or ".."
 *                  are ERR_EXIST)
 *   ERR_NORES      no free inode, disk block or in-memory inode
 * Each may sleep, and takes its transactions and locks itself: call it
 * holding no file system lock and in no transaction.
 */

/* Creates a file (FTYPE_FILE) or directory (FTYPE_DIR) and returns a new
 * reference to it in *out (out may be NULL). */
err_t fs_create(const char *path, int ftype, struct inode **out);
/* What path names (a new reference in *out), first made an empty file if
 * the name is missing: the look-up and the create are one step, so a
 * name made and removed by others meanwhile never makes it ERR_NOTEXIST
 * or ERR_EXIST. */
err_t fs_open_or_create(const char *path, struct inode **out);
/* Gives the file at oldpath the additional name newpath. */
err_t fs_link(const char *oldpath, const char *newpath);
/* Removes a file's name; the file goes when its last reference does. */
err_t fs_unlink(const char *path);
/* Removes an empty directory. */
err_t fs_rmdir(const char *path);

#endif /* _KERNEL_FS_H_ */
