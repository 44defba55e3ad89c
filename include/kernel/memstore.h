/*
 * memstore: what backs the pages of a memregion.
 *
 * A memregion maps a window [offset, offset + size) of one memstore. When a
 * page of the region is first touched, the fault path asks the store for
 * it (fillpage). Kinds:
 *   anonymous   zero-filled pages; one store serves every private region
 *               (heap, stack, bss), since it keeps no state
 *   shared      a named shared region (shm): pages live in the store's
 *               page cache and every view maps the same frames
 *   file        a file (mmap): pages come in from the file through its
 *               page cache; the pages shared views store to are written
 *               back (mark_dirty, write_back, drop_unmapped)
 * A store's ops pointer is its kind (shm_region_of tells a region's store
 * by it); no other field names the kind.
 *
 * Reference counts: a memstore is held by every memregion using it
 * (memstore_get/put), and by whatever table finds it by key (shm's name
 * table, filemap's table); the last put releases it, so a store never
 * goes while a view still maps it.
 *
 * Locking: the count is atomic, so get and put take no lock and may be
 * called with any lock held, except that the last put calls release,
 * which may take the store's table lock and its page cache's (both
 * sleeplocks, ranked after the address space's): drop a reference that
 * may be the last one only with no spinlock held. The hooks are called by
 * vm.c and the fault path with the address space's lock held (or the
 * space dying), so they may take the locks that rank after it (synch.h:
 * the shm or file-map table, a page cache) and may sleep.
 *
 * Errors: fillpage returns ERR_NOMEM when no frame is free, or the
 * backing object's I/O error; the fault path turns either into a killed
 * process or a copy helper's error (pgfault.h). The other hooks cannot
 * fail.
 */
#ifndef _KERNEL_MEMSTORE_H_
#define _KERNEL_MEMSTORE_H_

#include <kernel/types.h>
#include <lib/errcode.h>

struct memstore;
struct pgcache;
struct memregion;

struct memstore_ops {
    /* Returns in *pa a frame holding the store's page at off (page aligned),
     * with one reference for the caller. May sleep. ERR_NOMEM, or an I/O
     * error from the backing object. */
    err_t (*fillpage)(struct memstore *ms, offset_t off, paddr_t *pa);
    /* For a store a private region maps (files): as fillpage, but a new
     * frame the caller alone holds, a copy of the page as the store has it
     * now, and the store keeps nothing of it (no page cached). NULL for
     * stores whose fillpage frames are fresh already (anonymous) or that
     * are only ever shared (shm). */
    err_t (*copypage)(struct memstore *ms, offset_t off, paddr_t *pa);
    /* Stores that write their pages back (files) track which pages shared
     * views store to; all three NULL for the others. The fault path maps
     * such a store's pages read-only in a shared view at first; the view's
     * first write fault on a page calls mark_dirty, then makes the page
     * writable. When the view goes (unmap, exit, failed fork), vm calls
     * write_back for each page it maps writable, before view_closed and
     * before the page is unmapped: it writes the page back and uncounts
     * the view, so only pages stored to are written back. Once the view's
     * pages are unmapped (their references dropped), vm calls
     * drop_unmapped for the store's range [off, end) the view covered: a
     * page there that no one maps any more leaves the store, which keeps
     * no page that no view maps. Asked after the unmap, not judged from a
     * reference count before it: a view closed but not yet unmapped (the
     * same file mapped twice by an exiting process, or by two processes
     * closing at once) still holds its reference then. Fork does not copy
     * such a view's page table entries: the child faults its pages in,
     * read-only first, like a new view. All may sleep. */
    void (*mark_dirty)(struct memstore *ms, offset_t off);
    void (*write_back)(struct memstore *ms, offset_t off);
    void (*drop_unmapped)(struct memstore *ms, offset_t off, offset_t end);
    /* Frees the store's own state once the last reference is gone. */
    void (*release)(struct memstore *ms);
    /* Optional hooks for stores that track their views (shared regions,
     * file mappings). view_closed: a memregion of process pid that mapped
     * the store is going away (unmap, exit, failed fork), called with that
     * address space locked or dying, before the region's reference is
     * dropped. view_inherited: fork gave child pid a copy of region r;
     * ERR_NOMEM if the store could not record it, and the fork fails (the
     * child's copy is then closed like the rest, view_closed included).
     * inherit: the permission (MEMPERM_*) a fork child gets for a view
     * of this store that has perm, at most perm; 0 if fork must not copy
     * it. NULL: the child gets perm. */
    void (*view_closed)(struct memstore *ms, pid_t pid, struct memregion *r);
    err_t (*view_inherited)(struct memstore *ms, pid_t pid, struct memregion *r);
    int (*inherit)(struct memstore *ms, int perm);
};

struct memstore {
    const struct memstore_ops *ops;
    int refcount;              /* atomic */
    struct pgcache *cache;     /* resident pages by offset; NULL if anonymous */
};

/* The anonymous zero-fill store, with a reference for the caller (to
 * give back with memstore_put); the store itself is never released. */
struct memstore *memstore_anonymous(void);

/* Takes a reference to ms; returns ms. */
struct memstore *memstore_get(struct memstore *ms);
/* Takes a reference only if the count is not already zero (a store being
 * released): for tables that find stores by key. */
bool memstore_tryget(struct memstore *ms);
/* Drops a reference; the last one releases the store (see Locking). */
void memstore_put(struct memstore *ms);

#endif /* _KERNEL_MEMSTORE_H_ */
