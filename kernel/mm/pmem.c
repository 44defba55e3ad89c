/*
 * The physical frame allocator. Every frame of RAM has a struct page in one
 * array (pages[]); free frames are on a doubly linked free list threaded
 * through those structs, so a frame can be taken off the list by address
 * too (pmem_reserve, for what the firmware and the device tree hold). A
 * frame's refcount says how many users hold it: the frame goes back on the
 * list when the last one lets go.
 */
#include <kernel/pmem.h>
#include <kernel/console.h>
#include <kernel/string.h>
#include <kernel/synch.h>

#define PAGE_FREE 0x1

static struct {
    struct spinlock lock;        /* guards everything below; refcounts change atomically
                                  * without it (pmem.h) */
    struct page *pages;          /* one per frame from ram_start */
    size_t npages;
    paddr_t ram_start;
    struct list free;            /* the free frames, the next one to hand out first */
    size_t nfree;
    size_t ntotal;               /* frames ever handed to the free list */
} pmem;

/* A struct page's frame number from ram_start, and its physical address:
 * pages[] has no field for either, as its place in the array says both. */
static inline size_t page_index(struct page *pg) { return pg - pmem.pages; }
static inline paddr_t page_pa(struct page *pg) { return pmem.ram_start + page_index(pg) * PG_SIZE; }

/* One table of struct page, indexed from the start of RAM: O(1).
 * Contract in <kernel/pmem.h>. */
struct page *pmem_page(paddr_t pa)
{
    return &pmem.pages[(pa - pmem.ram_start) / PG_SIZE];
}

/* Frees go to the front: the next allocation reuses the frame freed
 * last. pmem.lock held. */
static void free_push(struct page *pg)
{
    list_prepend(&pmem.free, &pg->link);
    pg->flags |= PAGE_FREE;
    pmem.nfree++;
}

/* Unlinks pg wherever it is on the list (the links are double for
 * this). pmem.lock held. */
static void free_remove(struct page *pg)
{
    list_remove(&pg->link);
    pg->flags &= ~PAGE_FREE;
    pmem.nfree--;
}

/* The frames are pushed from the top down, so the lowest come out
 * first: a run uses the same frames boot after boot, which keeps
 * addresses in logs comparable. */
void pmem_init(paddr_t ram_start, paddr_t ram_end, paddr_t free_start, size_t max_frames)
{
    spinlock_init(&pmem.lock, "pmem", LOCK_PMEM);
    list_init(&pmem.free);
    pmem.ram_start = ram_start;
    pmem.npages = (ram_end - ram_start) / PG_SIZE;
    /* The struct page array takes the first frames after the kernel. */
    size_t meta = pmem.npages * sizeof(struct page);
    pmem.pages = kmap_p2v(free_start);
    memset(pmem.pages, 0, meta);
    free_start = pg_round_up(free_start + meta);
    /* A cap keeps the lowest frames: the ones above are never handed out. */
    paddr_t free_end = ram_end;
    if (max_frames && max_frames < (ram_end - free_start) / PG_SIZE)
        free_end = free_start + max_frames * PG_SIZE;
    for (paddr_t pa = free_end - PG_SIZE; pa >= free_start; pa -= PG_SIZE) {
        free_push(pmem_page(pa));
        pmem.ntotal++;
    }
}

/* Frames outside RAM or already taken are skipped, so a caller may
 * pass any range the device tree names. Reserved frames are no longer
 * counted in the total. */
void pmem_reserve(paddr_t start, paddr_t end)
{
    spinlock_acquire(&pmem.lock);
    for (paddr_t pa = pg_round_down(start); pa < end; pa += PG_SIZE) {
        if (pa < pmem.ram_start || (pa - pmem.ram_start) / PG_SIZE >= pmem.npages)
            continue;
        struct page *pg = pmem_page(pa);
        if (pg->flags & PAGE_FREE) {
            free_remove(pg);
            pmem.ntotal--;
        }
    }
    spinlock_release(&pmem.lock);
}

/* The head of the free list: O(1) under the lock. */
err_t pmem_alloc(paddr_t *pa)
{
    if (kalloc_fail_due())
        return ERR_NOMEM;
    spinlock_acquire(&pmem.lock);
    struct page *pg = list_first(&pmem.free, struct page, link);
    if (!pg) {
        spinlock_release(&pmem.lock);
        return ERR_NOMEM;
    }
    free_remove(pg);
    pg->refcount = 1;
    spinlock_release(&pmem.lock);
    *pa = page_pa(pg);
    return ERR_OK;
}

/* pmem_alloc, zero-filled (page tables, fresh user pages). */
err_t pmem_alloc_zero(paddr_t *pa)
{
    err_t err = pmem_alloc(pa);
    if (err == ERR_OK)
        memset(kmap_p2v(*pa), 0, PG_SIZE);
    return err;
}

/* References change with atomic instructions: the lock is needed only
 * when the last one goes and the frame joins the free list. */
void pmem_free(paddr_t pa)
{
    struct page *pg = pmem_page(pa);
    uint32_t before = __atomic_fetch_sub(&pg->refcount, 1, __ATOMIC_ACQ_REL);
    kassert(before > 0);
    if (before == 1) {
        spinlock_acquire(&pmem.lock);
        free_push(pg);
        spinlock_release(&pmem.lock);
    }
}

/* Relaxed: the caller holds a reference already, so the frame cannot be
 * freed meanwhile; the assertion catches one taken on a free frame. */
void pmem_inc_ref(paddr_t pa)
{
    struct page *pg = pmem_page(pa);
    uint32_t before = __atomic_fetch_add(&pg->refcount, 1, __ATOMIC_RELAXED);
    kassert(before > 0);
}

/* Acquire, pairing with pmem_free's release: copy-on-write decides from
 * a count of 1 that the caller is the frame's only user. */
uint32_t pmem_refcount(paddr_t pa)
{
    return __atomic_load_n(&pmem_page(pa)->refcount, __ATOMIC_ACQUIRE);
}

/* Without the lock: a statistic (info(), the runner's leak check reads
 * it when nothing else runs). */
size_t pmem_free_pages(void)
{
    return pmem.nfree;
}

/* Constant after boot. Contract in <kernel/pmem.h>. */
size_t pmem_total_pages(void)
{
    return pmem.ntotal;
}
