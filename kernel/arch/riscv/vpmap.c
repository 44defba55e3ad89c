/*
 * Sv39 page tables (see vpmap.h for the contract).
 *
 * A virtual address has three 9-bit indices (VPN[2], VPN[1], VPN[0]) and a
 * 12-bit offset. A PTE holds a physical page number in bits 10..53 and the
 * flags V R W X U G A D in bits 0..7; a valid PTE with none of R W X points
 * at the next-level table. A is set up front so the hardware never has to
 * (QEMU would, but real harts may fault instead); D only for VPMAP_DIRTY
 * (vpmap.h).
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

#define PTE_PA(pte) (((pte) >> 10) << 12)
#define PA_PTE(pa) (((pa) >> 12) << 10)
#define VPN(va, level) (((va) >> (12 + 9 * (level))) & 0x1FF)

extern pte_t boot_pagetable[512];
extern char boot_stack_guard[];                          /* entry.S */
extern char __kernel_start[], __text_end[], __data_start[], __ksyms_start[], __kernel_end[];

static pte_t *table_of(paddr_t pa) { return kmap_p2v(pa); }

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
 * way or a table is missing. */
static pte_t *walk_to(paddr_t root, vaddr_t va, int level, bool alloc)
{
    pte_t *table = table_of(root);
    for (int l = 2; l > level; l--) {
        pte_t *pte = &table[VPN(va, l)];
        if (*pte & PTE_V) {
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
    sfence_vma_all();
    pmem_free(root);             /* the tables under it now hang off boot_pagetable */
}

void vpmap_drop_identity(void)
{
    /* The identity gigapage was for entry.S only; every hart is past it. */
    boot_pagetable[2] = 0;
    vpmap_flush_all_harts(0);
}

paddr_t vpmap_kernel_root(void)
{
    return kmap_v2p(boot_pagetable);
}

err_t vpmap_create_root(paddr_t *root)
{
    if (pmem_alloc_zero(root) != ERR_OK)
        return ERR_NOMEM;
    memcpy(table_of(*root) + 256, boot_pagetable + 256, 256 * sizeof(pte_t));
    return ERR_OK;
}

static void free_table(paddr_t pa, int level)
{
    pte_t *t = table_of(pa);
    if (level > 0)
        for (int i = 0; i < 512; i++)
            if ((t[i] & PTE_V) && !(t[i] & PTE_LEAF))
                free_table(PTE_PA(t[i]), level - 1);
    pmem_free(pa);
}

void vpmap_destroy_root(paddr_t root)
{
    /* Never free the table this hart is using. */
    if ((csr_read(satp) & ((1UL << 44) - 1)) == root >> 12)
        vpmap_activate(vpmap_kernel_root());
    pte_t *t = table_of(root);
    for (int i = 0; i < 256; i++)
        if ((t[i] & PTE_V) && !(t[i] & PTE_LEAF))
            free_table(PTE_PA(t[i]), 1);
    pmem_free(root);
}

err_t vpmap_map(paddr_t root, vaddr_t va, paddr_t pa, int flags)
{
    pte_t *pte = walk(root, va, true);
    if (!pte)
        return ERR_NOMEM;
    *pte = PA_PTE(pa) | flags_to_pte(flags);
    return ERR_OK;
}

paddr_t vpmap_unmap(paddr_t root, vaddr_t va)
{
    pte_t *pte = walk(root, va, false);
    if (!pte || !(*pte & PTE_V))
        return 0;
    paddr_t pa = PTE_PA(*pte);
    *pte = 0;
    sfence_vma_addr(va);
    return pa;
}

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

err_t vpmap_set_flags(paddr_t root, vaddr_t va, int flags)
{
    pte_t *pte = walk(root, va, false);
    if (!pte || !(*pte & PTE_V))
        return ERR_NOTEXIST;
    *pte = (*pte & ~0x3FFUL) | flags_to_pte(flags);
    sfence_vma_addr(va);
    return ERR_OK;
}

/* The level-0 table covering va, or NULL (allocated if alloc). */
static pte_t *leaf_table(paddr_t root, vaddr_t va, bool alloc)
{
    pte_t *pte = walk(root, va & ~((1UL << 21) - 1), alloc);
    return pte ? pte - VPN(va & ~((1UL << 21) - 1), 0) : NULL;
}

/* The first address of the next 2 MiB (level-0 table) span after va. */
static vaddr_t next_span(vaddr_t va)
{
    return (va | ((1UL << 21) - 1)) + 1;
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
    if (!(l1 & PTE_V)) {
        *next = next_span(va);
        return true;
    }
    return false;
}

err_t vpmap_kernel_area(vaddr_t start, vaddr_t end)
{
    for (vaddr_t va = start; va < end; va = next_span(va)) {
        if (!walk(vpmap_kernel_root(), va, true))
            return ERR_NOMEM;
        if (next_span(va) == 0)            /* the last span of the address space */
            break;
    }
    sfence_vma_all();
    return ERR_OK;
}

void vpmap_unmap_range(paddr_t root, vaddr_t start, vaddr_t end, void (*fn)(paddr_t pa))
{
    for (vaddr_t va = start, next; va < end; va = next) {
        if (span_empty(root, va, &next))
            continue;
        next = next_span(va) < end ? next_span(va) : end;
        pte_t *l0 = leaf_table(root, va, false);
        for (vaddr_t a = va; a < next; a += PG_SIZE) {
            pte_t *pte = &l0[VPN(a, 0)];
            if (*pte & PTE_V) {
                paddr_t pa = PTE_PA(*pte);
                *pte = 0;
                fn(pa);
            }
        }
    }
}

err_t vpmap_copy_range(paddr_t dst, paddr_t src, vaddr_t start, vaddr_t end, bool cow)
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
                from[i] = pte;
            }
            to[i] = pte;
            pmem_inc_ref(PTE_PA(pte));
        }
    }
    return ERR_OK;
}

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
        if (!(*l1 & PTE_V)) {
            va = (va | ((1UL << 21) - 1)) + 1;
            continue;
        }
        pte_t *l0 = &table_of(PTE_PA(*l1))[VPN(va, 0)];
        if (*l0 & PTE_V)
            fn(va, PTE_PA(*l0), pte_to_flags(*l0), arg);
        va += PG_SIZE;
    }
}

void vpmap_activate(paddr_t root)
{
    csr_write(satp, SATP_SV39 | (root >> 12));
    sfence_vma_all();
}

void vpmap_flush_all_harts(vaddr_t va)
{
    /* An SBI hart mask names 64 hart ids from its base: one call per 64. */
    for (uint64_t base = 0;; base += 64) {
        unsigned long mask = 0;
        bool more = false;
        for (int i = 0; i < platform.nharts; i++) {
            uint64_t id = platform.hartids[i];
            if (id >= base && id < base + 64)
                mask |= 1UL << (id - base);
            more |= id >= base + 64;
        }
        if (mask)
            sbi_remote_sfence_vma(mask, base, va ? pg_round_down(va) : 0, va ? PG_SIZE : 0);
        if (!more)
            return;
    }
}
