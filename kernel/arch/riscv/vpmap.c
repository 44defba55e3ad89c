/*
 * Sv39 page tables (see vpmap.h for the contract).
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
#include <kernel/vpmap.h>
#include <kernel/vm.h>
#include <kernel/pmem.h>
#include <kernel/riscv.h>
#include <kernel/sbi.h>
#include <kernel/string.h>
#include <kernel/console.h>
#include <kernel/platform.h>

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
#define SPAN (1UL << 21)              /* what one leaf table maps */

static uint64_t tables_shared, table_copies;   /* vpmap_stats; atomic */

extern pte_t boot_pagetable[512];
extern char boot_stack_guard[];                          /* entry.S */
extern char __kernel_start[], __text_end[], __data_start[], __ksyms_start[], __kernel_end[];

static pte_t *table_of(paddr_t pa) { return kmap_p2v(pa); }

/* The PTE bits for vpmap flags: always V and A (see above), D only for
 * VPMAP_DIRTY, and R with W since W alone is reserved. */
static pte_t flags_to_pte(int flags)
{
    pte_t pte = PTE_V | PTE_A;
    if (flags & VPMAP_DIRTY)
        pte |= PTE_D;
    if (flags & MEMPERM_R)
        pte |= PTE_R;
    if (flags & MEMPERM_W)
        pte |= PTE_W | PTE_R;    /* W without R is reserved in Sv39 */
    if (flags & MEMPERM_X)
        pte |= PTE_X;
    if (flags & VPMAP_USER)
        pte |= PTE_U;
    if (flags & VPMAP_GLOBAL)
        pte |= PTE_G;
    return pte;
}

/* The vpmap flags a PTE grants, the inverse of flags_to_pte (V and A are
 * not flags), for vpmap_lookup and vpmap_walk's callers. */
static int pte_to_flags(pte_t pte)
{
    int flags = 0;
    if (pte & PTE_R)
        flags |= MEMPERM_R;
    if (pte & PTE_W)
        flags |= MEMPERM_W;
    if (pte & PTE_X)
        flags |= MEMPERM_X;
    if (pte & PTE_U)
        flags |= VPMAP_USER;
    if (pte & PTE_G)
        flags |= VPMAP_GLOBAL;
    if (pte & PTE_D)
        flags |= VPMAP_DIRTY;
    return flags;
}

/* The PTE for va at `level` (0: 4 KiB, 1: 2 MiB, 2: 1 GiB pages),
 * allocating tables on the way if alloc; NULL if a larger page is in the
 * way or a table is missing. Goes through a detached leaf table as through
 * an attached one: a caller that changes an entry owns the table first. */
static pte_t *walk_to(paddr_t root, vaddr_t va, int level, bool alloc)
{
    pte_t *table = table_of(root);
    for (int l = 2; l > level; l--) {
        pte_t *pte = &table[VPN(va, l)];
        if (*pte & (PTE_V | PTE_DETACHED)) {
            if (*pte & PTE_LEAF)
                return NULL;     /* a larger page: not ours to split */
            table = table_of(PTE_PA(*pte));
            continue;
        }
        paddr_t pa;
        if (!alloc || pmem_alloc_zero(&pa) != ERR_OK)
            return NULL;
        *pte = PA_PTE(pa) | PTE_V;
        table = table_of(pa);
    }
    return &table[VPN(va, level)];
}

/* The level-0 PTE for va, allocating tables on the way if alloc. */
static pte_t *walk(paddr_t root, vaddr_t va, bool alloc)
{
    return walk_to(root, va, 0, alloc);
}

/* Bytes a page at level covers. */
#define LEVEL_SIZE(level) (1UL << (12 + 9 * (level)))

/* Maps [pa, pa + size) at KMAP_BASE + pa in root with flags, in the
 * largest pages (at most max_level) that alignment and size allow. Boot
 * only: a table that cannot be allocated is a panic. */
static void map_direct(paddr_t root, paddr_t pa, uint64_t size, int flags, int max_level)
{
    for (paddr_t end = pa + size; pa < end;) {
        int level = max_level;
        while (level > 0 && ((pa & (LEVEL_SIZE(level) - 1)) || end - pa < LEVEL_SIZE(level)))
            level--;
        pte_t *pte = walk_to(root, (vaddr_t)kmap_p2v(pa), level, true);
        if (!pte)
            panic("cannot map 0x%lx in the kernel half (overlapping ranges?)", pa);
        *pte = PA_PTE(pa) | flags_to_pte(flags);
        pa += LEVEL_SIZE(level);
    }
}

