/*
 * vpmap: the only code that knows the Sv39 page-table format.
 *
 * A page table is named by the physical address of its root. Every root
 * shares the kernel half (root entries 256..511) with the boot table: the
 * direct map, KMAP_BASE + pa for RAM and for the devices the kernel drives
 * and nothing else (vpmap_kernel_map), and, in entry 511, the kernel-stack
 * area, whose lower-level tables are allocated once at boot
 * (vpmap_kstack_init) so every address space sees every kernel stack. So a
 * trap never switches satp, and user tables own only entries 0..255.
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

/* Replaces the kernel half entry.S built (all of the first 256 GiB of
 * physical memory, RWX) with the direct map of RAM and of the devices in
 * platform.mmio: the kernel image's text RX, its rodata and symbol table
 * R, its data and bss RW (but for the boot stack's guard page, unmapped),
 * the rest of RAM RW in the largest pages that fit, the devices RW in 4
 * KiB pages; all global, none user. Boot hart, after pmem_init and before
 * any other root exists or any other hart starts; panics if its few
 * tables do not fit. */
void vpmap_kernel_map(void);
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
/* Makes [start, end), within one GiB of the kernel half above the direct
 * map (RAM up to 255 GiB), an area of 4 KiB kernel mappings: allocates
 * every table it needs, so vpmap_map there never allocates. Boot only,
 * after vpmap_kernel_map, before the first vpmap_create_root; ERR_NOMEM. */
err_t vpmap_kernel_area(vaddr_t start, vaddr_t end);
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

/*
 * Kernel stacks (kernel/arch/riscv/kstack.c). The top GiB of the address
 * space is cut into slots: an unmapped guard page, then KSTACK_PAGES pages,
 * so an overflow faults instead of corrupting memory. The tables of every
 * slot that can ever be needed (one slot per KSTACK_PAGES frames of RAM,
 * so the area never runs out before memory does) are made at boot; a
 * stack's frames are allocated with its thread and freed with it.
 * Locking: one spinlock for the slot bitmaps, a leaf in the lock order
 * (LOCK_KSTACKS, synch.h).
 *
 * The TLB rule. Stack pages are global (G): a hart keeps their entries
 * across satp switches, whatever the ASID, so after a slot is unmapped a
 * hart that used it may still translate it to the old frames. Hence:
 *  1. A freed slot is dirty: it is not handed out again until every hart
 *     has flushed its TLB since it was unmapped. When an allocation finds
 *     no clean slot, one SBI remote fence flushes all harts (a purge) and
 *     every dirty slot becomes clean. With a slot per KSTACK_PAGES frames,
 *     that is one remote fence per several thousand thread exits.
 *  2. The old frames are freed at once. A stale entry for a dirty slot
 *     can only be used by touching a stack whose thread is gone, which no
 *     correct code does; once the slot is reused the purge has removed
 *     every stale entry, on every hart. So the new owner, its creator and
 *     any thread handed a pointer into the stack (a futex waiter lives on
 *     its waiter's stack) reach the new frames on whatever hart they run,
 *     without flushing on switches (ASIDs may keep entries across them).
 * The other direction, invalid to valid on mapping, is no stale entry, but
 * the privileged spec lets a hart that has not fenced since still fault on
 * the new page once. A thread's own stack must never fault (the trap
 * would push onto it), so the scheduler fences a stack on each hart the
 * first time its thread runs there (thread.kstack_fenced). Any other
 * access (the creator filling the trap frame, a futex wake) may take that
 * one fault: it is fenced and retried (vpmap_kstack_spurious), the lazy
 * way the spec allows.
 */

/* Sets up the area's tables (boot hart, after pmem_init; panics if they do
 * not fit, which only a machine too small to boot would see). */
void vpmap_kstack_init(void);
/* A new stack: KSTACK_PAGES fresh frames mapped in a clean slot. Returns
 * its lowest address in *base; ERR_NOMEM when no frame (or, on a machine
 * with over 800 MiB, no slot) is left. */
err_t vpmap_kstack_alloc(vaddr_t *base);
/* A hart's emergency stack (trapvec.S): EMERGENCY_PAGES fresh frames at
 * the top of a clean slot, so the rest of the slot is its guard; fenced
 * on the calling hart (a hart started later fences everything as it turns
 * paging on). Returns its top in *top; ERR_NOMEM as vpmap_kstack_alloc. */
err_t vpmap_emergency_stack_alloc(vaddr_t *top);
/* Unmaps the stack at base (any address in its slot) and frees its
 * frames; the slot is dirty. Its thread (or hart) must have switched away
 * for good. */
void vpmap_kstack_free(vaddr_t base);
/* Flushes this hart's TLB for the stack at base. */
void vpmap_kstack_fence(vaddr_t base);
/* True if va is a guard page of the kernel-stack area (stack overflow). */
bool vpmap_is_kstack_guard(vaddr_t va);
/* For a kernel load or store page fault at va: true if va is in a mapped
 * stack, so this hart only had not seen the mapping yet; the page is now
 * fenced and the access may be retried. */
bool vpmap_kstack_spurious(vaddr_t va);

#endif /* _KERNEL_VPMAP_H_ */
