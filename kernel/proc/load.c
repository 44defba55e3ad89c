/*
 * Loading a program into a new process, for spawn and for /init
 * (spawn.c): finding the file a command names, mapping its ELF image
 * (elf.c), and the first stack page, which holds the program's argv and
 * where its first instruction finds them (a0 = argc, a1 = argv).
 */
#include "proc_internal.h"
#include <kernel/console.h>
#include <kernel/elf.h>
#include <kernel/fs.h>
#include <kernel/pmem.h>
#include <kernel/riscv.h>
#include <kernel/string.h>
#include <kernel/thread.h>
#include <kernel/trap.h>
#include <kernel/vpmap.h>
#include <lib/layout.h>

/* The file path names, if it is one (a directory is ERR_NOTEXIST: no
 * program); a name out of the file system's contract (a component too
 * long, or a file used as a directory) is ERR_NOTEXIST too. */
static err_t lookup_file(const char *path, struct inode **ip)
{
    err_t err = fs_lookup(path, ip);
    if (err == ERR_OK && inode_ftype(*ip) != FTYPE_FILE) {
        inode_put(*ip);
        return ERR_NOTEXIST;
    }
    return err == ERR_FTYPE || err == ERR_INVAL ? ERR_NOTEXIST : err;
}

/* The program a command names: as given, then, for a relative name that
 * names no file there, under "/". A directory as given is no file, so it
 * falls back too (a directory "ls" in the working directory once made
 * "ls" ERR_NOTEXIST, where a missing "ls" ran /ls). A name too long for a
 * path (fs.h), which spawn's words may be, is no program (ERR_NOTEXIST). */
static err_t find_program(const char *name, struct inode **ip)
{
    if (strnlen(name, FS_PATH_MAX) == FS_PATH_MAX)
        return ERR_NOTEXIST;
    err_t err = lookup_file(name, ip);
    if (err == ERR_NOTEXIST && name[0] != '/') {
        char path[FS_PATH_MAX];
        if (ksnprintf(path, sizeof(path), "/%s", name) >= (int)sizeof(path))
            return ERR_NOTEXIST;
        err = lookup_file(path, ip);
    }
    return err;
}

/* The most setup_stack puts on the stack page: every byte of the words,
 * up to 7 to align argv, argv and its NULL, up to 8 more to align sp. */
_Static_assert(SPAWN_ARGS_MAX + 7 + (SPAWN_WORDS_MAX + 1) * sizeof(uint64_t) + 8 <= PG_SIZE,
               "spawn's words and their argv must fit on the first stack page");

/* Copies argv onto the top stack page (the words at its top, argv below
 * them) and points the trap frame at main. */
static err_t setup_stack(struct proc *p, int argc, char *const argv[], vaddr_t entry)
{
    struct addrspace *as = &p->as;
    /* One page now; the fault path grows it down to USTACK_PAGES. */
    vaddr_t page_va = USTACK_UPPERBOUND - PG_SIZE;
    err_t err = as_map_region(as, page_va, USTACK_UPPERBOUND, MEMPERM_R | MEMPERM_W, "stack", &as->stack);
    if (err != ERR_OK)
        return err;
    paddr_t pa;
    if (pmem_alloc_zero(&pa) != ERR_OK)
        return ERR_NOMEM;
    if ((err = vpmap_map(as->root, page_va, pa, MEMPERM_R | MEMPERM_W | VPMAP_USER)) != ERR_OK) {
        pmem_free(pa);
        return err;
    }
    char *page = kmap_p2v(pa);
    size_t words = 0;
    for (int i = 0; i < argc; i++)
        words += strlen(argv[i]) + 1;
    uint64_t off = PG_SIZE - words;                 /* the words, in order */
    uint64_t argv_off = (off & ~7UL) - (argc + 1) * sizeof(uint64_t);
    uint64_t *uargv = (uint64_t *)(page + argv_off);
    for (int i = 0; i < argc; i++) {
        size_t len = strlen(argv[i]) + 1;
        memcpy(page + off, argv[i], len);
        uargv[i] = page_va + off;
        off += len;
    }
    uargv[argc] = 0;
    struct trapframe *tf = p->thread->tf;
    memset(tf, 0, sizeof(*tf));
    tf->a0 = argc;
    tf->a1 = page_va + argv_off;
    tf->sp = page_va + (argv_off & ~15UL);
    tf->sepc = entry;
    tf->sstatus = SSTATUS_SPIE | SSTATUS_FS_INITIAL;   /* user mode, interrupts on */
    memset(p->thread->fpregs, 0, sizeof(p->thread->fpregs));
    return ERR_OK;
}

/* Finds the program, maps its segments (elf.c), names the process after
 * it and builds its first stack page. Contract in proc_internal.h. */
err_t proc_load(struct proc *p, int argc, char *const argv[])
{
    if (argc == 0)
        return ERR_NOTEXIST;
    struct inode *ip;
    err_t err = find_program(argv[0], &ip);
    if (err != ERR_OK)
        return err;
    vaddr_t entry;
    err = elf_load(&p->as, ip, &entry);
    inode_put(ip);
    if (err != ERR_OK)
        return err;
    const char *base = argv[0];
    for (const char *s = argv[0]; *s; s++)
        if (*s == '/' && s[1])
            base = s + 1;
    strlcpy(p->name, base, sizeof(p->name));
    strlcpy(p->thread->name, base, sizeof(p->thread->name));
    return setup_stack(p, argc, argv, entry);
}
