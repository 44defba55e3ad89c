/*
 * osv's byte and string functions, with their C meanings
 * (user/lib/string.c). Exactly osv's names: strcat, strrchr and atoi are
 * osv-rv's, in lib/string-ext.h. gcc may call memcpy/memset/memmove/memcmp
 * on its own (struct copies, zeroing) even with -fno-builtin, so every
 * program gets them from the library.
 */
#ifndef _LIB_STRING_H_
#define _LIB_STRING_H_

#include <arch/types.h>
#include <kernel/types.h>

void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);     /* ranges must not overlap */
void *memmove(void *dst, const void *src, size_t n);    /* ranges may overlap */
int memcmp(const void *a, const void *b, size_t n);

size_t strlen(const char *s);
char *strcpy(char *dst, const char *src);
/* Copies at most n bytes; pads with NULs; no terminator if src has n or more bytes. */
char *strncpy(char *dst, const char *src, size_t n);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
/*
 * Splits str into tokens separated by any byte of delim, writing NULs into
 * str. First call with str, then with NULL and the same *saveptr.
 * Returns the next token or NULL when none is left.
 */
char *strtok_r(char *str, const char *delim, char **saveptr);

#endif /* _LIB_STRING_H_ */
