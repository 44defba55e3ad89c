/*
 * osv's small language helpers, for the programs that include this
 * header (lib/usyscall.h does not): True/False, NELEM, min, and the
 * container-of pair offset_of/retrieve_struct. NULL and size_t come with
 * <kernel/types.h>. Exactly osv's names: true, false and max are not here.
 */
#ifndef _LIB_STDDEF_H_
#define _LIB_STDDEF_H_

#include <arch/types.h>
#include <kernel/types.h>

#define True 1
#define False 0

/* Number of elements of an array (not a pointer). */
#define NELEM(x) (sizeof(x) / sizeof((x)[0]))

/* Byte offset of member inside struct type. */
#define offset_of(type, member) ((size_t)__builtin_offsetof(type, member))

/* The struct type that contains member at ptr (Linux's container_of). */
#define retrieve_struct(ptr, type, member) \
    ((type *)((char *)(ptr) - offset_of(type, member)))

/* The smaller of a and b; each may be evaluated twice, so pass no side effects. */
#define min(a, b) ((a) < (b) ? (a) : (b))

#endif /* _LIB_STDDEF_H_ */
