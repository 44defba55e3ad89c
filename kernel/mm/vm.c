/*
 * Address spaces: the list of memregions of a process and the page table
 * that realizes them (contract in vm.h). Pages are filled on first touch
 * by the fault path; this file creates, copies, resizes and tears down.
 */
#include <kernel/vm.h>
#include <kernel/console.h>
#include <kernel/kmalloc.h>
#include <kernel/memstore.h>
#include <kernel/pmem.h>
#include <kernel/proc.h>
#include <kernel/string.h>
#include <kernel/thread.h>
#include <kernel/trap.h>
#include <kernel/vpmap.h>
#include <lib/layout.h>

static struct kmem_cache *memregion_cache;

/* Memregions are many small objects of one size: a cache of their own.
 * Contract in <kernel/vm.h>. */
void vm_init(void)
{
    memregion_cache = kmem_cache_create("memregion", sizeof(struct memregion));
    if (!memregion_cache)
        panic("vm_init: no kmem_cache");
}

/* Zeroed, as has no regions and no ASID yet (a zero generation is always
 * stale, tlb.c). Contract in <kernel/vm.h>. */
err_t as_init(struct addrspace *as)
{
    memset(as, 0, sizeof(*as));
    sleeplock_init(&as->lock, "addrspace", LOCK_ADDRSPACE);
    return vpmap_create_root(&as->root);
}

/* Only a shared view writes back: a private mapping's stores go to its
 * own copies. Contract in <kernel/vm.h>. */
bool memregion_writes_back(struct memregion *r)
{
    return r->shared && r->store->ops->write_back;
}

/* Writes back a page the view being freed maps writable (a store that
 * tracks its dirty pages gave it write permission on its first store). */
static void write_back_page(vaddr_t va, paddr_t pa, int flags, void *arg)
{
    struct memregion *r = arg;
    (void)pa;
    if (flags & MEMPERM_W)
        r->store->ops->write_back(r->store, r->offset + (va - r->start));
}

/* The store's side of r going away, before its pages do: writes back
 * what a view of a store that writes back stored to (its pages mapped in
 * root), and tells the store the view is closed. */
static void memregion_close(struct addrspace *as, paddr_t root, struct memregion *r)
{
    if (memregion_writes_back(r))
        vpmap_walk(root, r->start, r->end, write_back_page, r);
    if (r->store->ops->view_closed)
        r->store->ops->view_closed(r->store, as->pid, r);
}

/* Frees r itself, and its hold on the store, once its pages are gone
 * (their references dropped): a store that writes back then lets go of
 * the pages r covered that no view maps any more (memstore.h). */
static void memregion_free(struct memregion *r)
{
    if (memregion_writes_back(r))
        r->store->ops->drop_unmapped(r->store, r->offset, r->offset + (r->end - r->start));
    memstore_put(r->store);
    kmem_cache_free(memregion_cache, r);
}

/* The store hears of the close (write-back, view_closed) while r's pages
 * are still mapped; then they go. Contract in <kernel/vm.h>. */
void as_unmap_region(struct addrspace *as, struct memregion *r)
{
    struct memregion **link = &as->regions;
    while (*link != r)
        link = &(*link)->next;
    *link = r->next;
    if (as->heap == r)
        as->heap = NULL;
    if (as->stack == r)
        as->stack = NULL;
    memregion_close(as, as->root, r);
    /* Cannot fail: fork shares a leaf table only for a span whose regions
     * are all private anonymous memory, which is never unmapped here (r
     * is a view or a file mapping); one placed in such a span later maps
     * its pages in a copy (vpmap_own_table). So r's entries are in tables
     * of this space's own, and a shared table holds none of them. */
    if (vpmap_unmap_range(as->root, &as->tlb, r->start, r->end) != ERR_OK)
        panic("as_unmap_region: a shared leaf table across a region's edge");
    memregion_free(r);
}

/*
 * Top-down first fit. A candidate must leave a free page on each side,
 * not only fit: so the byte after every view is a guard that faults,
 * however earlier views came and went. One pass over the sorted list,
 * each gap between two regions (with a guard page inside each end) a
 * candidate at its top: the old search, moving below one clashing region
 * per scan of the whole list, cost a cube of the region count, and 3000
 * one-page mappings took minutes of kernel time.
 */
