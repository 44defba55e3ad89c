/*
 * osv's byte and string functions for user programs (lib/string.h).
 * gcc at -O2 may turn a byte loop into a call of memset or memcpy, which
 * here would call itself; the library is built with -fno-builtin (the
 * Makefile's BASE_CFLAGS), which keeps it from doing so, as it does for
 * the kernel. The kernel has its own, kernel/lib/string.c (which says why).
 */
#include <lib/string.h>

/* The C functions, byte at a time: small and plain to read, which matters
 * more here than speed. */
void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    while (n-- > 0)
        *d++ = (unsigned char)c;
    return dst;
}

/* C's memcpy: the areas must not overlap (memmove if they may). */
void *memcpy(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    while (n-- > 0)
        *d++ = *s++;
    return dst;
}

/* Copies backwards when dst is above src, so an overlapping source is
 * read before it is overwritten. */
void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (d < s) {
        while (n-- > 0)
            *d++ = *s++;
    } else if (d > s) {
        d += n;
        s += n;
        while (n-- > 0)
            *--d = *--s;
    }
    return dst;
}

/* The difference of the first unequal bytes, compared as unsigned (C's
 * rule), or 0. */
int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (; n > 0; n--, x++, y++)
        if (*x != *y)
            return *x - *y;
    return 0;
}

/* Bytes before the terminator. */
size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

/* C's strcpy: dst must have room for src and its terminator. */
char *strcpy(char *dst, const char *src)
{
    char *d = dst;
    while ((*d++ = *src++) != '\0')
        ;
    return dst;
}

/* C's strncpy: pads with NULs to n, and leaves dst unterminated when src
 * has n bytes or more. */
char *strncpy(char *dst, const char *src, size_t n)
{
    size_t i = 0;
    for (; i < n && src[i]; i++)
        dst[i] = src[i];
    for (; i < n; i++)
        dst[i] = '\0';
    return dst;
}

/* Bytes compared as unsigned, so a byte above 127 sorts after ASCII, as C
 * wants. */
int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return (unsigned char)*a - (unsigned char)*b;
}

/* As strcmp, on the first n bytes at most. */
int strncmp(const char *a, const char *b, size_t n)
{
    for (; n > 0; n--, a++, b++) {
        if (*a != *b)
            return (unsigned char)*a - (unsigned char)*b;
        if (*a == '\0')
            break;
    }
    return 0;
}

/* The first c in s; the terminator counts, so strchr(s, 0) is its end. */
char *strchr(const char *s, int c)
{
    for (;; s++) {
        if (*s == (char)c)
            return (char *)s;
        if (*s == '\0')
            return NULL;
    }
}

/* Splits in place, writing a NUL over each delimiter found; the state is
 * in *saveptr, not a static, so two strings can be split at once. */
char *strtok_r(char *str, const char *delim, char **saveptr)
{
    char *s = str ? str : *saveptr;
    if (s == NULL)
        return NULL;
    while (*s && strchr(delim, *s))     /* skip leading delimiters */
        s++;
    if (*s == '\0') {
        *saveptr = s;
        return NULL;
    }
    char *token = s;
    while (*s && !strchr(delim, *s))
        s++;
    if (*s)
        *s++ = '\0';
    *saveptr = s;
    return token;
}
