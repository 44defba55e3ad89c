/*
 * Inside vpmap: the Sv39 entry format and the walks that vpmap.c (editing
 * tables) and vpmap_share.c (fork's shared leaf tables) both use, and
 * nothing else may (the public contract is include/kernel/vpmap.h, which
 * this includes). It lives beside those files, not in include/kernel/, so
 * that `#include "vpmap_internal.h"` works only from kernel/arch/riscv:
 * the PTE format stays known to vpmap alone.
 *
 * A virtual address has three 9-bit indices (VPN[2], VPN[1], VPN[0]) and a
 * 12-bit offset. A PTE holds a physical page number in bits 10..53 and the
 * flags V R W X U G A D in bits 0..7; a valid PTE with none of R W X points
 * at the next-level table. A is set up front so the hardware never has to
 * (QEMU would, but real harts may fault instead); D only for VPMAP_DIRTY
 * (vpmap.h). An invalid level-1 entry with PTE_DETACHED still names a
 * leaf table: one shared by fork and not yet attached (vpmap.h); software
 * reads through it, the hardware faults on it.
 */
#ifndef _KERNEL_ARCH_RISCV_VPMAP_INTERNAL_H_
#define _KERNEL_ARCH_RISCV_VPMAP_INTERNAL_H_

#include <kernel/vpmap.h>
#include <kernel/pmem.h>

typedef uint64_t pte_t;

#define PTE_V (1UL << 0)
#define PTE_R (1UL << 1)
#define PTE_W (1UL << 2)
#define PTE_X (1UL << 3)
#define PTE_U (1UL << 4)
#define PTE_G (1UL << 5)
#define PTE_A (1UL << 6)
#define PTE_D (1UL << 7)
#define PTE_LEAF (PTE_R | PTE_W | PTE_X)
#define PTE_DETACHED (1UL << 8)     /* a software (RSW) bit; with V clear */

#define PTE_PA(pte) (((pte) >> 10) << 12)
#define PA_PTE(pa) (((pa) >> 12) << 10)
#define VPN(va, level) (((va) >> (12 + 9 * (level))) & 0x1FF)
#define L1_REACH (1UL << 30)          /* what one level-1 table maps */

/* The table at pa, as the kernel reaches it (the direct map). */
static inline pte_t *table_of(paddr_t pa) { return kmap_p2v(pa); }

/* The PTE for va at `level` (0: 4 KiB, 1: 2 MiB, 2: 1 GiB pages),
 * allocating tables on the way if alloc; NULL if a larger page is in the
 * way or a table is missing. Goes through a detached leaf table as through
 * an attached one: a caller that changes an entry owns the table first. */
pte_t *walk_to(paddr_t root, vaddr_t va, int level, bool alloc);

/* The level-0 PTE for va, allocating tables on the way if alloc. */
static inline pte_t *walk(paddr_t root, vaddr_t va, bool alloc)
{
    return walk_to(root, va, 0, alloc);
}

/* The level-1 entry for va's span, or NULL if its level-1 table is
 * missing (allocated if alloc: ERR_NOMEM gives NULL too). */
static inline pte_t *span_entry(paddr_t root, vaddr_t va, bool alloc)
{
    return walk_to(root, va, 1, alloc);
}

/* True if the level-1 entry e names a leaf table, attached or not. */
static inline bool names_table(pte_t e)
{
    return (e & PTE_DETACHED) || ((e & PTE_V) && !(e & PTE_LEAF));
}

/* The level-0 table covering va, or NULL (allocated if alloc). */
static inline pte_t *leaf_table(paddr_t root, vaddr_t va, bool alloc)
{
    pte_t *pte = walk(root, va & ~(VPMAP_SPAN - 1), alloc);
    return pte ? pte - VPN(va & ~(VPMAP_SPAN - 1), 0) : NULL;
}

/* The first address of the next 2 MiB (level-0 table) span after va. */
static inline vaddr_t next_span(vaddr_t va)
{
    return (va | (VPMAP_SPAN - 1)) + 1;
}

/* True if no level-0 table can exist for va's span: skips whole GiBs. */
bool span_empty(paddr_t root, vaddr_t va, vaddr_t *next);

/* Lets go of one hold on leaf table t; the last holder frees the frames
 * it maps (a reference each) and the table (vpmap_share.c). */
void table_put(paddr_t t);

#endif /* _KERNEL_ARCH_RISCV_VPMAP_INTERNAL_H_ */
