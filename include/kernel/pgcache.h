/*
 * The page cache of a memstore: its resident pages, indexed by offset.
 *
 * Every view of a shared region and every shared mapping of a file maps
 * the frames held here, so they all see one copy. The cache holds one
 * reference on each frame; each mapping holds its own (pmem refcounts).
 *
 * Locking: one sleeplock per cache, because filling a page may read a
 * file. In the lock order it comes after the address space lock and
 * the shm table, and before pmem.
 */
#ifndef _KERNEL_PGCACHE_H_
#define _KERNEL_PGCACHE_H_

#include <kernel/types.h>
#include <lib/errcode.h>
#include <kernel/synch.h>

struct pgcache_entry;

struct pgcache {
    struct sleeplock lock;
    struct pgcache_entry *entries;   /* sorted by offset */
    size_t resident;                 /* number of entries */
};

/* Fills a page: writes the contents of the page at off into the frame pa. */
typedef err_t (*pgcache_fill_t)(void *arg, offset_t off, paddr_t pa);

void pgcache_init(struct pgcache *pc);
/* The frame cached at off (page aligned), filling a new zeroed frame with
 * fill (if not NULL) on a miss. *pa gets one reference for the caller.
 * ERR_NOMEM, or fill's error (nothing is cached then). */
err_t pgcache_get(struct pgcache *pc, offset_t off, pgcache_fill_t fill, void *arg, paddr_t *pa);
/* Calls fn on every cached page in offset order (e.g. to write back). */
void pgcache_for_each(struct pgcache *pc, void (*fn)(offset_t off, paddr_t pa, void *arg), void *arg);
/* Drops the cache's reference on every page at or beyond off. */
void pgcache_truncate(struct pgcache *pc, offset_t off);
size_t pgcache_resident(struct pgcache *pc);

#endif /* _KERNEL_PGCACHE_H_ */
