/*
 * The ELF loader: checks an executable against lib/elf.h's rules and turns
 * each loadable segment into a private memregion. Only the pages that hold
 * bytes of the file are read in now (zeroed around those bytes); the rest
 * of a segment is bss, left for the fault path to zero-fill on first touch.
 * So the work is bounded by the file, whatever sizes its headers claim: a
 * 256 GiB bss costs one region, and ELF_MAX_PHDRS bounds the headers read
 * and the regions made. The program headers come in one read, not one
 * each: a small read's fixed work (its chunk and bounce frame, the
 * file's locks, the cached block's) is most of what a page's read costs,
 * and spawn paid it for every header (a spawn of bench_vm, two reads
 * fewer, is some 15 us faster under QEMU: docs/performance.md).
 */
#include <kernel/elf.h>
#include <kernel/fs.h>
#include <kernel/pmem.h>
#include <kernel/vm.h>
#include <kernel/vpmap.h>
#include <lib/layout.h>

/* True if the header is one of a 64-bit little-endian RISC-V executable
 * whose program headers all lie inside a file of file_size bytes. */
static bool header_ok(const struct elf_header *eh, size_t file_size)
{
    return eh->magic == ELF_MAGIC && eh->class == ELFCLASS64 && eh->data == ELFDATA2LSB &&
           eh->machine == EM_RISCV && eh->type == ET_EXEC &&
           eh->phentsize == sizeof(struct elf_phdr) && eh->phnum <= ELF_MAX_PHDRS &&
           eh->phoff <= file_size &&
           eh->phnum * sizeof(struct elf_phdr) <= file_size - eh->phoff;
}

/* True if a loadable segment (memsz > 0) meets lib/elf.h's rules on its
 * own; overlaps between segments are as_map_region's to refuse. */
static bool segment_ok(const struct elf_phdr *ph, size_t file_size)
{
    bool r = ph->flags & PF_R, w = ph->flags & PF_W, x = ph->flags & PF_X;
    return ph->filesz <= ph->memsz && ph->offset <= file_size &&
           ph->filesz <= file_size - ph->offset &&
           (ph->vaddr & (PG_SIZE - 1)) == (ph->offset & (PG_SIZE - 1)) &&
           ph->vaddr >= PG_SIZE && ph->vaddr < USTACK_LOWERBOUND &&
           ph->memsz <= USTACK_LOWERBOUND - ph->vaddr &&
           (r || x) && !(w && x);
}

/* Reads n bytes at off of ip into the kernel buffer dst: ERR_OK; the
 * read's own error (ERR_NOMEM when memory ran out: a clean, retryable
 * failure, not a bad program); ERR_INVAL when the file ends first, as
 * one shorter than its headers say does. */
static err_t read_exact(struct inode *ip, void *dst, offset_t off, size_t n)
{
    ssize_t got = inode_read(ip, dst, false, off, n);
    if (got < 0)
        return (err_t)got;
    return (size_t)got == n ? ERR_OK : ERR_INVAL;
}

/* Maps a checked segment and reads in the pages that hold file bytes. */
static err_t load_segment(struct addrspace *as, struct inode *ip, const struct elf_phdr *ph)
{
    int perm = (ph->flags & PF_R ? MEMPERM_R : 0) | (ph->flags & PF_W ? MEMPERM_W : 0) |
               (ph->flags & PF_X ? MEMPERM_X : 0);
    vaddr_t start = pg_round_down(ph->vaddr), end = pg_round_up(ph->vaddr + ph->memsz);
    err_t err = as_map_region(as, start, end, perm, perm & MEMPERM_X ? "text" : "data", NULL);
    if (err != ERR_OK)
        return err;
    vaddr_t file_end = ph->vaddr + ph->filesz;
    for (vaddr_t va = start; va < file_end; va += PG_SIZE) {
        /* The part of this page that comes from the file (none in the
         * first page of a segment with no file bytes). */
        vaddr_t from = va > ph->vaddr ? va : ph->vaddr;
        vaddr_t to = va + PG_SIZE < file_end ? va + PG_SIZE : file_end;
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
        if ((err = read_exact(ip, dst, off, to - from)) != ERR_OK)
            return err;
    }
    return ERR_OK;
}

/* Maps every PT_LOAD segment of the n program headers ph of ip (a file
 * of file_size bytes), each checked first; the end of the highest in
 * *top. ERR_INVAL unless entry lies in an executable one. */
static err_t load_segments(struct addrspace *as, struct inode *ip, const struct elf_phdr *ph,
                           int n, size_t file_size, vaddr_t entry, vaddr_t *top)
{
    bool entry_ok = false;
    *top = 0;
    for (int i = 0; i < n; i++, ph++) {
        if (ph->type != PT_LOAD || ph->memsz == 0)
            continue;
        if (!segment_ok(ph, file_size))
            return ERR_INVAL;
        err_t err = load_segment(as, ip, ph);
        if (err != ERR_OK)
            return err;
        if (pg_round_up(ph->vaddr + ph->memsz) > *top)
            *top = pg_round_up(ph->vaddr + ph->memsz);
        if ((ph->flags & PF_X) && entry >= ph->vaddr && entry - ph->vaddr < ph->memsz)
            entry_ok = true;
    }
    return entry_ok ? ERR_OK : ERR_INVAL;  /* also: no loadable segment at all */
}

_Static_assert(ELF_MAX_PHDRS * sizeof(struct elf_phdr) <= PG_SIZE,
               "the program headers fit in the frame they are read into");

/* Checks ip's ELF header, reads its program headers into a frame in one
 * read, maps each PT_LOAD segment into as and an empty heap after the
 * last; the entry must lie in an executable segment. Contract in
 * <kernel/elf.h>. */
err_t elf_load(struct addrspace *as, struct inode *ip, vaddr_t *entry)
{
    struct elf_header eh;
    size_t file_size = inode_size(ip);
    err_t err = read_exact(ip, &eh, 0, sizeof(eh));
    if (err != ERR_OK)
        return err;
    if (!header_ok(&eh, file_size))
        return ERR_INVAL;
    paddr_t frame;
    if (pmem_alloc(&frame) != ERR_OK)
        return ERR_NOMEM;
    struct elf_phdr *ph = kmap_p2v(frame);
    vaddr_t top;
    err = read_exact(ip, ph, eh.phoff, eh.phnum * sizeof(*ph));
    if (err == ERR_OK)
        err = load_segments(as, ip, ph, eh.phnum, file_size, eh.entry, &top);
    pmem_free(frame);
    if (err != ERR_OK)
        return err;
    /* The heap starts empty right after the program and grows with sbrk. */
    err = as_map_region(as, top, top, MEMPERM_R | MEMPERM_W, "heap", &as->heap);
    if (err != ERR_OK)
        return err;
    as->brk = top;
    *entry = eh.entry;
    return ERR_OK;
}