err_t as_find_free(struct addrspace *as, size_t size, vaddr_t *start)
{
    /* Leave the stack its whole window and one guard page below it. */
    vaddr_t top = USTACK_LOWERBOUND - PG_SIZE;
    vaddr_t floor = as->heap ? as->heap->end + PG_SIZE : PG_SIZE;
    if (size == 0 || size > top)
        return ERR_NOMEM;
    bool found = false;
    vaddr_t gap_start = floor;   /* the lowest start the current gap allows */
    for (struct memregion *r = as->regions;; r = r->next) {
        if (r && (r == as->stack || r->start >= r->end))
            continue;
        /* The gap ends below r (with a guard page), or at top after the last. */
        vaddr_t limit = r && r->start < top + PG_SIZE ? r->start - PG_SIZE : top;
        if (limit >= size && limit - size >= gap_start) {
            *start = limit - size;
            found = true;
        }
        if (!r || limit == top)
            break;
        if (r->end + PG_SIZE > gap_start)
            gap_start = r->end + PG_SIZE;
    }
    return found ? ERR_OK : ERR_NOMEM;
}

/* Exit's teardown (exit.c), and that of a process undone before it ever
 * ran (proc_discard, proc.c). Contract in <kernel/vm.h>. */
void as_destroy(struct addrspace *as)
{
    if (!as->root)
        return;
    /* Closing the regions may sleep (shm, file write-back), and the
     * scheduler would then put an exiting process back on its table. Clear
     * root first, so any later switch to this process uses the kernel's
     * table (as_activate): the space never runs again, which is what lets
     * vpmap_destroy_root free its frames without a flush (vpmap.h). */
    paddr_t root = as->root;
    as->root = 0;
    for (struct memregion *r = as->regions; r; r = r->next)
        memregion_close(as, root, r);
    /* The regions are freed once their pages are gone, so a store hears
     * of no view still mapping a page when it lets go of unmapped ones
     * (memregion_free): a file mapped twice loses both views first. */
    vpmap_destroy_root(root);
    for (struct memregion *r = as->regions, *next; r; r = next) {
        next = r->next;
        memregion_free(r);
    }
    as->regions = as->heap = as->stack = NULL;
}

/* The scheduler's switch into a thread's process (sched.c). Contract in
 * <kernel/vm.h>. */
void as_activate(struct addrspace *as)
{
    /* A process whose table is gone (as_destroy in exit) may still sleep
     * before it is a zombie (shm_exit takes a sleeplock); when it runs
     * again it runs only kernel code, on the kernel's table. */
    if (as->root)
        vpmap_activate(as->root, &as->tlb);
    else
        vpmap_activate_kernel();
}

/* The one maker of memregions, for as_map_store and fork's copy alike: a
 * region like init, with its own reference on the store, linked in at
 * *link (the caller found the place that keeps the list sorted). NULL on
 * no memory. */
static struct memregion *memregion_link(struct memregion **link, const struct memregion *init)
{
    struct memregion *r = kmem_cache_alloc(memregion_cache);
    if (!r)
        return NULL;
    *r = *init;
    memstore_get(r->store);
    r->next = *link;
    *link = r;
    return r;
}

/* Adds a region backed by store (anonymous, shm or a file) after checking
 * it is page-aligned, in user space and overlaps no other; pages come in
 * on demand through the fault path. One walk of the sorted list, which
 * ends at the first region starting at or above end: none from there on
 * can overlap. Contract in <kernel/vm.h>. */
err_t as_map_store(struct addrspace *as, vaddr_t start, vaddr_t end, int perm, bool shared,
                   struct memstore *store, offset_t offset, const char *kind,
                   struct memregion **out)
{
    if (!pg_aligned(start) || !pg_aligned(end) || end < start || end > USER_TOP || start == 0)
        return ERR_INVAL;
    struct memregion **link = &as->regions;      /* after the last region starting below */
    for (struct memregion *r = as->regions; r && r->start < end; r = r->next) {
        /* Non-empty regions may not overlap (an empty heap overlaps nothing). */
        if (start < end && r->start < r->end && start < r->end)
            return ERR_INVAL;
        if (r->start < start)
            link = &r->next;
    }
    struct memregion init = { .start = start, .end = end, .perm = perm, .shared = shared,
                              .store = store, .offset = offset, .kind = kind };
    struct memregion *r = memregion_link(link, &init);
    if (!r)
        return ERR_NOMEM;
    if (out)
        *out = r;
    return ERR_OK;
}

