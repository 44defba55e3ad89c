/*
 * Loading a program: elf_load. The format and the rules a file must meet
 * are in lib/elf.h, shared with the tests that build hostile files.
 */
#ifndef _KERNEL_ELF_H_
#define _KERNEL_ELF_H_

#include <kernel/types.h>
#include <lib/elf.h>
#include <lib/errcode.h>

struct addrspace;
struct inode;

/*
 * Maps every loadable segment of the executable ip into as, as a private
 * region with the segment's permissions, and sets up an empty heap right
 * after the highest segment. Only the pages holding file bytes are read
 * now; the rest (bss) is zero-filled by the fault path on first touch, so
 * the work is bounded by the file's size, not by the segments' sizes.
 * Returns the entry point in *entry. Errors: ERR_INVAL (the file breaks a
 * rule of lib/elf.h), ERR_NOMEM. On error as may hold some segments:
 * destroy it. as is a new process's space that no thread runs in yet, so
 * it takes no lock (as_map_store's rule, vm.h); it sleeps, reading ip.
 */
err_t elf_load(struct addrspace *as, struct inode *ip, vaddr_t *entry);

#endif /* _KERNEL_ELF_H_ */
