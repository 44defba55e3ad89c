/*
 * osv-rv: the printf family beyond osv's printf (lib/stdio.h), with the
 * same conversions: output to any fd, and into a string
 * (user/lib/stdio-ext.c).
 */
#ifndef _LIB_STDIO_EXT_H_
#define _LIB_STDIO_EXT_H_

#include <lib/stdio.h>

/* printf to fd, with one write() per call as printf; and its va_list form. */
void fdprintf(int fd, const char *fmt, ...);
void vfdprintf(int fd, const char *fmt, va_list ap);

/*
 * Formats into buf, storing at most n bytes including the NUL (none when
 * n is 0). Returns the length the whole output would have.
 */
int snprintf(char *buf, size_t n, const char *fmt, ...);
int vsnprintf(char *buf, size_t n, const char *fmt, va_list ap);

#endif /* _LIB_STDIO_EXT_H_ */