/* An anonymous region (heap, stack, bss, text before loading), backed by
 * the one anonymous store that serves them all (memstore.h): the region
 * takes a reference of its own, so the one memstore_anonymous gave is
 * dropped. Contract in <kernel/vm.h>. */
err_t as_map_region(struct addrspace *as, vaddr_t start, vaddr_t end, int perm, const char *kind,
                    struct memregion **out)
{
    struct memstore *anon = memstore_anonymous();
    err_t err = as_map_store(as, start, end, perm, false, anon, 0, kind, out);
    memstore_put(anon);
    return err;
}

/* A linear walk of the sorted list: a process has a handful of regions.
 * Contract in <kernel/vm.h>. */
struct memregion *as_find_region(struct addrspace *as, vaddr_t va)
{
    for (struct memregion *r = as->regions; r; r = r->next)
        if (va >= r->start && va < r->end)
            return r;
    return NULL;
}

/* What as_copy's page walk (vpmap_walk, copy_page) carries: the space
 * the copies go to, and the first error, after which it copies nothing. */
struct copy_ctx {
    struct addrspace *dst;
    err_t err;
};

/* Gives dst its own copy of the page at va (eager fork: fork_copy, which
 * the benchmarks compare with copy-on-write). */
static void copy_page(vaddr_t va, paddr_t pa, int flags, void *arg)
{
    struct copy_ctx *ctx = arg;
    if (ctx->err != ERR_OK)
        return;
    paddr_t copy;
    if ((ctx->err = pmem_alloc(&copy)) != ERR_OK)
        return;
    memcpy(kmap_p2v(copy), kmap_p2v(pa), PG_SIZE);
    if ((ctx->err = vpmap_map(ctx->dst->root, va, copy, flags)) != ERR_OK)
        pmem_free(copy);
}

#define SHARE_MIN (VPMAP_SPAN / 4)   /* of a span regions must cover to share it */

/* Where fork is in the parent's region list, for span_shareable: fork
 * asks about spans in ascending order (regions in list order, the spans
 * of each upwards), so the walk only moves forward, and a span shared by
 * several small regions is judged once. */
struct span_cursor {
    struct memregion *r;         /* regions before it end at or below the span asked */
    struct memstore *anon;       /* the anonymous store */
    vaddr_t span;                /* the last span judged, if judged */
    bool judged, shareable;
};

/* True if fork shares the leaf table of the span at va: every region
 * touching it is private anonymous memory, and they cover a quarter of it
 * at least, or one of them is large (a whole span or more: a big heap's
 * last span, where it grows). A sparse span of small regions (a small
 * program's text, its stack) is copied entry by entry instead: a few
 * entries cost less than both sides write-protecting, copying and freeing
 * a whole table. A large region's end is shared all the same: fork then
 * costs the same step as its inner spans, and the table is copied only
 * by a side that writes there (a child that exits at once never does).
 * va is at or above the span of the last call with cursor c. */
static bool span_shareable(struct span_cursor *c, vaddr_t va)
{
    if (c->judged && c->span == va)
        return c->shareable;
    while (c->r && c->r->end <= va)
        c->r = c->r->next;           /* no later span reaches back to it */
    bool ok = true, large = false;
    size_t covered = 0;
    vaddr_t end = va + VPMAP_SPAN;
    for (struct memregion *r = c->r; r && r->start < end; r = r->next) {
        if (r->end <= va)
            continue;                /* an empty region at va */
        if (r->shared || r->store != c->anon)
            ok = false;
        large |= r->end - r->start >= VPMAP_SPAN;
        covered += (r->end < end ? r->end : end) - (r->start > va ? r->start : va);
    }
    c->judged = true;
    c->span = va;
    c->shareable = ok && (covered >= SHARE_MIN || large);
    return c->shareable;
}

/* Fork of private anonymous region r: the spans it touches are shared
 * whole where span_shareable, copied entry by entry elsewhere. The spans r
 * covers alone (the inner spans of a large heap) are shareable without
 * asking the region list, and go to vpmap_share_spans in one call: fork's
 * cost per span is kept to the table's. The spans of the parent's user pc
 * and stack pointer are hot (vpmap_share_spans). */
