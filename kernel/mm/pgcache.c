/*
 * Page caches (contract in pgcache.h): a sorted list of (offset, frame,
 * writers) under a sleeplock. Regions are small in a teaching kernel; a
 * list keeps the code obvious, and pgcache.h hides it should a tree ever
 * be needed.
 */
#include <kernel/pgcache.h>
#include <kernel/console.h>
#include <kernel/kmalloc.h>
#include <kernel/pmem.h>
#include <kernel/string.h>

struct pgcache_entry {
    offset_t off;
    paddr_t pa;
    unsigned writers;            /* views mapping the page writable: dirty if > 0 */
    struct pgcache_entry *next;
};

/* An empty page cache (done for every inode slot at boot). */
void pgcache_init(struct pgcache *pc)
{
    sleeplock_init(&pc->lock, "pgcache", LOCK_PGCACHE);
    pc->entries = NULL;
    pc->resident = 0;
}

void pgcache_lock(struct pgcache *pc)
{
    sleeplock_acquire(&pc->lock);
}

void pgcache_unlock(struct pgcache *pc)
{
    sleeplock_release(&pc->lock);
}

/* The link to the first entry at or after off. Caller holds the lock. */
static struct pgcache_entry **link_at(struct pgcache *pc, offset_t off)
{
    struct pgcache_entry **link = &pc->entries;
    while (*link && (*link)->off < off)
        link = &(*link)->next;
    return link;
}

/* The entry of the page at off, or NULL. Caller holds the lock. */
static struct pgcache_entry *find(struct pgcache *pc, offset_t off)
{
    struct pgcache_entry *e = *link_at(pc, off);
    return e && e->off == off ? e : NULL;
}

/* The fill happens under the cache's lock, so two views faulting on one
 * page at once get one frame, filled once. The frame is zeroed before the
 * fill, so the part of a page past a file's end reads as zeros. */
err_t pgcache_get(struct pgcache *pc, offset_t off, pgcache_fill_t fill, void *arg, paddr_t *pa)
{
    err_t err = ERR_OK;
    sleeplock_acquire(&pc->lock);
    struct pgcache_entry **link = link_at(pc, off);
    if (*link && (*link)->off == off) {
        *pa = (*link)->pa;
        pmem_inc_ref(*pa);
        goto out;
    }
    struct pgcache_entry *e = kmalloc(sizeof(*e));
    if (!e || pmem_alloc_zero(pa) != ERR_OK) {
        kfree(e);
        err = ERR_NOMEM;
        goto out;
    }
    if (fill && (err = fill(arg, off, *pa)) != ERR_OK) {
        pmem_free(*pa);
        kfree(e);
        goto out;
    }
    e->off = off;
    e->pa = *pa;
    e->writers = 0;
    e->next = *link;
    *link = e;
    pc->resident++;
    pmem_inc_ref(*pa);          /* one for the cache, one for the caller */
out:
    sleeplock_release(&pc->lock);
    return err;
}

/* Only the cache's references go: a frame some view still maps lives on
 * through the view's own reference until it is unmapped. */
void pgcache_truncate(struct pgcache *pc, offset_t off)
{
    sleeplock_acquire(&pc->lock);
    struct pgcache_entry **link = link_at(pc, off);
    while (*link) {
        struct pgcache_entry *e = *link;
        kassert(e->writers == 0);
        *link = e->next;
        pmem_free(e->pa);
        kfree(e);
        pc->resident--;
    }
    sleeplock_release(&pc->lock);
}

/* Without the lock: a count for statistics, stale by the time it is read
 * anyway. */
size_t pgcache_resident(struct pgcache *pc)
{
    return pc->resident;
}

/* A count, not a flag: the page stays dirty until every view that
 * stored to it has gone (pgcache.h). */
void pgcache_mark_dirty(struct pgcache *pc, offset_t off)
{
    sleeplock_acquire(&pc->lock);
    struct pgcache_entry *e = find(pc, off);
    kassert(e != NULL);
    e->writers++;
    sleeplock_release(&pc->lock);
}

/* Written back even if another view still has the page writable: each
 * view's stores reach the file when that view goes, whatever the others
 * do later. */
void pgcache_write_back(struct pgcache *pc, offset_t off, pgcache_put_t put, void *arg)
{
    sleeplock_acquire(&pc->lock);
    struct pgcache_entry *e = find(pc, off);
    kassert(e != NULL && e->writers > 0);
    put(arg, off, e->pa);
    e->writers--;
    sleeplock_release(&pc->lock);
}

/* The writers stay counted: the views are still there (halt writes
 * them back without unmapping anything). */
void pgcache_sync(struct pgcache *pc, pgcache_put_t put, void *arg)
{
    sleeplock_acquire(&pc->lock);
    for (struct pgcache_entry *e = pc->entries; e; e = e->next)
        if (e->writers > 0)
            put(arg, e->off, e->pa);
    sleeplock_release(&pc->lock);
}

/* A cached page may hold stores the disk has not seen yet, so read()
 * must take the cache's bytes when the page is there. */
bool pgcache_read(struct pgcache *pc, offset_t off, void *dst, size_t n)
{
    kassert(sleeplock_holding(&pc->lock));
    struct pgcache_entry *e = find(pc, pg_round_down(off));
    if (!e)
        return false;
    memcpy(dst, (uint8_t *)kmap_p2v(e->pa) + (off - e->off), n);
    return true;
}

/* write() reaches every cached page the range touches, so mappings see
 * its bytes at once; an uncached page will be read from the disk, which
 * write() updates too. */
void pgcache_write(struct pgcache *pc, offset_t off, const void *src, size_t n)
{
    kassert(sleeplock_holding(&pc->lock));
    offset_t end = off + (offset_t)n;
    for (struct pgcache_entry *e = *link_at(pc, pg_round_down(off)); e && e->off < end; e = e->next) {
        offset_t from = e->off > off ? e->off : off;
        offset_t page_end = e->off + (offset_t)PG_SIZE;
        offset_t to = page_end < end ? page_end : end;
        uint8_t *dst = (uint8_t *)kmap_p2v(e->pa) + (from - e->off);
        if (src)
            memcpy(dst, (const uint8_t *)src + (from - off), to - from);
        else
            memset(dst, 0, to - from);
    }
}
