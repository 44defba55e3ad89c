/*
 * osv-rv: the rest of the Sv39 user address-space layout, beyond osv's
 * KMAP_BASE and USTACK_UPPERBOUND (lib/usyscall.h): for osv-rv's tests
 * and for the kernel, which builds address spaces on it. Not an osv
 * header: osv programs do not get these names.
 *
 * Sv39 gives 256 GiB of user addresses, 0x0 to 0x3F_FFFF_FFFF; the
 * kernel half starts at the sign-extended address KMAP_BASE.
 */
#ifndef _LIB_LAYOUT_H_
#define _LIB_LAYOUT_H_

#include <lib/usyscall.h>

#define USER_TOP 0x4000000000UL          /* one past the highest user address */
#define USTACK_PAGES 10                  /* the stack grows to at most 10 pages */
/* The lowest address the stack may grow down to: no other region
 * reaches into [USTACK_LOWERBOUND, USTACK_UPPERBOUND). */
#define USTACK_LOWERBOUND (USTACK_UPPERBOUND - USTACK_PAGES * 0x1000UL)
#define USER_TEXT_BASE 0x10000UL         /* programs are linked here; page 0 stays unmapped */

_Static_assert(USTACK_UPPERBOUND == USER_TOP - 0x1000,
               "the page just below USER_TOP is the unmapped guard above the stack");

#endif /* _LIB_LAYOUT_H_ */
