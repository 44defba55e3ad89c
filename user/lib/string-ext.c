/*
 * osv-rv's string functions beyond osv's (lib/string-ext.h). A file of
 * their own, so that a program defining its own strcat or atoi still links
 * with string.c (the library's objects are pulled in whole).
 */
#include <lib/string-ext.h>
#include <stdbool.h>

/* Contracts of this file's functions in lib/string-ext.h. The last c, so
 * one pass: remember each one seen until the terminator. */
char *strrchr(const char *s, int c)
{
    const char *last = NULL;
    for (;; s++) {
        if (*s == (char)c)
            last = s;
        if (*s == '\0')
            return (char *)last;
    }
}

/* On string.c's own functions, so it adds no loop of its own. */
char *strcat(char *dst, const char *src)
{
    strcpy(dst + strlen(dst), src);
    return dst;
}

/* C's atoi: no error is possible, so a bad number reads as what its digits
 * make; programs that must refuse one use parse_int. */
int atoi(const char *s)
{
    int sign = 1, v = 0;
    while (*s == ' ' || *s == '\t' || *s == '\n')
        s++;
    if (*s == '-' || *s == '+')
        sign = *s++ == '-' ? -1 : 1;
    while (*s >= '0' && *s <= '9')
        v = v * 10 + (*s++ - '0');
    return sign * v;
}

/* The magnitude is built in a long and checked at each digit, so no
 * input, however long, overflows before it is refused. */
bool parse_int(const char *s, int *v)
{
    const char *p = s + (*s == '-');
    long mag = 0;
    if (*p == '\0')
        return false;
    for (; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        mag = mag * 10 + (*p - '0');
        if (mag > 2147483648L)  /* past every int (-2^31 is the largest magnitude) */
            return false;
    }
    long value = *s == '-' ? -mag : mag;
    if (value > 2147483647L)
        return false;
    *v = (int)value;
    return true;
}
