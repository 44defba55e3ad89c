/*
 * osv-rv's printf family beyond osv's printf (lib/stdio-ext.h): to any
 * fd, and into a string. A file of its own, so that a program defining
 * its own snprintf still links with printf.
 */
#include <lib/stdio-ext.h>
#include "format.h"

/* Formats to fd with one write() per call, as printf does to fd 1. */
void vfdprintf(int fd, const char *fmt, va_list ap)
{
    struct fmt_out o;
    __fmt_to_fd(&o, fd);
    __fmt(&o, fmt, ap);
    __fmt_end(&o);
}

/* The variadic form of vfdprintf. */
void fdprintf(int fd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfdprintf(fd, fmt, ap);
    va_end(ap);
}

/* Returns the length the whole output would have, as C's does, so a caller
 * can tell it was cut. */
int vsnprintf(char *buf, size_t n, const char *fmt, va_list ap)
{
    struct fmt_out o;
    __fmt_to_str(&o, buf, n);
    __fmt(&o, fmt, ap);
    return __fmt_end(&o);
}

/* The variadic form of vsnprintf. */
int snprintf(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vsnprintf(buf, n, fmt, ap);
    va_end(ap);
    return r;
}
