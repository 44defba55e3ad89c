/*
 * vpmap: the only code that knows the Sv39 page-table format.
 *
 * A page table is named by the physical address of its root. Every root
 * shares the kernel half (root entries 256..511) with the boot table:
 * gigapages mapping all of physical memory at KMAP_BASE, and, in entry 511,
 * the kernel-stack area, whose lower-level tables are allocated once at boot
 * so every address space sees every kernel stack. So a trap never switches
 * satp, and user tables own only entries 0..255.
 *
 * Locking: callers serialize changes to one table (the address space lock);
 * vpmap itself takes no lock except for the kernel-stack slots.
 */
#ifndef _KERNEL_VPMAP_H_
#define _KERNEL_VPMAP_H_

#include <kernel/types.h>
#include <lib/errcode.h>

/* Mapping flags: MEMPERM_R/W/X (vm.h) plus these. */
#define VPMAP_USER 0x8      /* user accessible (U) */
#define VPMAP_GLOBAL 0x10   /* in every address space (G) */
#define VPMAP_DIRTY 0x20    /* written already (D): see below */

/* The dirty bit. No mapping gets D up front: callers pass VPMAP_DIRTY only
 * when they map a page for a write they are allowing now (a write fault)
 * or for kernel memory. The kernel never reads D to learn what was written:
 * a page whose stores matter (a shared file page) is mapped read-only
 * until its first write fault, which marks it dirty in its page cache
 * (pgcache.h). A hart that does not set D itself faults on the first store
 * to a writable page whose D is clear; the fault path then sets it. */

void vpmap_init(void);                 /* boot hart, after pmem_init */
void vpmap_drop_identity(void);        /* once every hart runs at high addresses */
paddr_t vpmap_kernel_root(void);

/* A new root with the kernel half filled in; ERR_NOMEM. */
err_t vpmap_create_root(paddr_t *root);
/* Frees the user-half tables and the root; the mapped frames are the
 * caller's to free first (vpmap_unmap). If this hart is on root, it moves
 * to the kernel's table first. */
void vpmap_destroy_root(paddr_t root);
/* Maps va -> pa with flags; allocates intermediate tables (ERR_NOMEM). */
err_t vpmap_map(paddr_t root, vaddr_t va, paddr_t pa, int flags);
/* Removes the mapping of va; returns the frame it mapped, or 0. Flushes
 * this hart's TLB for va. */
paddr_t vpmap_unmap(paddr_t root, vaddr_t va);
/* The frame va maps and its flags, or false if none. */
bool vpmap_lookup(paddr_t root, vaddr_t va, paddr_t *pa, int *flags);
/* Changes the flags of an existing mapping; ERR_NOTEXIST if none. */
err_t vpmap_set_flags(paddr_t root, vaddr_t va, int flags);
/* Removes every mapping in [start, end), walking only tables that exist,
 * and calls fn(pa) for each frame that was mapped. No TLB flush: the
 * caller flushes once (or is not running on root). */
void vpmap_unmap_range(paddr_t root, vaddr_t start, vaddr_t end, void (*fn)(paddr_t pa));
/* Copies the mappings of [start, end) from src to dst for fork, taking a
 * reference on every frame. With cow, writable pages become read-only in
 * both tables (copy-on-write). No TLB flush: the caller flushes src once.
 * ERR_NOMEM if a table could not be allocated (dst keeps what was copied). */
err_t vpmap_copy_range(paddr_t dst, paddr_t src, vaddr_t start, vaddr_t end, bool cow);
/* Calls fn for every user mapping in [start, end), in address order. */
void vpmap_walk(paddr_t root, vaddr_t start, vaddr_t end,
                void (*fn)(vaddr_t va, paddr_t pa, int flags, void *arg), void *arg);

/* Switches this hart to root (one satp write, then a local flush). */
void vpmap_activate(paddr_t root);
/* Flushes va (or everything if va is 0) on every hart (SBI RFENCE). */
void vpmap_flush_all_harts(vaddr_t va);

/* Kernel stacks: KSTACK_PAGES frames mapped below an unmapped guard page,
 * so an overflow faults instead of corrupting memory. The stacks are
 * mapped once at boot (one per process slot, a few for kernel threads) and
 * handed out here. Returns the lowest address; ERR_NOMEM when all are in
 * use. */
err_t vpmap_kstack_alloc(vaddr_t *base);
void vpmap_kstack_free(vaddr_t base);
/* True if va is a guard page of the kernel-stack area (stack overflow). */
bool vpmap_is_kstack_guard(vaddr_t va);

#endif /* _KERNEL_VPMAP_H_ */
