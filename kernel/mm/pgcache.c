/*
 * Page caches (contract in pgcache.h): a sorted list of (offset, frame)
 * under a sleeplock. Regions are small in a teaching kernel; a list keeps
 * the code obvious, and pgcache.h hides it should a tree ever be needed.
 */
#include <kernel/pgcache.h>
#include <kernel/kmalloc.h>
#include <kernel/pmem.h>

struct pgcache_entry {
    offset_t off;
    paddr_t pa;
    struct pgcache_entry *next;
};

void pgcache_init(struct pgcache *pc)
{
    sleeplock_init(&pc->lock, "pgcache");
    pc->entries = NULL;
    pc->resident = 0;
}

err_t pgcache_get(struct pgcache *pc, offset_t off, pgcache_fill_t fill, void *arg, paddr_t *pa)
{
    err_t err = ERR_OK;
    sleeplock_acquire(&pc->lock);
    struct pgcache_entry **link = &pc->entries;
    while (*link && (*link)->off < off)
        link = &(*link)->next;
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
    e->next = *link;
    *link = e;
    pc->resident++;
    pmem_inc_ref(*pa);          /* one for the cache, one for the caller */
out:
    sleeplock_release(&pc->lock);
    return err;
}

void pgcache_for_each(struct pgcache *pc, void (*fn)(offset_t off, paddr_t pa, void *arg), void *arg)
{
    sleeplock_acquire(&pc->lock);
    for (struct pgcache_entry *e = pc->entries; e; e = e->next)
        fn(e->off, e->pa, arg);
    sleeplock_release(&pc->lock);
}

void pgcache_truncate(struct pgcache *pc, offset_t off)
{
    sleeplock_acquire(&pc->lock);
    struct pgcache_entry **link = &pc->entries;
    while (*link && (*link)->off < off)
        link = &(*link)->next;
    while (*link) {
        struct pgcache_entry *e = *link;
        *link = e->next;
        pmem_free(e->pa);
        kfree(e);
        pc->resident--;
    }
    sleeplock_release(&pc->lock);
}

size_t pgcache_resident(struct pgcache *pc)
{
    return pc->resident;
}
