/*
 * Integer types shared by the kernel, the user library and the host mkfs.
 * osv programs expect these names through <lib/usyscall.h>; the kernel uses
 * the same header so a struct crossing the system-call boundary has one
 * definition. Sizes are fixed for RV64 (LP64): long and pointers are 64 bits.
 */
#ifndef _LIB_TYPES_H_
#define _LIB_TYPES_H_

#ifdef OSV_HOST_TOOL
/* mkfs runs on the host: take the host's own definitions. */
#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>
#else
typedef signed char int8_t;
typedef unsigned char uint8_t;
typedef short int16_t;
typedef unsigned short uint16_t;
typedef int int32_t;
typedef unsigned int uint32_t;
typedef long int64_t;
typedef unsigned long uint64_t;
typedef unsigned long uintptr_t;
typedef long intptr_t;
typedef unsigned long size_t;
typedef long ssize_t;
typedef int pid_t;
#endif

#ifndef NULL
#define NULL ((void *)0)
#endif

typedef uint64_t vaddr_t;   /* a virtual address */
typedef uint64_t paddr_t;   /* a physical address */
typedef int64_t offset_t;   /* a byte offset in a file or region */
typedef int err_t;          /* ERR_OK or a negative code from errcode.h */

#ifndef __cplusplus
#ifndef OSV_HOST_TOOL
typedef _Bool bool;
#define true 1
#define false 0
#endif
#endif

#endif /* _LIB_TYPES_H_ */
