/*
 * The operating system's types, as osv names them: osv programs get them
 * through <lib/usyscall.h> (which includes this header after
 * <arch/types.h>, as osv's does), and the kernel and mkfs use the same
 * definitions, so a struct crossing the system-call boundary or the disk
 * has one layout.
 *
 * NULL is plain 0, as in osv: `int x = NULL;` compiles. bool is C's _Bool;
 * true and false are deliberately NOT defined here, since osv programs may
 * define their own. The kernel and mkfs, which are not osv programs, get
 * them here from the compiler's <stdbool.h>; osv-rv's own user programs
 * include <stdbool.h> themselves, in either order.
 */
#ifndef _KERNEL_TYPES_H_
#define _KERNEL_TYPES_H_

#include <arch/types.h>

#ifndef NULL
#define NULL 0
#endif

/* C23 makes bool a keyword (gcc 13 on, in its c2x/c23 modes), and
 * <stdbool.h> before C23 makes it a macro: no typedef then. */
#if !defined(bool) && \
    !(defined(__STDC_VERSION__) && __STDC_VERSION__ > 201710L && __GNUC__ >= 13)
typedef _Bool bool;
#endif

#if defined(OSV_KERNEL) || defined(OSV_HOST_TOOL)
#include <stdbool.h>
#endif

typedef uint64_t offset_t;  /* a byte offset in a file or region: never negative */
typedef int err_t;          /* ERR_OK or a negative code from lib/errcode.h */
typedef int pid_t;          /* a process id */
typedef int tid_t;          /* a thread id */
typedef uint32_t inum_t;    /* an inode number (0 is never a file's) */
typedef uint64_t sysarg_t;  /* a system call's argument: one register */
typedef int64_t sysret_t;   /* a system call's result: a value or an error code */

#endif /* _KERNEL_TYPES_H_ */
