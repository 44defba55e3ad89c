/*
 * The ELF loader: reads an executable's program headers and turns each
 * loadable segment into a memregion. Pages holding bytes of the file are
 * read in now (zeroed past the file's bytes); pages of pure bss are left
 * for the fault path to zero-fill when first touched.
 */
#include <kernel/elf.h>
#include <kernel/fs.h>
#include <kernel/pmem.h>
#include <kernel/vm.h>
#include <kernel/vpmap.h>
#include <lib/layout.h>

static err_t load_segment(struct addrspace *as, struct inode *ip, struct elf_phdr *ph)
{
    if (ph->memsz < ph->filesz || ph->vaddr + ph->memsz < ph->vaddr ||
        ph->vaddr + ph->memsz > USTACK_UPPERBOUND - USTACK_PAGES * PG_SIZE ||
        (ph->vaddr & (PG_SIZE - 1)) != (ph->offset & (PG_SIZE - 1)))
        return ERR_INVAL;
    if ((ph->flags & PF_W) && (ph->flags & PF_X))
        return ERR_INVAL;        /* never both write and execute */
    int perm = (ph->flags & PF_R ? MEMPERM_R : 0) | (ph->flags & PF_W ? MEMPERM_W : 0) |
               (ph->flags & PF_X ? MEMPERM_X : 0);
    vaddr_t start = pg_round_down(ph->vaddr), end = pg_round_up(ph->vaddr + ph->memsz);
    err_t err = as_map_region(as, start, end, perm, perm & MEMPERM_X ? "text" : "data", NULL);
    if (err != ERR_OK)
        return err;
    for (vaddr_t va = start; va < end; va += PG_SIZE) {
        /* The part of this page that comes from the file. Pages with none
         * (pure bss) are left to the fault path, which zero-fills them on
         * first touch. */
        vaddr_t from = va > ph->vaddr ? va : ph->vaddr;
        vaddr_t to = va + PG_SIZE < ph->vaddr + ph->filesz ? va + PG_SIZE : ph->vaddr + ph->filesz;
        if (from >= to)
            continue;
        paddr_t pa;
        if (pmem_alloc_zero(&pa) != ERR_OK)
            return ERR_NOMEM;
        if ((err = vpmap_map(as->root, va, pa, perm | VPMAP_USER)) != ERR_OK) {
            pmem_free(pa);
            return err;
        }
        char *dst = (char *)kmap_p2v(pa) + (from - va);
        offset_t off = ph->offset + (from - ph->vaddr);
        if (inode_read(ip, dst, false, off, to - from) != (ssize_t)(to - from))
            return ERR_INVAL;
    }
    return ERR_OK;
}

err_t elf_load(struct addrspace *as, struct inode *ip, vaddr_t *entry)
{
    struct elf_header eh;
    if (inode_read(ip, &eh, false, 0, sizeof(eh)) != sizeof(eh) || eh.magic != ELF_MAGIC ||
        eh.class != 2 || eh.machine != EM_RISCV || eh.type != ET_EXEC ||
        eh.phentsize != sizeof(struct elf_phdr))
        return ERR_INVAL;
    vaddr_t top = 0;
    for (int i = 0; i < eh.phnum; i++) {
        struct elf_phdr ph;
        if (inode_read(ip, &ph, false, eh.phoff + i * sizeof(ph), sizeof(ph)) != sizeof(ph))
            return ERR_INVAL;
        if (ph.type != PT_LOAD || ph.memsz == 0)
            continue;
        err_t err = load_segment(as, ip, &ph);
        if (err != ERR_OK)
            return err;
        if (pg_round_up(ph.vaddr + ph.memsz) > top)
            top = pg_round_up(ph.vaddr + ph.memsz);
    }
    if (top == 0)
        return ERR_INVAL;
    /* The heap starts empty right after the program and grows with sbrk. */
    err_t err = as_map_region(as, top, top, MEMPERM_R | MEMPERM_W, "heap", &as->heap);
    if (err != ERR_OK)
        return err;
    as->brk = top;
    *entry = eh.entry;
    return ERR_OK;
}