/* What the kernel image's page at va may be used for: text RX, rodata R,
 * data and bss RW, the symbol table R; 0 for the boot stack's guard. */
static int image_flags(vaddr_t va)
{
    if (va >= (vaddr_t)boot_stack_guard && va < (vaddr_t)boot_stack_guard + PG_SIZE)
        return 0;
    if (va < (vaddr_t)__text_end)
        return MEMPERM_R | MEMPERM_X;
    if (va < (vaddr_t)__data_start)
        return MEMPERM_R;
    if (va < (vaddr_t)__ksyms_start)
        return MEMPERM_R | MEMPERM_W;
    return MEMPERM_R;
}

/* Builds the kernel half in a scratch root, then moves its entries into
 * boot_pagetable, whose kernel half every root made later copies
 * (vpmap_create_root). Contract in <kernel/vpmap.h>. */
void vpmap_kernel_map(void)
{
    paddr_t root;
    if (pmem_alloc_zero(&root) != ERR_OK)
        panic("no memory for the kernel's page tables");
    int kernel = VPMAP_GLOBAL | VPMAP_DIRTY;
    paddr_t image = kmap_v2p(__kernel_start), image_end = kmap_v2p(__kernel_end);
    map_direct(root, platform.ram_start, image - platform.ram_start, MEMPERM_R | MEMPERM_W | kernel, 2);
    for (paddr_t pa = image; pa < image_end; pa += PG_SIZE) {
        int flags = image_flags((vaddr_t)kmap_p2v(pa));
        if (flags)
            map_direct(root, pa, PG_SIZE, flags | kernel, 0);
    }
    map_direct(root, image_end, platform.ram_end - image_end, MEMPERM_R | MEMPERM_W | kernel, 2);
    for (int i = 0; i < platform.nmmio; i++) {
        paddr_t lo = pg_round_down(platform.mmio[i].base);
        paddr_t hi = pg_round_up(platform.mmio[i].base + platform.mmio[i].size);
        map_direct(root, lo, hi > lo ? hi - lo : PG_SIZE, MEMPERM_R | MEMPERM_W | kernel, 0);
    }
    /* A whole entry at a time (one store each): the old and the new entry
     * map whatever this hart is using (text, stack, the UART) alike. */
    for (int i = 256; i < 512; i++)
        ((volatile pte_t *)boot_pagetable)[i] = table_of(root)[i];
    vpmap_flush_kernel(0, 0, false);
    pmem_free(root);             /* the tables under it now hang off boot_pagetable */
    vpmap_asid_init();
}

/* Removes entry.S's identity gigapage from the kernel's table and flushes
 * it on every hart. Contract in <kernel/vpmap.h>. */
void vpmap_drop_identity(void)
{
    /* The identity gigapage was for entry.S only; every hart is past it. */
    boot_pagetable[2] = 0;
    vpmap_flush_kernel(0, 0, true);
}

paddr_t vpmap_kernel_root(void)
{
    return kmap_v2p(boot_pagetable);
}

/* Copies boot_pagetable's kernel half (entries 256..511), so every space
 * shares the kernel's level-1 tables and what is mapped under them later
 * (vpmap_kernel_area's). Contract in <kernel/vpmap.h>. */
err_t vpmap_create_root(paddr_t *root)
{
    if (pmem_alloc_zero(root) != ERR_OK)
        return ERR_NOMEM;
    memcpy(table_of(*root) + 256, boot_pagetable + 256, 256 * sizeof(pte_t));
    return ERR_OK;
}

/* Lets go of one hold on leaf table t; the last holder frees the frames
 * it maps (a reference each) and the table. A holder that sees the count
 * at 1 is alone, and stays so: only a holder's fork adds one. */
static void table_put(paddr_t t)
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

/* True if the level-1 entry e names a leaf table, attached or not. */
static bool names_table(pte_t e)
{
    return (e & PTE_DETACHED) || ((e & PTE_V) && !(e & PTE_LEAF));
}

/* Walks the user half only: leaf tables go through table_put, since fork
 * may share them; level-1 tables are this space's alone, and the root is
 * shared only with harts that still hold it in satp (tlb.c). Contract in
 * <kernel/vpmap.h>. */