static err_t copy_anon_region(struct addrspace *dst, struct addrspace *src,
                              struct memregion *r, struct span_cursor *c, bool *flush)
{
    struct trapframe *tf = thread_current()->tf;
    const vaddr_t hot[2] = { tf->sepc, tf->sp };
    vaddr_t lo = r->start & ~(VPMAP_SPAN - 1);
    vaddr_t hi = (r->end + VPMAP_SPAN - 1) & ~(VPMAP_SPAN - 1);
    vaddr_t inner = (r->start + VPMAP_SPAN - 1) & ~(VPMAP_SPAN - 1);
    vaddr_t inner_end = r->end & ~(VPMAP_SPAN - 1);
    if (inner >= inner_end)
        inner = inner_end = hi;          /* no span wholly inside */
    err_t err = ERR_OK;
    for (vaddr_t va = lo; va < hi && err == ERR_OK; va += VPMAP_SPAN) {
        if (va == inner) {
            err = vpmap_share_spans(dst->root, src->root, inner, inner_end, hot, flush);
            va = inner_end - VPMAP_SPAN;
        } else if (span_shareable(c, va)) {
            err = vpmap_share_spans(dst->root, src->root, va, va + VPMAP_SPAN, hot, flush);
        } else {
            vaddr_t end = va + VPMAP_SPAN < r->end ? va + VPMAP_SPAN : r->end;
            err = vpmap_copy_range(dst->root, src->root, va > r->start ? va : r->start, end, true,
                                   flush);
        }
    }
    return err;
}

/* Fork: each region is recreated in dst as its store's inherit hook says,
 * then its pages shared, copied or left to fault in. Linear in the
 * regions: src's list is sorted and disjoint, so each copy goes at dst's
 * tail (no search for its place, no overlap to check), and the spans are
 * judged through a cursor. Holds src->lock; src's one flush is the
 * caller's (as_flush). Contract in <kernel/vm.h>. */
err_t as_copy(struct addrspace *dst, struct addrspace *src, bool eager, bool *flush)
{
    struct copy_ctx ctx = { .dst = dst, .err = ERR_OK };
    *flush = false;
    sleeplock_acquire(&src->lock);
    struct span_cursor cursor = { .r = src->regions, .anon = memstore_anonymous() };
    struct memregion **tail = &dst->regions;
    for (struct memregion *r = src->regions; r && ctx.err == ERR_OK; r = r->next) {
        int perm = r->store->ops->inherit ? r->store->ops->inherit(r->store, r->perm) : r->perm;
        if (perm == 0)
            continue;            /* e.g. an RS_NOINHERIT shared region */
        struct memregion init = *r;
        init.perm = perm;
        struct memregion *copy = memregion_link(tail, &init);
        if (!copy) {
            ctx.err = ERR_NOMEM;
            break;
        }
        tail = &copy->next;
        if (r == src->heap)
            dst->heap = copy;
        if (r == src->stack)
            dst->stack = copy;
        if (r->store->ops->view_inherited) {
            ctx.err = r->store->ops->view_inherited(r->store, dst->pid, copy);
            if (ctx.err != ERR_OK)
                break;
        }
        if (eager && !r->shared)
            vpmap_walk(src->root, r->start, r->end, copy_page, &ctx);
        else if (!r->shared && r->store == cursor.anon)
            ctx.err = copy_anon_region(dst, src, r, &cursor, flush);
        else if (!memregion_writes_back(r) && perm == r->perm)
            /* shared frames as they are; private ones copy-on-write */
            ctx.err = vpmap_copy_range(dst->root, src->root, r->start, r->end, !r->shared,
                                       flush);
        /* else: the child faults the pages in, with its own permission, and
         * read-only first in a view of a store that writes back, so that
         * its stores are counted as a new view's (memstore.h) */
    }
    dst->brk = src->brk;
    sleeplock_release(&src->lock);
    memstore_put(cursor.anon);
    return ctx.err;
}

/* The parent's writable entries became read-only, or its leaf tables
 * were detached: one flush, wherever they may be cached. Contract in
 * <kernel/vm.h>. */
void as_flush(struct addrspace *as)
{
    vpmap_flush_space(&as->tlb);
}

