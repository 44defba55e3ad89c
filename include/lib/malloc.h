/*
 * The user heap (user/lib/malloc.c): a first-fit free list grown with sbrk.
 * Blocks are 16-byte aligned. Not thread-safe (osv processes have one thread).
 */
#ifndef _LIB_MALLOC_H_
#define _LIB_MALLOC_H_

#include <kernel/types.h>

/* A block of at least size bytes, 16-byte aligned; NULL when sbrk fails. malloc(0) returns a unique block. */
void *malloc(size_t size);

/* Returns a block from malloc to the free list; free(NULL) does nothing. */
void free(void *ptr);

#endif /* _LIB_MALLOC_H_ */