void vpmap_destroy_root(paddr_t root)
{
    vpmap_release_root(root);
    pte_t *t = table_of(root);
    for (int i = 0; i < 256; i++) {
        if (!(t[i] & PTE_V) || (t[i] & PTE_LEAF))
            continue;
        paddr_t l1pa = PTE_PA(t[i]);
        t[i] = 0;                /* a hart letting go late walks no freed table */
        pte_t *l1 = table_of(l1pa);
        for (int j = 0; j < 512; j++)
            if (names_table(l1[j]))
                table_put(PTE_PA(l1[j]));
        pmem_free(l1pa);
    }
    pmem_free(root);             /* the last hart to let go of it frees it */
}

/* The level-1 entry for va's span, or NULL if its level-1 table is
 * missing (allocated if alloc: ERR_NOMEM gives NULL too). */
static pte_t *span_entry(paddr_t root, vaddr_t va, bool alloc)
{
    return walk_to(root, va, 1, alloc);
}

/* The level-0 entry for va in a table that only this space holds,
 * allocating tables if alloc. A shared or detached table here is a caller
 * that skipped vpmap_own_table: a kernel bug. */
static pte_t *own_pte(paddr_t root, vaddr_t va, bool alloc)
{
    pte_t *l1 = span_entry(root, va, alloc);
    if (l1 && (*l1 & PTE_V) && !(*l1 & PTE_LEAF) &&
        pmem_refcount(PTE_PA(*l1)) != 1)
        panic("vpmap: 0x%lx changed in a shared leaf table", va);
    if (l1 && (*l1 & PTE_DETACHED))
        panic("vpmap: 0x%lx changed in a detached leaf table", va);
    return l1 ? walk(root, va, alloc) : NULL;
}

/* No flush: nothing was mapped at va. own_pte panics if va's leaf table
 * is still shared (a caller bug). Contract in <kernel/vpmap.h>. */
err_t vpmap_map(paddr_t root, vaddr_t va, paddr_t pa, int flags)
{
    pte_t *pte = own_pte(root, va, true);
    if (!pte)
        return ERR_NOMEM;
    *pte = PA_PTE(pa) | flags_to_pte(flags);
    return ERR_OK;
}

/* Reads through shared and detached tables alike (walk), as a lookup
 * changes nothing. Contract in <kernel/vpmap.h>. */
bool vpmap_lookup(paddr_t root, vaddr_t va, paddr_t *pa, int *flags)
{
    pte_t *pte = walk(root, va, false);
    if (!pte || !(*pte & PTE_V))
        return false;
    if (pa)
        *pa = PTE_PA(*pte);
    if (flags)
        *flags = pte_to_flags(*pte);
    return true;
}

/* Writes the entry only if it changes (an unchanged one may be in a
 * shared table); a flush on this hart is enough for more permission (the
 * TLB rule). Contract in <kernel/vpmap.h>. */
err_t vpmap_set_flags(paddr_t root, struct vpmap_tlb *tlb, vaddr_t va, int flags)
{
    pte_t *pte = walk(root, va, false);
    if (!pte || !(*pte & PTE_V))
        return ERR_NOTEXIST;
    pte_t new = (*pte & ~0x3FFUL) | flags_to_pte(flags);
    if (new != *pte)
        *own_pte(root, va, false) = new;     /* unchanged is fine in a shared table */
    vpmap_flush_range(tlb, va, PG_SIZE, false);  /* more permission: here only */
    return ERR_OK;
}

/* Points va's entry at another frame (a copy-on-write break), returning
 * the old one; it flushes before returning, so when the caller drops *old
 * no hart can still reach it. Contract in <kernel/vpmap.h>. */
err_t vpmap_remap(paddr_t root, struct vpmap_tlb *tlb, vaddr_t va, paddr_t pa, int flags,
                  paddr_t *old)
{
    pte_t *pte = own_pte(root, va, false);
    if (!pte || !(*pte & PTE_V))
        return ERR_NOTEXIST;
    *old = PTE_PA(*pte);
    *pte = PA_PTE(pa) | flags_to_pte(flags);
    vpmap_flush_range(tlb, va, PG_SIZE, true);
    return ERR_OK;
}

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
 * every entry read-only (copy-on-write from then on). ERR_NOMEM. */
static err_t copy_table(paddr_t t, paddr_t *copy)
{
    if (pmem_alloc(copy) != ERR_OK)
        return ERR_NOMEM;
    pte_t *from = table_of(t), *to = table_of(*copy);
    for (int i = 0; i < 512; i++) {
        pte_t e = from[i];
        if (e & PTE_V)
            pmem_inc_ref(PTE_PA(e));
        to[i] = e & ~PTE_W;
    }
    return ERR_OK;
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
        vpmap_flush_range(tlb, va & ~(SPAN - 1), SPAN, true);
    table_put(t);
    __atomic_fetch_add(&table_copies, 1, __ATOMIC_RELAXED);
    return ERR_OK;
}

