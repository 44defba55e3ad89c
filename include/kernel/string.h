/*
 * The C string and memory functions the kernel needs. gcc may also emit
 * calls to memcpy and memset for struct copies, so these must exist.
 */
#ifndef _KERNEL_STRING_H_
#define _KERNEL_STRING_H_

#include <kernel/types.h>

/* As the C library's; none sleeps or takes a lock. */
void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
/* Copies at most size-1 bytes and always NUL-terminates (size > 0). */
size_t strlcpy(char *dst, const char *src, size_t size);

#endif /* _KERNEL_STRING_H_ */