/* Growing only moves heap->end (pages fault in on first touch; free
 * frames are checked now); shrinking unmaps. Under as->lock. Contract in
 * <kernel/vm.h>. */
err_t as_sbrk(struct addrspace *as, long increment, vaddr_t *old)
{
    err_t err = ERR_OK;
    sleeplock_acquire(&as->lock);
    struct memregion *heap = as->heap;
    vaddr_t brk = as->brk;
    vaddr_t new_brk = brk + increment;
    *old = brk;
    if (increment > 0) {
        /* Room below the next region, and frames enough to back it. The
         * stack's growth window may be reached; a view or file mapping
         * keeps a free guard page below it, as as_find_free leaves above
         * the heap's end, so a run off the heap's end faults before it
         * reaches a view. */
        vaddr_t limit = USER_TOP;
        if (heap->next)
            limit = heap->next == as->stack ? USTACK_LOWERBOUND : heap->next->start - PG_SIZE;
        size_t new_pages = (pg_round_up(new_brk) - heap->end) / PG_SIZE;
        if (new_brk < brk || new_brk > limit || new_pages > pmem_free_pages())
            err = ERR_NOMEM;
        else
            heap->end = pg_round_up(new_brk);
    } else if (increment < 0) {
        if (new_brk > brk || new_brk < heap->start) {
            new_brk = brk;       /* below the heap: osv treats it as sbrk(0) */
        } else {
            vaddr_t new_end = pg_round_up(new_brk);
            err = vpmap_unmap_range(as->root, &as->tlb, new_end, heap->end);
            if (err == ERR_OK)
                heap->end = new_end;
        }
    }
    if (err == ERR_OK)
        as->brk = new_brk;
    sleeplock_release(&as->lock);
    return err;
}

/* vpmap_walk's callback for as_resident_pages: counts the page in the
 * size_t at arg. */
static void count_page(vaddr_t va, paddr_t pa, int flags, void *arg)
{
    (void)va, (void)pa, (void)flags;
    (*(size_t *)arg)++;
}

/* The resident (mapped) pages of [start, end), for as_print: it walks the
 * page table, not the regions, so it counts what has been faulted in. */
static size_t as_resident_pages(struct addrspace *as, vaddr_t start, vaddr_t end)
{
    size_t n = 0;
    vpmap_walk(as->root, start, end, count_page, &n);
    return n;
}

/* meminfo's dump, one line a region; holds as->lock so the list stays
 * put while printed. A kill ends it between two lines: thousands of
 * regions print for seconds, and Ctrl-C must not wait for the last.
 * Contract in <kernel/vm.h>. */
void as_print(struct addrspace *as)
{
    struct proc *p = proc_current();
    sleeplock_acquire(&as->lock);
    kprintf("meminfo: start              end                perm kind    type     resident\n");
    for (struct memregion *r = as->regions; r && !proc_killed(p); r = r->next) {
        kprintf("meminfo: 0x%016lx 0x%016lx %c%c%c  %-7s %-8s %lu\n", r->start, r->end,
                r->perm & MEMPERM_R ? 'r' : '-', r->perm & MEMPERM_W ? 'w' : '-',
                r->perm & MEMPERM_X ? 'x' : '-', r->kind, r->shared ? "shared" : "private",
                as_resident_pages(as, r->start, r->end));
    }
    sleeplock_release(&as->lock);
}

/* Every byte of the range must be reachable by the rules of the fault
 * path (pgfault.c): a region granting perm, or the stack's growth window,
 * whose pages the fault path gives read and write. */
bool as_may_access(struct addrspace *as, vaddr_t va, size_t n, int perm)
{
    if (n == 0 || va + n < va || va + n > USER_TOP)
        return false;
    bool ok = true;
    sleeplock_acquire(&as->lock);
    /* A region at a time: a buffer of many pages costs one step per region. */
    for (vaddr_t at = va; ok && at < va + n;) {
        struct memregion *r = as_find_region(as, at);
        if (r) {
            ok = (r->perm & perm) == perm;
            at = r->end;
        } else if (at >= USTACK_LOWERBOUND && at < USTACK_UPPERBOUND && as->stack) {
            at = as->stack->start;    /* the window ends where the stack begins */
        } else {
            ok = false;
        }
    }
    sleeplock_release(&as->lock);
    return ok;
}
