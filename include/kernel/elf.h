/*
 * Loading a program: the ELF64 executable format, as far as the loader
 * needs it, and elf_load.
 */
#ifndef _KERNEL_ELF_H_
#define _KERNEL_ELF_H_

#include <kernel/types.h>
#include <lib/errcode.h>

struct addrspace;
struct inode;

#define ELF_MAGIC 0x464C457FU   /* "\x7FELF" little endian */
#define EM_RISCV 243
#define ET_EXEC 2
#define PT_LOAD 1
#define PF_X 1
#define PF_W 2
#define PF_R 4

struct elf_header {
    uint32_t magic;
    uint8_t class, data, version, osabi, pad[8];
    uint16_t type, machine;
    uint32_t version2;
    uint64_t entry, phoff, shoff;
    uint32_t flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf_phdr {
    uint32_t type, flags;
    uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

/*
 * Maps every PT_LOAD segment of the executable ip into as (text read+execute,
 * data read+write; a segment asking for write and execute is refused), and
 * sets up an empty heap right after the highest segment. Returns the entry
 * point in *entry. Errors: ERR_INVAL (not a RISC-V executable, or a bad
 * segment), ERR_NOMEM. On error as may hold some segments: destroy it.
 */
err_t elf_load(struct addrspace *as, struct inode *ip, vaddr_t *entry);

#endif /* _KERNEL_ELF_H_ */
