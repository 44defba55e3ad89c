/*
 * The page fault path (contract in pgfault.h). Every page fault, from user
 * mode or from a kernel copy helper, comes here with scause and stval and
 * is decided by the memregion covering the address:
 *
 *   no region, or the region lacks the permission   -> refuse (ERR_FAULT)
 *   region allows it, page absent                   -> map a zeroed frame
 *   region allows it, page present with that access -> stale TLB: flush
 *
 * num_pgfault counts every fault, whatever its end.
 */
#include <kernel/pgfault.h>
#include <kernel/console.h>
#include <kernel/pmem.h>
#include <kernel/proc.h>
#include <kernel/riscv.h>
#include <kernel/trap.h>
#include <kernel/uaccess.h>
#include <kernel/vm.h>
#include <kernel/vpmap.h>
#include <lib/layout.h>

volatile uint64_t pgfault_count;

static int access_of(uint64_t scause)
{
    switch (scause) {
    case EXC_INST_PAGE_FAULT: return FAULT_EXEC;
    case EXC_STORE_PAGE_FAULT: return FAULT_WRITE;
    default: return FAULT_READ;
    }
}

err_t pgfault_resolve(struct addrspace *as, uint64_t va, int access)
{
    __atomic_fetch_add(&pgfault_count, 1, __ATOMIC_RELAXED);
    if (va >= USER_TOP)
        return ERR_FAULT;
    vaddr_t page = pg_round_down(va);
    err_t err = ERR_FAULT;
    sleeplock_acquire(&as->lock);
    struct memregion *r = as_find_region(as, va);
    if (!r || (r->perm & access) != access)
        goto out;
    int flags;
    if (vpmap_lookup(as->root, page, NULL, &flags)) {
        /* Mapped with the access already: another hart's stale view. */
        err = (flags & access) == access ? ERR_OK : ERR_FAULT;
        sfence_vma_addr(page);
        goto out;
    }
    paddr_t pa;
    err = pmem_alloc_zero(&pa);
    if (err != ERR_OK)
        goto out;
    err = vpmap_map(as->root, page, pa, r->perm | VPMAP_USER);
    if (err != ERR_OK)
        pmem_free(pa);
out:
    sleeplock_release(&as->lock);
    return err;
}

void pgfault_user(struct trapframe *tf)
{
    struct proc *p = proc_current();
    err_t err = pgfault_resolve(&p->as, tf->stval, access_of(tf->scause));
    if (err == ERR_NOMEM)
        proc_kill_current("out of memory", tf->stval, tf->sepc);
    if (err != ERR_OK)
        proc_kill_current(trap_cause_name(tf->scause), tf->stval, tf->sepc);
}

void pgfault_kernel(struct trapframe *tf)
{
    uint64_t fixup = extable_lookup(tf->sepc);
    if (!fixup) {
        if (vpmap_is_kstack_guard(tf->stval))
            panic_trap(tf, "kernel stack overflow");
        panic_trap(tf, "kernel page fault at 0x%lx", tf->stval);
    }
    /* A copy helper touched user memory: fill the page if a region allows
     * it (with interrupts as they were, since filling may sleep). */
    struct proc *p = proc_current();
    if (tf->sstatus & SSTATUS_SPIE)
        intr_on();
    err_t err = p ? pgfault_resolve(&p->as, tf->stval, access_of(tf->scause)) : ERR_FAULT;
    intr_off();
    if (err != ERR_OK)
        tf->sepc = fixup;
}
