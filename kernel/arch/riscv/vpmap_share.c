/*
 * Fork's shared leaf tables (On-Demand-Fork; see vpmap.h for the
 * contract): fork gives the child a hold on the parent's leaf table for a
 * whole 2 MiB span (vpmap_share_spans) instead of a reference per frame,
 * and copies entry by entry only the spans it does not share
 * (vpmap_copy_range); a space's first fault in a shared span attaches the
 * table or takes its own copy (vpmap_own_table), and the last holder
 * frees it (table_put). The holders are counted in the table's frame
 * (pmem's reference count). This is separate from vpmap.c, which edits
 * one space's tables and never has to know how many spaces hold a leaf
 * table beyond calling here; both use the entry format and walks of
 * vpmap_internal.h.
 */
#include "vpmap_internal.h"

static uint64_t tables_shared, table_copies;   /* vpmap_stats; atomic */

/* Clears W in every entry of leaf table t: it is about to be (or is)
 * shared. Only holders that do not use it through the hardware may be
 * looking (a table attached by a co-holder has no W left). */
static void write_protect(paddr_t t)
{
    pte_t *e = table_of(t);
    for (int i = 0; i < 512; i++)
        if (e[i] & PTE_W)
            e[i] &= ~PTE_W;
}

/* A copy of shared leaf table t for one holder: a reference on each frame,
 * every entry read-only (copy-on-write from then on). t loses its W bits
 * too: its frames are now mapped by the copy as well, so the holders left
 * must fault before writing them, even one that is left alone with t (a
 * pointer fork detached was never write-protected, and a holder alone
 * attaches t as it is). Only holders that do not use t through the
 * hardware may see a W change (as in write_protect). ERR_NOMEM. */
static err_t copy_table(paddr_t t, paddr_t *copy)
{
    if (pmem_alloc(copy) != ERR_OK)
        return ERR_NOMEM;
    pte_t *from = table_of(t), *to = table_of(*copy);
    for (int i = 0; i < 512; i++) {
        pte_t e = from[i];
        if (e & PTE_V)
            pmem_inc_ref(PTE_PA(e));
        if (e & PTE_W)
            from[i] = e & ~PTE_W;
        to[i] = e & ~PTE_W;
    }
    return ERR_OK;
}

/* Lets go of one hold on leaf table t; the last holder frees the frames
 * it maps (a reference each) and the table. A holder that sees the count
 * at 1 is alone, and stays so: only a holder's fork adds one. Contract in
 * vpmap_internal.h. */
void table_put(paddr_t t)
{
    uint32_t *count = &pmem_page(t)->refcount;
    uint32_t n = __atomic_load_n(count, __ATOMIC_ACQUIRE);
    while (n > 1)
        if (__atomic_compare_exchange_n(count, &n, n - 1, false, __ATOMIC_ACQ_REL,
                                        __ATOMIC_ACQUIRE))
            return;
    pte_t *e = table_of(t);
    for (int i = 0; i < 512; i++)
        if (e[i] & PTE_V)
            pmem_free(PTE_PA(e[i]));
    pmem_free(t);
}

/* The fault path's step before it touches a span fork shared. When a copy
 * replaces an attached table, the span is flushed everywhere before the
 * hold on the old one is dropped (the TLB rule). Contract in <kernel/vpmap.h>. */
err_t vpmap_own_table(paddr_t root, struct vpmap_tlb *tlb, vaddr_t va, bool change)
{
    pte_t *l1 = span_entry(root, va, false);
    if (!l1 || !names_table(*l1))
        return ERR_OK;
    paddr_t t = PTE_PA(*l1);
    bool attached = *l1 & PTE_V;
    if (pmem_refcount(t) == 1) {
        *l1 = PA_PTE(t) | PTE_V;             /* alone: take it as it is */
        return ERR_OK;
    }
    if (!change) {
        if (!attached) {
            write_protect(t);
            *l1 = PA_PTE(t) | PTE_V;
        }
        return ERR_OK;
    }
    paddr_t copy;
    if (copy_table(t, &copy) != ERR_OK)
        return ERR_NOMEM;
    *l1 = PA_PTE(copy) | PTE_V;
    if (attached)                            /* no hart may walk t for us any more */
        vpmap_flush_range(tlb, va & ~(VPMAP_SPAN - 1), VPMAP_SPAN, true);
    table_put(t);
    __atomic_fetch_add(&table_copies, 1, __ATOMIC_RELAXED);
    return ERR_OK;
}

