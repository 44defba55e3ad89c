/*
 * Sv39 page tables, edited (see vpmap.h for the contract): the kernel
 * half built at boot, creating and destroying a root, mapping, looking
 * up, changing and unmapping entries, walking a range. The entry format
 * and the walks are in vpmap_internal.h; how fork shares leaf tables
 * between spaces, and how a space takes its own copy back, is in
 * vpmap_share.c, which this file only calls (table_put, vpmap_own_table)
 * where a table it frees or changes may be shared.
 */
#include "vpmap_internal.h"
#include <kernel/vm.h>
#include <kernel/string.h>
#include <kernel/console.h>
#include <kernel/platform.h>
#include <lib/stddef.h>

extern pte_t boot_pagetable[512];
extern char boot_stack_guard[];                          /* entry.S */
extern char __kernel_start[], __text_end[], __data_start[], __ksyms_start[], __kernel_end[];

/* Each vpmap flag and the PTE bit it sets; V and A are set in every
 * mapping (vpmap_internal.h), so they are no flags. */
static const struct {
    int flag;
    pte_t bit;
} pte_bits[] = {
    { MEMPERM_R, PTE_R },     { MEMPERM_W, PTE_W },       { MEMPERM_X, PTE_X },
    { VPMAP_USER, PTE_U },    { VPMAP_GLOBAL, PTE_G },    { VPMAP_DIRTY, PTE_D },
};

/* The PTE bits for vpmap flags, by pte_bits, and R with W since W alone
 * is reserved. */
static pte_t flags_to_pte(int flags)
{
    pte_t pte = PTE_V | PTE_A;
    for (size_t i = 0; i < NELEM(pte_bits); i++)
        if (flags & pte_bits[i].flag)
            pte |= pte_bits[i].bit;
    if (flags & MEMPERM_W)
        pte |= PTE_R;            /* W without R is reserved in Sv39 */
    return pte;
}

/* The vpmap flags a PTE grants, the inverse of flags_to_pte, for
 * vpmap_lookup and vpmap_walk's callers. */
static int pte_to_flags(pte_t pte)
{
    int flags = 0;
    for (size_t i = 0; i < NELEM(pte_bits); i++)
        if (pte & pte_bits[i].bit)
            flags |= pte_bits[i].flag;
    return flags;
}

/* One walk for every level, so that the walks to a leaf table
 * (span_entry) and to a page (walk) meet detached tables and larger pages
 * alike. Contract in vpmap_internal.h. */
pte_t *walk_to(paddr_t root, vaddr_t va, int level, bool alloc)
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

/* The boot page table is every space's kernel half (vpmap_create_root copies
 * its top entries), so kernel-only mappings (stacks, the kernel area) are
 * made in it and a hart with no process runs on it. */
paddr_t vpmap_kernel_root(void)
{
    return kmap_v2p(boot_pagetable);
}

/* Copies boot_pagetable's kernel half (entries 256..511), so every space
 * shares the kernel's level-1 tables and what is mapped under them later
 * (vpmap_kernel_area's); only the user half is zeroed, as the copy fills
 * the rest (every fork makes a root). Contract in <kernel/vpmap.h>. */
