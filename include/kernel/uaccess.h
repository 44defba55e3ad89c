/*
 * The only way the kernel touches user memory.
 *
 * Each helper first checks that the whole user range lies below USER_TOP
 * (so a kernel address from user space is ERR_FAULT), then copies with
 * sstatus.SUM set: the assembly loops set it and clear it themselves, and
 * trap entry clears it, so no other kernel code ever runs with user
 * memory open (a stray access to it is a kernel page fault). A page fault
 * inside the copy goes through the normal fault path (pgfault.h), which
 * fills lazily backed pages; if it cannot, the fault is recovered through
 * the fixup table (__ex_table) and the helper returns ERR_FAULT if no
 * region allows the access (a bad pointer), or ERR_NOMEM if one does but
 * no frame could back the page (a good pointer to memory not backed yet,
 * untouched or copy-on-write: a retry once memory is free may succeed).
 * Bytes before the faulting one may have been copied. The kernel never
 * walks page tables to validate a pointer: it walks them only to go
 * faster, copying through the direct map, with user memory closed, the
 * pages the calling process's own tables already let it access the same
 * way (vpmap_user_frame); anything else, and every error, is the loop's.
 * Under QEMU 7.2 that saves two flushes of the whole TLB per copy (each
 * change of sstatus.SUM is one).
 *
 * All may sleep (a fault may allocate or read disk); call them without
 * spinlocks held, and without any sleeplock ranked at or after the
 * address space's: the fault takes as->lock (synch.h), so the file system
 * copies through a bounce buffer with its own locks dropped (fs.h).
 */
#ifndef _KERNEL_UACCESS_H_
#define _KERNEL_UACCESS_H_

#include <kernel/types.h>
#include <lib/errcode.h>
#include <lib/layout.h>           /* USER_TOP */

/* ERR_OK, ERR_FAULT or ERR_NOMEM. */
err_t copy_from_user(void *dst, const void *usrc, size_t n);
err_t copy_to_user(void *udst, const void *src, size_t n);
/* The same between user memory and a row of frames (4096 bytes each, in
 * the direct map) as if they were one buffer: n bytes from frames[0] +
 * off on, continuing at the start of frames[1], ... (off < 4096). One
 * copy for many frames, which an emulator runs much faster than a copy
 * per frame (uaccess.S says why). */
err_t copy_from_user_frames(void *const *frames, size_t off, const void *usrc, size_t n);
err_t copy_to_user_frames(void *udst, void *const *frames, size_t off, size_t n);
/* Gives every page of [udst, udst + n) a frame the caller may store to
 * now, as a store would (a page of its own for an untouched or
 * copy-on-write one; the fault counted as the store's would be), storing
 * nothing: a copy_to_user into it then needs no frame. For a call that
 * takes its data out of a place it cannot be put back into (the console's
 * typed lines), so that ERR_NOMEM comes before it does, and for one that
 * checks its result pointer before it acts but stores the result only on
 * success (shm_map, mmap, fstat, readdir: a failed call leaves the caller's
 * variable as it was, as on osv). ERR_OK, ERR_FAULT or ERR_NOMEM. */
err_t user_prepare_write(void *udst, size_t n);
/* Copies a NUL-terminated string of at most max bytes, terminator included.
 * Returns its length, ERR_FAULT, ERR_NOMEM, or ERR_INVAL if no NUL within
 * max bytes. */
ssize_t copy_str_from_user(char *dst, const char *usrc, size_t max);

/* True if [uaddr, uaddr+n) lies entirely in user space (no overflow). */
static inline bool user_range_ok(uint64_t uaddr, size_t n)
{
    return uaddr + n >= uaddr && uaddr + n <= USER_TOP;
}

/* Assembly primitives (kernel/arch/riscv/uaccess.S): return 0 (a length
 * for the string copy) or, on a fault recovered through the fixup table,
 * the error pgfault_kernel gave: ERR_FAULT or ERR_NOMEM. */
int __copy_user(void *dst, const void *src, size_t n);
int __copy_user_frames(void *const *frames, size_t off, void *user, size_t n, int to_user);
long __strncpy_from_user(char *dst, const char *usrc, size_t max);

/* Looks up a faulting pc in the fixup table (the copy helpers' entries,
 * and trap.c's Sstc probe); returns the fixup pc or 0. */
uint64_t extable_lookup(uint64_t pc);

#endif /* _KERNEL_UACCESS_H_ */
