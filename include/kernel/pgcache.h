/*
 * The page cache of a memstore: its resident pages, indexed by offset.
 *
 * Every view of a shared region and every shared mapping of a file maps
 * the frames held here, so they all see one copy. The cache holds one
 * reference on each frame; each mapping holds its own (pmem refcounts).
 *
 * Files. A file's cache is its inode's (ip->pages, fs.h), filled by its
 * shared mappings (a private one copies out of it, pgcache_copy), and the file's read() and write() keep it coherent: with the
 * cache locked, write() copies its bytes into the cached pages as well as
 * to the disk (pgcache_write), and read() takes a page's bytes from the
 * cache when it is there (pgcache_read), since it may hold stores of a
 * mapping not yet written back.
 *
 * Dirty pages (files). A page is dirty while some view maps it writable.
 * Shared file pages are mapped read-only at first; a view's first write
 * fault on a page counts it as a writer (pgcache_mark_dirty) before its
 * PTE becomes writable; when the view goes, each page it had writable is
 * written back and the view uncounted (pgcache_write_back). A page another
 * view still maps writable stays dirty, since that view may store again
 * without a fault. Only dirty pages are ever written back. A file's page
 * that no view maps any more leaves the cache once its last view's pages
 * are unmapped (pgcache_drop_unmapped: its bytes are the file's, or lie
 * past its end, where stores are never written): so the cache holds the
 * pages views map, not every page a view once touched.
 *
 * Locking: one sleeplock per cache, because filling a page reads a file
 * and writing one back writes it. Lock order (LOCK_PGCACHE, synch.h):
 * address space, then the shm table or the file-map table, then the page
 * cache, then a transaction, inode and buffer locks (fs.h), then pmem.
 */
#ifndef _KERNEL_PGCACHE_H_
#define _KERNEL_PGCACHE_H_

#include <kernel/types.h>
#include <lib/errcode.h>
#include <kernel/synch.h>

struct pgcache_entry;

struct pgcache {
    struct sleeplock lock;
    struct pgcache_entry *root;      /* a splay tree by offset (pgcache.c); guarded by lock */
    size_t resident;                 /* number of entries; written under lock, read
                                      * without (pgcache_resident) */
};

/* Fills a page: writes the contents of the page at off into the frame pa
 * (zeroed). Called with the cache locked. */
typedef err_t (*pgcache_fill_t)(void *arg, offset_t off, paddr_t pa);
/* Writes the page at off, held in frame pa, back. Called with the cache
 * locked. */
typedef void (*pgcache_put_t)(void *arg, offset_t off, paddr_t pa);

/* An empty cache; for an inode slot or a region being made. */
void pgcache_init(struct pgcache *pc);
/* The frame cached at off (page aligned), filling a new zeroed frame with
 * fill (if not NULL) on a miss. *pa gets one reference for the caller.
 * ERR_NOMEM, or fill's error (nothing is cached then). Takes the lock,
 * held across the fill (may sleep). */
err_t pgcache_get(struct pgcache *pc, offset_t off, pgcache_fill_t fill, void *arg, paddr_t *pa);
/* A new frame of the caller's own (one reference) holding the page at
 * off as the cache would give it: a copy of the cached page, or, if none
 * is cached, filled by fill (a zeroed frame, and nothing cached): for a
 * private mapping, which must leave the cache as it found it. ERR_NOMEM,
 * or fill's error. Takes the lock, held across the copy or fill, so no
 * write() comes between the look and the read (may sleep). */
err_t pgcache_copy(struct pgcache *pc, offset_t off, pgcache_fill_t fill, void *arg, paddr_t *pa);
/* Drops the cache's reference on every page at or beyond off. No page
 * there may be dirty (a kernel bug: kassert). Takes the lock (may sleep). */
void pgcache_truncate(struct pgcache *pc, offset_t off);
/* How many pages are cached, read without the lock: for statistics
 * (shm_list, sys_info), stale as soon as it is read. */
size_t pgcache_resident(struct pgcache *pc);

/* Dirty pages; each takes the lock. The page at off must be cached (a
 * view maps it, and a mapped page stays cached). */
/* One more view maps the page at off writable: it is dirty from now on. */
void pgcache_mark_dirty(struct pgcache *pc, offset_t off);
/* A view that mapped the page at off writable goes: writes the page back
 * with put, then uncounts the view. */
void pgcache_write_back(struct pgcache *pc, offset_t off, pgcache_put_t put, void *arg);
/* A view of [off, end) has unmapped its pages: lets go of every page
 * there that nothing but the cache holds (no view maps it, no fault is
 * mapping it, no writer). */
void pgcache_drop_unmapped(struct pgcache *pc, offset_t off, offset_t end);
/* Writes every dirty page back with put, in offset order (halt). */
void pgcache_sync(struct pgcache *pc, pgcache_put_t put, void *arg);

/* Coherence with read()/write() (rw.c): the caller holds the lock
 * (pgcache_lock) across the cache and the disk, so that both change as one. */
void pgcache_lock(struct pgcache *pc);
void pgcache_unlock(struct pgcache *pc);
/* Copies n bytes at off (within one page) out of the cached page into
 * dst; false, copying nothing, if the page is not cached. Caller holds
 * the lock (pgcache_lock), as for pgcache_write. */
bool pgcache_read(struct pgcache *pc, offset_t off, void *dst, size_t n);
/* Copies n bytes from src (zeros if src is NULL) to off in every cached
 * page the range covers; pages not cached are skipped. Caller holds the
 * lock. */
void pgcache_write(struct pgcache *pc, offset_t off, const void *src, size_t n);

#endif /* _KERNEL_PGCACHE_H_ */
