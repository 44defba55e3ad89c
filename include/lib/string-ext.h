/*
 * osv-rv: C string functions beyond osv's lib/string.h, with their C
 * meanings (user/lib/string-ext.c, an object of its own, so a program
 * that defines its own strcat still links with lib/string.h's functions).
 */
#ifndef _LIB_STRING_EXT_H_
#define _LIB_STRING_EXT_H_

#include <lib/string.h>

/* Appends src to the string at dst (which must have room); returns dst. */
char *strcat(char *dst, const char *src);
/* The last c in s (the terminator counts), or NULL. */
char *strrchr(const char *s, int c);
/* Decimal string to int: leading spaces, optional sign, digits; stops at the first non-digit. */
int atoi(const char *s);

#endif /* _LIB_STRING_EXT_H_ */
