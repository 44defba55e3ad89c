/*
 * osv's printf (lib/stdio.h): formats to fd 1 with one write().
 */
#include <lib/stdio.h>
#include "format.h"

/* One fmt_out on the stack, so a line of up to FMT_BUF bytes is written
 * whole, with one write(). */
void printf(const char *fmt, ...)
{
    struct fmt_out o;
    va_list ap;
    va_start(ap, fmt);
    __fmt_to_fd(&o, 1);
    __fmt(&o, fmt, ap);
    __fmt_end(&o);
    va_end(ap);
}
