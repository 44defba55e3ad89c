/*
 * The page fault path (contract in pgfault.h). Every page fault, from user
 * mode or from a kernel copy helper, comes here with scause and stval and
 * is decided by the memregion covering the address:
 *
 *   no region, or the region lacks the permission      -> refuse (ERR_FAULT)
 *   below the stack, within its 10-page limit           -> grow the stack
 *   in a leaf table fork shared (vpmap.h)               -> a store, or a page
 *       to map: copy the table for this side; else attach it read-only;
 *       then on as below
 *   page absent                                         -> ask the region's
 *       memstore: a zero page (anonymous), the shared frame (shared view),
 *       or a private copy of the store's page (private file mapping)
 *   write to a read-only page of a writable private
 *   region (copy-on-write after fork):
 *       frame has other references                      -> copy it
 *       we hold the only reference                      -> make it writable
 *   write to a read-only page of a writable shared
 *   file mapping (not stored to yet)                    -> mark it dirty in
 *       the page cache, make it writable
 *   page present with the access already allowed        -> stale TLB, or a
 *       hart that leaves D to software: set D on a write, flush
 *
 * A shared file mapping's page faulted in by a load or fetch is mapped
 * without write permission, so its first store comes back here and is
 * counted (memstore.h); a page mapped for a store gets D at once (vpmap.h).
 * pgfault_count counts every fault, cow_copy_count every frame copied
 * (info() hands them out as sys_info's num_pgfault and cow_copies;
 * vpmap's table_copies counts the leaf tables copied).
 */
#include <kernel/pgfault.h>
#include <kernel/console.h>
#include <kernel/memstore.h>
#include <kernel/pmem.h>
#include <kernel/proc.h>
#include <kernel/riscv.h>
#include <kernel/string.h>
#include <kernel/trap.h>
#include <kernel/uaccess.h>
#include <kernel/vm.h>
#include <kernel/vpmap.h>
#include <lib/layout.h>

volatile uint64_t pgfault_count;
volatile uint64_t cow_copy_count;

/* The FAULT_* access a page fault's scause stands for: a fetch, a store
 * (AMOs fault as stores), or else a load. */
static int access_of(uint64_t scause)
{
    switch (scause) {
    case EXC_INST_PAGE_FAULT: return FAULT_EXEC;
    case EXC_STORE_PAGE_FAULT: return FAULT_WRITE;
    default: return FAULT_READ;
    }
}

/* The region for va, growing the stack down to va if va is in its window. */
static struct memregion *memregion_for(struct addrspace *as, vaddr_t va)
{
    struct memregion *r = as_find_region(as, va);
    struct memregion *stack = as->stack;
    if (!r && stack && va < stack->start && va >= USTACK_LOWERBOUND) {
        stack->start = pg_round_down(va);
        r = stack;
    }
    return r;
}

/* In *pa, a frame with the contents of r's page at page, for mapping
 * there: the store's frame itself for a shared view (the same frame in
 * every view) and for anonymous memory (a fresh zero page), a copy the
 * store does not keep for a private mapping of a file (its stores must
 * reach neither the file nor the other views, and its pages must go with
 * it). ERR_NOMEM, or the store's I/O error. */
static err_t fill_page(struct memregion *r, vaddr_t page, paddr_t *pa)
{
    offset_t off = r->offset + (page - r->start);
    if (!r->shared && r->store->ops->copypage)
        return r->store->ops->copypage(r->store, off, pa);
    return r->store->ops->fillpage(r->store, off, pa);
}

/* Write fault on a present read-only page of a writable private region. */
static err_t break_cow(struct addrspace *as, vaddr_t page, paddr_t pa, int flags)
{
    if (pmem_refcount(pa) == 1)
        return vpmap_set_flags(as->root, &as->tlb, page, flags | MEMPERM_W | VPMAP_DIRTY);
    paddr_t copy, old;
    if (pmem_alloc(&copy) != ERR_OK)
        return ERR_NOMEM;
    memcpy(kmap_p2v(copy), kmap_p2v(pa), PG_SIZE);
    err_t err = vpmap_remap(as->root, &as->tlb, page, copy, flags | MEMPERM_W | VPMAP_DIRTY, &old);
    if (err != ERR_OK) {
        pmem_free(copy);
        return err;
    }
    pmem_free(old);              /* our reference to the shared frame, flushed everywhere */
    __atomic_fetch_add(&cow_copy_count, 1, __ATOMIC_RELAXED);
    return ERR_OK;
}

/* A fault on a page that is mapped, but not for this access: a stale TLB
 * entry or a table attached read-only (the flags allow it: set them, D
 * included for a store), a copy-on-write break (a store to a private
 * page), or a shared file page's first store (marked dirty, then
 * writable). Anything else is ERR_FAULT. as->lock held. */
