/*
 * Console input and output for user programs (user/lib/printf.c and
 * user/lib/stdio.c): osv's printf, gets and puts, plus a few osv-rv extras.
 *
 * printf understands %d %i %u %x %X %p %s %c %%, the length modifiers
 * h hh l ll z (h and hh read an int), a field width (digits or *), the
 * flags '-' (left-justify) and '0' (zero padding), and a precision (.N or
 * .*: most bytes of a %s, fewest digits of a number). Each call formats
 * into a buffer and emits it with one write(), so lines printed by
 * different processes do not interleave mid-line (up to 256 bytes).
 */
#ifndef _LIB_STDIO_H_
#define _LIB_STDIO_H_

#include <stdarg.h>         /* the compiler's freestanding va_list */
#include <lib/types.h>

#define ANSI_COLOR_RED "\x1b[31m"
#define ANSI_COLOR_GREEN "\x1b[32m"
#define ANSI_COLOR_YELLOW "\x1b[33m"
#define ANSI_COLOR_BLUE "\x1b[34m"
#define ANSI_COLOR_MAGENTA "\x1b[35m"
#define ANSI_COLOR_CYAN "\x1b[36m"
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

/* ---- osv-rv extras ---- */

/* printf to any fd, and its va_list form. */
void fdprintf(int fd, const char *fmt, ...);
void vfdprintf(int fd, const char *fmt, va_list ap);

/*
 * Formats into buf, storing at most n bytes including the NUL (none when
 * n is 0). Returns the length the whole output would have.
 */
int snprintf(char *buf, size_t n, const char *fmt, ...);
int vsnprintf(char *buf, size_t n, const char *fmt, va_list ap);

#endif /* _LIB_STDIO_H_ */
