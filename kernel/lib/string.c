/*
 * Freestanding string and memory functions for the kernel (see string.h),
 * with the C library's meanings; strcmp and friends compare bytes as
 * unsigned, as the C library does. The kernel is built with -fno-builtin,
 * so these are what every call reaches. user/lib/string.c is the user
 * library's own on purpose: the images want different things (here word
 * copies and strlcpy; there osv's names and plain byte loops), and the
 * four functions both have are short loops that a shared source, kept
 * outside kernel/ and user/lib/ with a header of its own, would not repay.
 */
#include <kernel/string.h>

/* Word stores when the whole range is word aligned: zeroing frames and
 * structs is most of what it does. */
void *memset(void *dst, int c, size_t n)
{
    uint8_t *d = dst;
    if (((uintptr_t)d & 7) == 0 && (n & 7) == 0) {
        uint64_t v = (uint8_t)c;
        v |= v << 8;
        v |= v << 16;
        v |= v << 32;
        for (uint64_t *w = dst; n; n -= 8)
            *w++ = v;
        return dst;
    }
    while (n--)
        *d++ = (uint8_t)c;
    return dst;
}

/* Words while both ends are aligned (frame copies for copy-on-write),
 * then the bytes left. */
void *memcpy(void *dst, const void *src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    if ((((uintptr_t)d | (uintptr_t)s) & 7) == 0) {
        uint64_t *dw = dst;
        const uint64_t *sw = src;
        for (; n >= 8; n -= 8)
            *dw++ = *sw++;
        d = (uint8_t *)dw;
        s = (const uint8_t *)sw;
    }
    while (n--)
        *d++ = *s++;
    return dst;
}

/* memcpy's forward copy is safe unless dst starts inside the source
 * after src: only then copy backward, byte by byte. */
void *memmove(void *dst, const void *src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    if (d == s || n == 0)
        return dst;
    if (d < s || d >= s + n)
        return memcpy(dst, src, n);
    while (n--)
        d[n] = s[n];
    return dst;
}

/* As in C: compares n bytes as unsigned. */
int memcmp(const void *a, const void *b, size_t n)
{
    const uint8_t *x = a, *y = b;
    for (; n; n--, x++, y++)
        if (*x != *y)
            return *x - *y;
    return 0;
}

/* As in C. */
size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

/* strlen, but looks at no more than max bytes (for unterminated buffers). */
size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n])
        n++;
    return n;
}

/* As in C: compares as unsigned characters. */
int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return (uint8_t)*a - (uint8_t)*b;
}

/* As in C: at most n characters (names in fixed-size on-disk fields). */
int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b)
            return (uint8_t)*a - (uint8_t)*b;
        if (!*a)
            return 0;
    }
    return 0;
}

/* Returns strlen(src), so a caller can tell the copy was cut. */
size_t strlcpy(char *dst, const char *src, size_t size)
{
    size_t len = strlen(src);
    size_t n = len < size - 1 ? len : size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
    return len;
}
