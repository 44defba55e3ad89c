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
/* s as a decimal int, checked: an optional '-' and digits, nothing else,
 * of a value an int holds; true and *v set, else false and *v untouched
 * ("12x", "", "-", "4294967298": atoi would give 12, 0, 0 and 2). For a
 * program's arguments: a number typed is the number meant, or refused. */
bool parse_int(const char *s, int *v);

#endif /* _LIB_STRING_EXT_H_ */