/* The level-0 table covering va, or NULL (allocated if alloc). */
static pte_t *leaf_table(paddr_t root, vaddr_t va, bool alloc)
{
    pte_t *pte = walk(root, va & ~(SPAN - 1), alloc);
    return pte ? pte - VPN(va & ~(SPAN - 1), 0) : NULL;
}

/* The first address of the next 2 MiB (level-0 table) span after va. */
static vaddr_t next_span(vaddr_t va)
{
    return (va | (SPAN - 1)) + 1;
}

/* True if no level-0 table can exist for va's span: skips whole GiBs. */
static bool span_empty(paddr_t root, vaddr_t va, vaddr_t *next)
{
    pte_t l2 = table_of(root)[VPN(va, 2)];
    if (!(l2 & PTE_V)) {
        *next = (va | ((1UL << 30) - 1)) + 1;
        return true;
    }
    pte_t l1 = table_of(PTE_PA(l2))[VPN(va, 1)];
    if (!names_table(l1)) {
        *next = next_span(va);
        return true;
    }
    return false;
}

/* For the kernel stacks (kstack.c): their tables exist before the first
 * user root copies the kernel half, so every space sees them and mapping a
 * stack never allocates. Contract in <kernel/vpmap.h>. */
err_t vpmap_kernel_area(vaddr_t start, vaddr_t end)
{
    for (vaddr_t va = start; va < end; va = next_span(va)) {
        if (!walk(vpmap_kernel_root(), va, true))
            return ERR_NOMEM;
        if (next_span(va) == 0)            /* the last span of the address space */
            break;
    }
    vpmap_flush_kernel(0, 0, false);
    return ERR_OK;
}

/* What an unmap has taken out of the tables and releases only after the
 * flush (the TLB rule): frames, and whole leaf tables (holds on them). */
struct gather {
    paddr_t root;
    struct vpmap_tlb *tlb;                /* NULL: kernel mappings */
    vaddr_t start, end;                   /* the range being unmapped */
    bool changed;                         /* an entry went since the last flush */
    int nframes, ntables;
    paddr_t frames[128];
    paddr_t tables[16];
};

/* Flushes what g took out, then lets go of its frames and tables. */
static void gather_release(struct gather *g)
{
    if (!g->changed)
        return;
    if (g->tlb)
        vpmap_flush_range(g->tlb, g->start, g->end - g->start, true);
    else
        vpmap_flush_kernel(g->start, g->end - g->start, false);
    for (int i = 0; i < g->nframes; i++)
        pmem_free(g->frames[i]);
    for (int i = 0; i < g->ntables; i++)
        table_put(g->tables[i]);
    g->nframes = g->ntables = 0;
    g->changed = false;
}

/* True if any entry of leaf table l0 in [va, next) is valid. */
static bool any_mapped(pte_t *l0, vaddr_t va, vaddr_t next)
{
    for (vaddr_t a = va; a < next; a += PG_SIZE)
        if (l0[VPN(a, 0)] & PTE_V)
            return true;
    return false;
}

/* Before an unmap of [start, end) changes anything: if the span at va is
 * only partly inside and its leaf table is shared with entries in the
 * range, this space takes its own copy (the one step that can fail). */
static err_t own_partial_span(paddr_t root, struct vpmap_tlb *tlb, vaddr_t va, vaddr_t start,
                              vaddr_t end)
{
    vaddr_t span = va & ~(SPAN - 1), next;
    vaddr_t lo = start > span ? start : span;
    vaddr_t hi = end < span + SPAN ? end : span + SPAN;
    if ((lo == span && hi == span + SPAN) || span_empty(root, lo, &next) ||
        !any_mapped(leaf_table(root, lo, false), lo, hi))
        return ERR_OK;
    return vpmap_own_table(root, tlb, lo, true);
}

/* True if the span at va is wholly inside [va, next) of a user unmap. */
static bool whole_span(struct vpmap_tlb *tlb, vaddr_t va, vaddr_t next)
{
    return tlb && (va & (SPAN - 1)) == 0 && next - va == SPAN;
}

/* Gathers frames and holds on shared tables and releases them only after
 * the flush (gather_release), as the TLB rule asks; the one step that can
 * fail comes before any change. Contract in <kernel/vpmap.h>. */
