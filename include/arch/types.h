/*
 * The machine's integer types: 64-bit RISC-V with the LP64 data model
 * (int 32 bits; long, long long and pointers 64 bits). osv programs get
 * these names through <lib/usyscall.h>, which includes this header and
 * <kernel/types.h> as osv's does; the kernel, the user library and the
 * host tool mkfs use the same two headers, so every type has one
 * definition.
 *
 * The names are C's <stdint.h> ones osv provides: the exact-width types,
 * the _least and _fast variants, intmax_t/uintmax_t, intptr_t/uintptr_t,
 * size_t/ssize_t, and the INTn_MIN, INTn_MAX, UINTn_MAX and SIZE_MAX
 * limits; plus osv's vaddr_t and paddr_t. Nothing else: an osv program may
 * define any other name itself.
 *
 * mkfs (OSV_HOST_TOOL) runs on the host and takes C's names from the
 * host's own headers; only osv's additions are defined for it here.
 */
#ifndef _ARCH_TYPES_H_
#define _ARCH_TYPES_H_

#ifdef OSV_HOST_TOOL
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

/* The smallest type of at least n bits, and the fastest: the exact ones. */
typedef int8_t int_least8_t;
typedef int16_t int_least16_t;
typedef int32_t int_least32_t;
typedef int64_t int_least64_t;
typedef uint8_t uint_least8_t;
typedef uint16_t uint_least16_t;
typedef uint32_t uint_least32_t;
typedef uint64_t uint_least64_t;
typedef int8_t int_fast8_t;
typedef int16_t int_fast16_t;
typedef int32_t int_fast32_t;
typedef int64_t int_fast64_t;
typedef uint8_t uint_fast8_t;
typedef uint16_t uint_fast16_t;
typedef uint32_t uint_fast32_t;
typedef uint64_t uint_fast64_t;

typedef int64_t intmax_t;
typedef uint64_t uintmax_t;
typedef long intptr_t;              /* holds any pointer */
typedef unsigned long uintptr_t;
typedef unsigned long size_t;       /* the type of sizeof */
typedef long ssize_t;               /* a size, or a negative error code */

#define INT8_MIN (-128)
#define INT16_MIN (-32767 - 1)
#define INT32_MIN (-2147483647 - 1)
#define INT64_MIN (-9223372036854775807L - 1)
#define INT8_MAX 127
#define INT16_MAX 32767
#define INT32_MAX 2147483647
#define INT64_MAX 9223372036854775807L
#define UINT8_MAX 255
#define UINT16_MAX 65535
#define UINT32_MAX 4294967295U
#define UINT64_MAX 18446744073709551615UL
#define SIZE_MAX UINT64_MAX
#endif /* OSV_HOST_TOOL */

typedef uint64_t vaddr_t;           /* a virtual address */
typedef uint64_t paddr_t;           /* a physical address */

#endif /* _ARCH_TYPES_H_ */
