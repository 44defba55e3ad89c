/*
 * osv's console input and output for user programs (user/lib/printf.c
 * and user/lib/stdio.c): printf, gets, puts and three colors. Exactly
 * osv's names; fdprintf and snprintf are osv-rv's, in lib/stdio-ext.h.
 *
 * printf understands %d %i %u %x %X %p %s %c %%, the length modifiers
 * h hh l ll z (h and hh read an int), a field width (digits or *), the
 * flags '-' (left-justify) and '0' (zero padding), and a precision (.N or
 * .*: most bytes of a %s, fewest digits of a number). Each call formats
 * into a buffer and emits it with one write(), so lines printed by
 * different processes do not interleave mid-line (up to 256 bytes).
 * As in osv, printf carries no format attribute: a format that does not
 * match its arguments compiles as it did on osv.
 */
#ifndef _LIB_STDIO_H_
#define _LIB_STDIO_H_

#include <arch/types.h>
#include <kernel/types.h>
#include <lib/stdarg.h>     /* printf is variadic; va_list is osv's name too */

#define ANSI_COLOR_RED "\x1b[31m"
#define ANSI_COLOR_GREEN "\x1b[32m"
#define ANSI_COLOR_RESET "\x1b[0m"

/* Formatted output to fd 1. */
void printf(const char *fmt, ...);

/*
 * Reads one line from fd 0 a byte at a time into buf: stops after '\n' or
 * '\r', which it keeps in buf as osv's gets does, after max-1 bytes (the
 * rest of the line stays unread), or at end of input; always NUL-terminates
 * when max > 0. Returns buf (osv), so end of input reads as an empty line.
 */
char *gets(char *buf, int max);

/* Writes the size bytes at buf to fd 1; returns write()'s result. */
int puts(char *buf, int size);

#endif /* _LIB_STDIO_H_ */