/* Fork's cheap path: one reference on src's leaf table per span instead
 * of one per frame. A table src held alone may have writable entries,
 * hence the detach or write-protect and *flush. Each GiB's level-1 tables
 * are walked once, and a span's step calls nothing but pmem_page (15
 * spans of a 32 MiB heap took 19 us under QEMU with two walks and three
 * calls a span, 12 us so). Contract in <kernel/vpmap.h>. */
err_t vpmap_share_spans(paddr_t dst, paddr_t src, vaddr_t start, vaddr_t end,
                        const vaddr_t hot[2], bool *flush)
{
    size_t shared = 0;
    err_t err = ERR_OK;
    for (vaddr_t va = start, next; va < end && err == ERR_OK; va = next) {
        next = (va | (L1_REACH - 1)) + 1;
        if (next > end)
            next = end;
        /* from and to: src's and dst's level-1 entries for span a; dst's
         * table is made only if there is something to share */
        pte_t *from = span_entry(src, va, false), *to = NULL;
        for (vaddr_t a = va; from && a < next; a += VPMAP_SPAN, from++, to = to ? to + 1 : NULL) {
            if (!names_table(*from))
                continue;
            if (!to && !(to = span_entry(dst, a, true))) {
                err = ERR_NOMEM;
                break;
            }
            if (names_table(*to))
                continue;                    /* shared for an earlier region already */
            paddr_t t = PTE_PA(*from);
            uint32_t *count = &pmem_page(t)->refcount;
            if ((*from & PTE_V) && __atomic_load_n(count, __ATOMIC_ACQUIRE) == 1) {
                if (a == (hot[0] & ~(VPMAP_SPAN - 1)) || a == (hot[1] & ~(VPMAP_SPAN - 1)))
                    write_protect(t);        /* stays attached, for both */
                else
                    *from = PA_PTE(t) | PTE_DETACHED;    /* it may have writable entries */
                *flush = true;
            }
            __atomic_fetch_add(count, 1, __ATOMIC_RELAXED);
            *to = *from;
            shared++;
        }
    }
    __atomic_fetch_add(&tables_shared, shared, __ATOMIC_RELAXED);
    return err;
}

/* Fork's entry-by-entry copy of spans it does not share (and of shared
 * views, without cow), a frame reference per entry; *flush says whether
 * src lost a W and needs the caller's one flush. Contract in
 * <kernel/vpmap.h>. */
err_t vpmap_copy_range(paddr_t dst, paddr_t src, vaddr_t start, vaddr_t end, bool cow,
                       bool *flush)
{
    for (vaddr_t va = start, next; va < end; va = next) {
        if (span_empty(src, va, &next))
            continue;
        next = next_span(va) < end ? next_span(va) : end;
        pte_t *from = leaf_table(src, va, false);
        pte_t *to = leaf_table(dst, va, true);
        if (!to)
            return ERR_NOMEM;
        for (int i = VPN(va, 0), last = VPN(next - 1, 0); i <= last; i++) {
            pte_t pte = from[i];
            if (!(pte & PTE_V))
                continue;
            if (cow && (pte & PTE_W)) {
                pte &= ~PTE_W;
                from[i] = pte;   /* in a shared table too: it only write-protects */
                *flush = true;
            }
            to[i] = pte;
            pmem_inc_ref(PTE_PA(pte));
        }
    }
    return ERR_OK;
}

/* The table-sharing counters of this file, and tlb.c's (vpmap_asid_stats).
 * Contract in <kernel/vpmap.h>. */
void vpmap_stats(struct vpmap_stats *out)
{
    out->tables_shared = __atomic_load_n(&tables_shared, __ATOMIC_RELAXED);
    out->table_copies = __atomic_load_n(&table_copies, __ATOMIC_RELAXED);
    vpmap_asid_stats(out);
}
