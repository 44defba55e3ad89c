/*
 * The Sv39 address-space layout constants that user programs may see
 * (through <lib/usyscall.h>) and that the kernel builds on.
 *
 * Sv39 gives 256 GiB of user addresses, 0x0 to 0x3F_FFFF_FFFF, and the
 * kernel half starting at the sign-extended address KMAP_BASE. All physical
 * memory is mapped at KMAP_BASE + pa, so a user pointer at or above
 * KMAP_BASE is a kernel address and touching it kills the process.
 */
#ifndef _LIB_LAYOUT_H_
#define _LIB_LAYOUT_H_

#define KMAP_BASE 0xFFFFFFC000000000UL   /* lowest kernel virtual address */
#define USER_TOP 0x4000000000UL          /* one past the highest user address */
/* Top of the user stack, exclusive. The page at it is never mapped. */
#define USTACK_UPPERBOUND 0x3FFFFFF000UL
#define USTACK_PAGES 10                  /* the stack grows to at most 10 pages */
#define USER_TEXT_BASE 0x10000UL         /* programs are linked here; page 0 stays unmapped */

#endif /* _LIB_LAYOUT_H_ */
