/*
 * The physical frame allocator. Every frame of RAM has a struct page in one
 * array (pages[]); free frames are on a doubly linked free list threaded
 * through those structs, so a frame can be taken off the list by index too
 * (pmem_alloc_contig). A frame's refcount says how many users hold it: the
 * frame goes back on the list when the last one lets go.
 */
#include <kernel/pmem.h>
#include <kernel/console.h>
#include <kernel/string.h>
#include <kernel/synch.h>

#define PAGE_FREE 0x1

static struct {
    struct spinlock lock;        /* guards everything below and every refcount */
    struct page *pages;          /* one per frame from ram_start */
    size_t npages;
    paddr_t ram_start;
    struct page free_head;       /* sentinel of the free list */
    size_t nfree;
    size_t ntotal;               /* frames ever handed to the free list */
} pmem;

static inline size_t page_index(struct page *pg) { return pg - pmem.pages; }
static inline paddr_t page_pa(struct page *pg) { return pmem.ram_start + page_index(pg) * PG_SIZE; }

struct page *pmem_page(paddr_t pa)
{
    return &pmem.pages[(pa - pmem.ram_start) / PG_SIZE];
}

static void list_push(struct page *pg)
{
    struct page *head = &pmem.free_head;
    pg->next = head->next;
    pg->prev = head;
    if (head->next)
        head->next->prev = pg;
    head->next = pg;
    pg->flags |= PAGE_FREE;
    pmem.nfree++;
}

static void list_remove(struct page *pg)
{
    struct page *prev = pg->prev;
    prev->next = pg->next;
    if (pg->next)
        pg->next->prev = prev;
    pg->flags &= ~PAGE_FREE;
    pmem.nfree--;
}

void pmem_init(paddr_t ram_start, paddr_t ram_end, paddr_t free_start, size_t max_frames)
{
    spinlock_init(&pmem.lock, "pmem", LOCK_PMEM);
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
        list_push(pmem_page(pa));
        pmem.ntotal++;
    }
}

void pmem_reserve(paddr_t start, paddr_t end)
{
    spinlock_acquire(&pmem.lock);
    for (paddr_t pa = pg_round_down(start); pa < end; pa += PG_SIZE) {
        if (pa < pmem.ram_start || (pa - pmem.ram_start) / PG_SIZE >= pmem.npages)
            continue;
        struct page *pg = pmem_page(pa);
        if (pg->flags & PAGE_FREE) {
            list_remove(pg);
            pmem.ntotal--;
        }
    }
    spinlock_release(&pmem.lock);
}

err_t pmem_alloc(paddr_t *pa)
{
    spinlock_acquire(&pmem.lock);
    struct page *pg = pmem.free_head.next;
    if (!pg) {
        spinlock_release(&pmem.lock);
        return ERR_NOMEM;
    }
    list_remove(pg);
    pg->refcount = 1;
    spinlock_release(&pmem.lock);
    *pa = page_pa(pg);
    return ERR_OK;
}

err_t pmem_alloc_zero(paddr_t *pa)
{
    err_t err = pmem_alloc(pa);
    if (err == ERR_OK)
        memset(kmap_p2v(*pa), 0, PG_SIZE);
    return err;
}

err_t pmem_alloc_contig(size_t n, paddr_t *pa)
{
    spinlock_acquire(&pmem.lock);
    size_t run = 0;
    for (size_t i = 0; i < pmem.npages; i++) {
        run = (pmem.pages[i].flags & PAGE_FREE) ? run + 1 : 0;
        if (run == n) {
            for (size_t j = i + 1 - n; j <= i; j++) {
                list_remove(&pmem.pages[j]);
                pmem.pages[j].refcount = 1;
            }
            spinlock_release(&pmem.lock);
            *pa = page_pa(&pmem.pages[i + 1 - n]);
            return ERR_OK;
        }
    }
    spinlock_release(&pmem.lock);
    return ERR_NOMEM;
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
        list_push(pg);
        spinlock_release(&pmem.lock);
    }
}

void pmem_inc_ref(paddr_t pa)
{
    struct page *pg = pmem_page(pa);
    uint32_t before = __atomic_fetch_add(&pg->refcount, 1, __ATOMIC_RELAXED);
    kassert(before > 0);
}

uint32_t pmem_refcount(paddr_t pa)
{
    return __atomic_load_n(&pmem_page(pa)->refcount, __ATOMIC_ACQUIRE);
}

size_t pmem_free_pages(void)
{
    return pmem.nfree;
}

size_t pmem_total_pages(void)
{
    return pmem.ntotal;
}
