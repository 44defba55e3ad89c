/*
 * Small language helpers osv programs expect: NULL, True/False, array
 * length, and the container-of pair offset_of/retrieve_struct.
 * bool/true/false come from lib/types.h, included here.
 */
#ifndef _LIB_STDDEF_H_
#define _LIB_STDDEF_H_

#include <lib/types.h>

#ifndef NULL
#define NULL ((void *)0)
#endif

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