static err_t fix_mapped(struct addrspace *as, struct memregion *r, vaddr_t page, int access,
                        paddr_t pa, int flags)
{
    int dirty = access == FAULT_WRITE ? VPMAP_DIRTY : 0;
    if ((flags & access) == access)
        return vpmap_set_flags(as->root, &as->tlb, page, flags | dirty);
    if (access == FAULT_WRITE && !r->shared)
        return break_cow(as, page, pa, flags);
    if (access == FAULT_WRITE && memregion_writes_back(r)) {
        r->store->ops->mark_dirty(r->store, r->offset + (page - r->start));
        return vpmap_set_flags(as->root, &as->tlb, page, flags | MEMPERM_W | VPMAP_DIRTY);
    }
    return ERR_FAULT;
}

/* A fault on a page not mapped yet: its frame from the region's store,
 * mapped with the region's permissions (a written-back page read-only
 * until its first store, so that store marks it dirty). as->lock held. */
static err_t map_new(struct memregion *r, struct addrspace *as, vaddr_t page, int access)
{
    paddr_t pa;
    err_t err = fill_page(r, page, &pa);
    if (err != ERR_OK)
        return err;
    int flags = r->perm | VPMAP_USER | (access == FAULT_WRITE ? VPMAP_DIRTY : 0);
    if (memregion_writes_back(r) && access != FAULT_WRITE)
        flags &= ~MEMPERM_W;                     /* until its first store */
    if ((err = vpmap_map(as->root, page, pa, flags)) != ERR_OK) {
        pmem_free(pa);
        return err;
    }
    /* Counted once mapped; no store can reach the page before this
     * returns (this thread is the address space's only one). */
    if (memregion_writes_back(r) && access == FAULT_WRITE)
        r->store->ops->mark_dirty(r->store, r->offset + (page - r->start));
    return ERR_OK;
}

/* The one fault path (contract in <kernel/pgfault.h>): finds the region,
 * checks its permission, makes the page's leaf table this space's own if
 * fork shared it, then fixes a mapped page or maps a new one. */
err_t pgfault_resolve(struct addrspace *as, uint64_t va, int access)
{
    __atomic_fetch_add(&pgfault_count, 1, __ATOMIC_RELAXED);
    if (va >= USER_TOP)
        return ERR_FAULT;
    vaddr_t page = pg_round_down(va);
    err_t err = ERR_FAULT;
    sleeplock_acquire(&as->lock);
    struct memregion *r = memregion_for(as, va);
    if (!r || (r->perm & access) != access)
        goto out;
    /* A leaf table shared by fork: copied if an entry is to change (a
     * store, or a page to map), else attached read-only (vpmap.h). */
    bool present = vpmap_lookup(as->root, page, NULL, NULL);
    err = vpmap_own_table(as->root, &as->tlb, page, access == FAULT_WRITE || !present);
    if (err != ERR_OK)
        goto out;
    paddr_t pa;
    int flags;
    if (vpmap_lookup(as->root, page, &pa, &flags))
        err = fix_mapped(as, r, page, access, pa, flags);
    else
        err = map_new(r, as, page, access);
out:
    sleeplock_release(&as->lock);
    return err;
}

/* A fault from user mode: resolved, or the process is killed, with "out
 * of memory" when a region allowed the access but no frame was left. */
void pgfault_user(struct trapframe *tf)
{
    struct proc *p = proc_current();
    err_t err = pgfault_resolve(&p->as, tf->stval, access_of(tf->scause));
    if (err == ERR_NOMEM)
        proc_kill_current("out of memory", tf->stval, tf->sepc);
    if (err != ERR_OK)
        proc_kill_current(trap_cause_name(tf->scause), tf->stval, tf->sepc);
}

/* A fault in kernel mode: a spurious one on a just-mapped kernel stack is
 * retried, one in a copy helper (extable) is resolved or sent to its
 * fixup, and anything else is a kernel bug (panic). */
void pgfault_kernel(struct trapframe *tf)
{
    if (tf->scause != EXC_INST_PAGE_FAULT && vpmap_kstack_spurious(tf->stval))
        return;                  /* a stack mapped after this hart last fenced: retry */
    uint64_t fixup = extable_lookup(tf->sepc);
    if (!fixup) {
        if (vpmap_is_kstack_guard(tf->stval))
            panic_trap(tf, "kernel stack overflow");
        panic_trap(tf, "kernel page fault at 0x%lx", tf->stval);
    }
    /* A copy helper touched user memory: fill the page if a region allows
     * it (with interrupts as they were, since filling may sleep). If not,
     * the helper returns through its fixup with the reason in a0:
     * ERR_NOMEM when a region allows the access but no frame could back
     * it (the pointer is good; memory is short), ERR_FAULT otherwise. */
    struct proc *p = proc_current();
    if (tf->sstatus & SSTATUS_SPIE)
        intr_on();
    err_t err = p ? pgfault_resolve(&p->as, tf->stval, access_of(tf->scause)) : ERR_FAULT;
    intr_off();
    if (err != ERR_OK) {
        tf->a0 = (uint64_t)(long)(err == ERR_NOMEM ? ERR_NOMEM : ERR_FAULT);
        tf->sepc = fixup;
    }
}
