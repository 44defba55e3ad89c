/*
 * osv-rv: file mappings. Pages come in on first touch through the same
 * memstore and page-cache path as shared regions; prot is lib/shm.h's
 * SHM_READ/SHM_WRITE, so this header brings lib/shm.h along.
 *
 * The kernel includes it for the MAP_* values only.
 */
#ifndef _LIB_MMAN_H_
#define _LIB_MMAN_H_

#include <lib/usyscall.h>
#include <lib/shm.h>

/* mmap flags: exactly one */
#define MAP_SHARED 1        /* writes reach the file by munmap, exit or halt */
#define MAP_PRIVATE 2       /* copy-on-write; never reaches the file */

#ifndef OSV_KERNEL

/* Maps length bytes of the file open on fd from offset (page aligned) and
 * stores the view's start in *addr. ERR_INVAL, ERR_FTYPE, ERR_PERM,
 * ERR_FAULT, ERR_NOMEM. */
int mmap(int fd, offset_t offset, size_t length, int prot, int flags, void **addr);
/* Unmaps the whole mapping that starts at addr (length as given to mmap). */
int munmap(void *addr, size_t length);

#endif /* !OSV_KERNEL */
#endif /* _LIB_MMAN_H_ */
