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

/* Resolves a fault at va with the given access in as. ERR_OK if the page
 * is now mapped; ERR_FAULT if nothing allows the access; ERR_NOMEM if a
 * frame could not be had. Takes as->lock. */
err_t pgfault_resolve(struct addrspace *as, uint64_t va, int access);
/* Page faults resolved and copy-on-write copies made since boot, all
 * processes together (info(), sys_proc.c); updated atomically. */
extern volatile uint64_t pgfault_count, cow_copy_count;
/* Trap entry points (trap.c). */
void pgfault_user(struct trapframe *tf);
void pgfault_kernel(struct trapframe *tf);

#endif /* _KERNEL_PGFAULT_H_ */
