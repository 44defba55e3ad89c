/*
 * osv-rv: the ELF64 executable format as far as the kernel's loader reads
 * it (kernel/proc/elf.c), and the rules a file must meet to be loaded.
 * Shared by the kernel and by tests that build executables byte by byte
 * (test/elf_hostile.c). Not an osv header: osv programs do not get these
 * names.
 *
 * What spawn accepts (anything else is ERR_INVAL, and nothing of the file
 * is kept):
 *   - a 64-bit little-endian RISC-V ET_EXEC header with 56-byte program
 *     headers, at most ELF_MAX_PHDRS of them, all inside the file;
 *   - PT_LOAD segments with memsz 0 are ignored, whatever their other
 *     fields; every other PT_LOAD segment has filesz <= memsz, its file
 *     bytes inside the file, vaddr congruent to offset modulo the page
 *     size, is readable or executable (so not write-only: RISC-V has no
 *     write-only pages) but never both writable and executable, and lies
 *     in user space above page 0 and below the stack's window
 *     (USTACK_LOWERBOUND, lib/layout.h); no two segments share a page;
 *     p_align is not used;
 *   - at least one loadable segment, and the entry point inside an
 *     executable one.
 * Other segment types (PT_NOTE, PT_GNU_STACK, ...) are skipped: only
 * their type is read.
 */
#ifndef _LIB_ELF_H_
#define _LIB_ELF_H_

#include <kernel/types.h>

#define ELF_MAGIC 0x464C457FU   /* "\x7FELF" little endian */
#define ELFCLASS64 2
#define ELFDATA2LSB 1           /* little endian */
#define EM_RISCV 243
#define ET_EXEC 2
#define PT_LOAD 1
#define PF_X 1
#define PF_W 2
#define PF_R 4

/* Program headers a loadable file may have. A linker emits fewer than
 * ten; the bound keeps the loader's work small whatever the file says. */
#define ELF_MAX_PHDRS 64

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

#endif /* _LIB_ELF_H_ */
