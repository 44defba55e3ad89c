/*
 * The one page-fault path (scause 12, 13, 15), for user traps and for
 * faults taken by the kernel's user-copy helpers alike: find the
 * memregion covering stval, check the access against its permission, and
 * fill the page (zero page for anonymous memory; every case is in the
 * table at the top of kernel/mm/pgfault.c). What no
 * region allows kills a user process with the killed: line, makes a copy
 * helper return ERR_FAULT through the fixup table (ERR_NOMEM if a region
 * allows it but no frame was free), and anywhere else in the kernel is a
 * PANIC.
 */
#ifndef _KERNEL_PGFAULT_H_
#define _KERNEL_PGFAULT_H_

#include <kernel/types.h>
#include <lib/errcode.h>

struct trapframe;
struct addrspace;

#define FAULT_READ 1
#define FAULT_WRITE 2
#define FAULT_EXEC 4

/* Resolves a fault at va with the given access (one FAULT_*) in as.
 * ERR_OK if the page is now mapped; ERR_FAULT if nothing allows the
 * access; ERR_NOMEM if a frame could not be had; or the I/O error of the
 * store that backs the page (memstore.h). Takes as->lock, a sleeplock,
 * and may read the disk: call it with no spinlock held. */
err_t pgfault_resolve(struct addrspace *as, uint64_t va, int access);
/* Since boot, all processes together (info()'s num_pgfault and
 * cow_copies, sys_proc.c); updated atomically. pgfault_count counts every
 * pgfault_resolve: each user fault and copy helper's fault, refused ones
 * too, and each fault user_prepare_write takes ahead of a copy
 * (uaccess.h); cow_copy_count the frames copied by copy-on-write. */
extern volatile uint64_t pgfault_count, cow_copy_count;
/* The trap entry points, called by trap.c for scause 12, 13 and 15.
 * pgfault_user, for a fault in user mode (interrupts on): resolves it, or
 * kills the process with its killed: line ("out of memory" for ERR_NOMEM)
 * and does not return. pgfault_kernel, for a fault in kernel mode: a
 * load or store on a kernel stack this hart has not fenced since it was
 * mapped is retried (vpmap_kstack_spurious, vpmap.h); a user-copy
 * helper's fault (the extable names its pc) is resolved, or the helper
 * resumes at its fixup with ERR_NOMEM or ERR_FAULT in a0; any other
 * kernel fault panics ("kernel stack overflow" on a stack's guard page). */
void pgfault_user(struct trapframe *tf);
void pgfault_kernel(struct trapframe *tf);

#endif /* _KERNEL_PGFAULT_H_ */