err_t vpmap_create_root(paddr_t *root)
{
    if (pmem_alloc(root) != ERR_OK)
        return ERR_NOMEM;
    memset(table_of(*root), 0, 256 * sizeof(pte_t));
    memcpy(table_of(*root) + 256, boot_pagetable + 256, 256 * sizeof(pte_t));
    return ERR_OK;
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

/* What the hardware would do for a user access: an attached leaf table
 * only (a detached one may still hold W entries whose frames are shared).
 * Contract in <kernel/vpmap.h>. */
bool vpmap_user_frame(paddr_t root, vaddr_t va, bool write, paddr_t *pa)
{
    pte_t *l1 = span_entry(root, va, false);
    if (!l1 || (*l1 & (PTE_V | PTE_LEAF)) != PTE_V)
        return false;
    pte_t e = table_of(PTE_PA(*l1))[VPN(va, 0)];
    pte_t need = PTE_V | PTE_U | (write ? PTE_W | PTE_D : PTE_R);
    if ((e & need) != need)
        return false;
    *pa = PTE_PA(e);
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

/* Reads the root and level-1 entries only, allocating nothing, so that
 * an unmap or a fork's copy of a sparse range skips its holes whole.
 * Contract in vpmap_internal.h. */
bool span_empty(paddr_t root, vaddr_t va, vaddr_t *next)
{
    pte_t l2 = table_of(root)[VPN(va, 2)];
    if (!(l2 & PTE_V)) {
        *next = (va | (L1_REACH - 1)) + 1;
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
 * flush (the TLB rule): frames, and whole tables (a hold on each, which
 * table_put lets go of: a shared leaf table, or one of this space's own,
 * leaf or level-1, that the unmap left with no entry). */
struct gather {
    paddr_t root;
    struct vpmap_tlb *tlb;                /* NULL: kernel mappings */
    vaddr_t start, end;                   /* the range being unmapped */
    bool changed;                         /* an entry went since the last flush */
    int nframes, ntables;
    paddr_t frames[128];
    paddr_t tables[16];
};

/* Flushes what g took out, then lets go of its frames and tables. A hart
 * may cache the table entries on the way to a page as well as the page's
 * (the privileged spec), and only an sfence.vma with no address drops
 * those: the whole ASID is flushed before a table is freed. */
static void gather_release(struct gather *g)
{
    if (!g->changed)
        return;
    if (g->tlb)
        vpmap_flush_range(g->tlb, g->start, g->ntables ? 0 : g->end - g->start, true);
    else
        vpmap_flush_kernel(g->start, g->end - g->start, false);
    for (int i = 0; i < g->nframes; i++)
        pmem_free(g->frames[i]);
    for (int i = 0; i < g->ntables; i++)
        table_put(g->tables[i]);
    g->nframes = g->ntables = 0;
    g->changed = false;
}

/* Takes the table that entry *parent names out of it, into g: it is let
 * go of (table_put) after the flush. */
static void gather_table(struct gather *g, pte_t *parent)
{
    if (g->ntables == (int)NELEM(g->tables))
        gather_release(g);
    g->tables[g->ntables++] = PTE_PA(*parent);
    *parent = 0;
    g->changed = true;
}

/* True if no entry of the table at t is in use: none valid, none naming a
 * detached leaf table. */
static bool table_unused(paddr_t t)
{
    pte_t *e = table_of(t);
    for (int i = 0; i < 512; i++)
        if (e[i] & (PTE_V | PTE_DETACHED))
            return false;
    return true;
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
    vaddr_t span = va & ~(VPMAP_SPAN - 1), next;
    vaddr_t lo = start > span ? start : span;
    vaddr_t hi = end < span + VPMAP_SPAN ? end : span + VPMAP_SPAN;
    if ((lo == span && hi == span + VPMAP_SPAN) || span_empty(root, lo, &next) ||
        !any_mapped(leaf_table(root, lo, false), lo, hi))
        return ERR_OK;
    return vpmap_own_table(root, tlb, lo, true);
}

/* True if the span at va is wholly inside [va, next) of a user unmap. */
static bool whole_span(struct vpmap_tlb *tlb, vaddr_t va, vaddr_t next)
{
    return tlb && (va & (VPMAP_SPAN - 1)) == 0 && next - va == VPMAP_SPAN;
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
            gather_table(&g, l1);                  /* our hold on a shared table */
            continue;
        }
        /* A span only partly inside whose table is still shared has
         * nothing in the range (own_partial_span copied it otherwise): it
         * is left as it is. Attaching it here, as once for any detached
         * table, handed this space a table fork never write-protected:
         * its stores then went straight into frames the other holders
         * map (a heap shrunk after fork, then written). */
        if (tlb && pmem_refcount(PTE_PA(*l1)) > 1)
            continue;
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
        /* A table of this space's own left with no entry goes too: kept,
         * it held a frame the program had given back until it exited (a
         * heap grown over many spans and shrunk, hostile_tables). */
        if (tlb && table_unused(PTE_PA(*l1)))
            gather_table(&g, l1);
    }
    /* And so does a level-1 table whose every leaf table went. */
    for (vaddr_t va = start; tlb && va < end; va = (va | (L1_REACH - 1)) + 1) {
        pte_t *l2 = &table_of(root)[VPN(va, 2)];
        if ((*l2 & PTE_V) && !(*l2 & PTE_LEAF) && table_unused(PTE_PA(*l2)))
            gather_table(&g, l2);
    }
    gather_release(&g);
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
            va = (va | (L1_REACH - 1)) + 1;
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