err_t vpmap_unmap_range(paddr_t root, struct vpmap_tlb *tlb, vaddr_t start, vaddr_t end)
{
    if (start >= end)
        return ERR_OK;
    if (tlb && (own_partial_span(root, tlb, start, start, end) != ERR_OK ||
                own_partial_span(root, tlb, end - 1, start, end) != ERR_OK))
        return ERR_NOMEM;
    struct gather g = { .root = root, .tlb = tlb, .start = start, .end = end };
    for (vaddr_t va = start, next; va < end; va = next) {
        if (span_empty(root, va, &next))
            continue;
        next = next_span(va) < end ? next_span(va) : end;
        pte_t *l1 = span_entry(root, va, false);
        if (whole_span(tlb, va, next) && pmem_refcount(PTE_PA(*l1)) > 1) {
            if (g.ntables == 16)
                gather_release(&g);
            g.tables[g.ntables++] = PTE_PA(*l1);   /* our hold on a shared table */
            *l1 = 0;
            g.changed = true;
            continue;
        }
        if (tlb && (*l1 & PTE_DETACHED))
            *l1 = PA_PTE(PTE_PA(*l1)) | PTE_V;    /* ours alone: emptied in place */
        pte_t *l0 = leaf_table(root, va, false);
        for (vaddr_t a = va; a < next; a += PG_SIZE) {
            pte_t *pte = &l0[VPN(a, 0)];
            if (!(*pte & PTE_V))
                continue;
            if (g.nframes == 128)
                gather_release(&g);
            g.frames[g.nframes++] = PTE_PA(*pte);
            *pte = 0;
            g.changed = true;
        }
    }
    gather_release(&g);
    return ERR_OK;
}

/* Fork's cheap path: one reference on src's leaf table instead of one per
 * frame. A table src held alone may have writable entries, hence the
 * detach or write-protect and *flush. Contract in <kernel/vpmap.h>. */
err_t vpmap_share_span(paddr_t dst, paddr_t src, vaddr_t va, bool hot, bool *flush)
{
    pte_t *from = span_entry(src, va, false);
    if (!from || !names_table(*from))
        return ERR_OK;
    pte_t *to = span_entry(dst, va, true);
    if (!to)
        return ERR_NOMEM;
    if (names_table(*to))
        return ERR_OK;                       /* shared for an earlier region already */
    paddr_t t = PTE_PA(*from);
    if ((*from & PTE_V) && pmem_refcount(t) == 1) {
        if (hot)
            write_protect(t);                /* stays attached, for both */
        else
            *from = PA_PTE(t) | PTE_DETACHED;    /* it may have writable entries */
        *flush = true;
    }
    pmem_inc_ref(t);
    *to = *from;
    __atomic_fetch_add(&tables_shared, 1, __ATOMIC_RELAXED);
    return ERR_OK;
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

/* Calls fn for each mapped page of [start, end), skipping whole 1 GiB and
 * 2 MiB holes at the upper levels, so a sparse region costs what it maps
 * (write-back, eager fork_copy, counting). Contract in <kernel/vpmap.h>. */
void vpmap_walk(paddr_t root, vaddr_t start, vaddr_t end,
                void (*fn)(vaddr_t va, paddr_t pa, int flags, void *arg), void *arg)
{
    for (vaddr_t va = start; va < end;) {
        pte_t *l2 = &table_of(root)[VPN(va, 2)];
        if (!(*l2 & PTE_V)) {
            va = (va | ((1UL << 30) - 1)) + 1;
            continue;
        }
        pte_t *l1 = &table_of(PTE_PA(*l2))[VPN(va, 1)];
        if (!names_table(*l1)) {
            va = next_span(va);
            continue;
        }
        pte_t *l0 = &table_of(PTE_PA(*l1))[VPN(va, 0)];
        if (*l0 & PTE_V)
            fn(va, PTE_PA(*l0), pte_to_flags(*l0), arg);
        va += PG_SIZE;
    }
}

/* The table-sharing counters of this file, and tlb.c's (vpmap_asid_stats).
 * Contract in <kernel/vpmap.h>. */
void vpmap_stats(struct vpmap_stats *out)
{
    out->tables_shared = __atomic_load_n(&tables_shared, __ATOMIC_RELAXED);
    out->table_copies = __atomic_load_n(&table_copies, __ATOMIC_RELAXED);
    vpmap_asid_stats(out);
}
