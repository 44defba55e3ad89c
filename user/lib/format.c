/*
 * The library's one formatter (contract in format.h): __fmt() turns a
 * printf format and its arguments into bytes for a struct fmt_out, which
 * gathers them in a buffer for one write() per call (more only when the
 * buffer overflows), or fills a string.
 */
#include "format.h"
#include <lib/usyscall.h>
#include <stdbool.h>

/* Writes the buffered bytes, retrying a short write; on an error the rest
 * is dropped, as a printf has no way to report it. */
static void flush(struct fmt_out *o)
{
    int done = 0;
    while (done < o->len) {
        ssize_t n = write(o->fd, o->buf + done, o->len - done);
        if (n <= 0)
            break;
        done += n;
    }
    o->len = 0;
}

/* The one place a byte goes out: into the fd's buffer (flushed when full)
 * or the string, where what passes cap is counted but dropped (snprintf's
 * return counts it). */
static void put(struct fmt_out *o, char c)
{
    if (o->fd >= 0) {
        if (o->len == FMT_BUF)
            flush(o);
        o->buf[o->len++] = c;
    } else if (o->total + 1 < o->cap) {
        o->str[o->total] = c;
    }
    o->total++;
}

/* Padding: n copies of c, none when n <= 0. */
static void put_repeat(struct fmt_out *o, char c, int n)
{
    while (n-- > 0)
        put(o, c);
}

/* One conversion's layout: [spaces][sign or 0x][zeros][body][spaces]. */
struct field {
    int width;
    int precision;      /* -1 if none */
    bool left;          /* '-' */
    bool zero;          /* '0' */
};

/* Lays out one conversion: width filled with spaces before (or after, for
 * '-') or with zeros between the prefix and the digits (for '0'), as C does. */
static void put_field(struct fmt_out *o, struct field *f, const char *prefix,
                      int zeros, const char *body, int bodylen)
{
    int plen = 0;
    while (prefix[plen])
        plen++;
    int pad = f->width - plen - zeros - bodylen;
    if (!f->left && !f->zero)
        put_repeat(o, ' ', pad);
    for (int i = 0; i < plen; i++)
        put(o, prefix[i]);
    if (!f->left && f->zero)
        put_repeat(o, '0', pad);
    put_repeat(o, '0', zeros);
    for (int i = 0; i < bodylen; i++)
        put(o, body[i]);
    if (f->left)
        put_repeat(o, ' ', pad);
}

/* v in base, with precision's leading zeros and prefix ("-", "0x"); the
 * digits are made backwards, so they go through tmp. */
static void put_number(struct fmt_out *o, struct field *f, unsigned long long v,
                       int base, bool upper, const char *prefix)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);
    if (f->precision == 0 && n == 1 && tmp[0] == '0')
        n = 0;                          /* C: "%.0d" of 0 prints nothing */
    char body[24];
    for (int i = 0; i < n; i++)
        body[i] = tmp[n - 1 - i];
    int zeros = f->precision > n ? f->precision - n : 0;
    if (f->precision >= 0)
        f->zero = false;                /* C: a precision turns off '0' */
    put_field(o, f, prefix, zeros, body, n);
}

/* The conversions of lib/stdio.h: flags - and 0, width and precision (also
 * as *), length l, ll, z, h, hh; d i u x X p s c %. Anything else is
 * printed as written, so a typo shows in the output instead of eating an
 * argument. */
void __fmt(struct fmt_out *o, const char *fmt, va_list ap)
{
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            put(o, *fmt);
            continue;
        }
        const char *start = fmt++;
        struct field f = { 0, -1, false, false };

        for (;; fmt++) {                /* flags */
            if (*fmt == '-')
                f.left = true;
            else if (*fmt == '0')
                f.zero = true;
            else
                break;
        }
        if (*fmt == '*') {              /* width */
            f.width = va_arg(ap, int);
            if (f.width < 0) {
                f.left = true;
                f.width = -f.width;
            }
            fmt++;
        } else {
            while (*fmt >= '0' && *fmt <= '9')
                f.width = f.width * 10 + (*fmt++ - '0');
        }
        if (*fmt == '.') {              /* precision */
            fmt++;
            f.precision = 0;
            if (*fmt == '*') {
                f.precision = va_arg(ap, int);
                fmt++;
            } else {
                while (*fmt >= '0' && *fmt <= '9')
                    f.precision = f.precision * 10 + (*fmt++ - '0');
            }
        }
        int longs = 0;                  /* length: 0 int, 1 long, 2 long long */
        int shorts = 0;                 /* h: 1 short, hh: 2 char */
        for (;; fmt++) {
            if (*fmt == 'l')
                longs++;
            else if (*fmt == 'z')
                longs = 1;              /* size_t is unsigned long on LP64 */
            else if (*fmt == 'h')
                shorts++;
            else
                break;
        }
        if (f.left)
            f.zero = false;

        switch (*fmt) {
        case 'd':
        case 'i': {
            long long v = longs >= 2 ? va_arg(ap, long long)
                        : longs == 1 ? va_arg(ap, long) : va_arg(ap, int);
            /* The int that carried a short or char is cut back to it, as
             * C does: %hhd of 300 is 44. h and hh were once read and
             * ignored, so a signed char's 0xab printed with %hhx came out
             * ffffffab. */
            if (!longs && shorts)
                v = shorts == 1 ? (short)v : (signed char)v;
            unsigned long long mag = v < 0 ? -(unsigned long long)v : (unsigned long long)v;
            put_number(o, &f, mag, 10, false, v < 0 ? "-" : "");
            break;
        }
        case 'u':
        case 'x':
        case 'X': {
            unsigned long long v = longs >= 2 ? va_arg(ap, unsigned long long)
                                 : longs == 1 ? va_arg(ap, unsigned long)
                                 : va_arg(ap, unsigned int);
            if (!longs && shorts)
                v = shorts == 1 ? (unsigned short)v : (unsigned char)v;
            put_number(o, &f, v, *fmt == 'u' ? 10 : 16, *fmt == 'X', "");
            break;
        }
        case 'p':
            put_number(o, &f, (uintptr_t)va_arg(ap, void *), 16, false, "0x");
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (s == NULL)
                s = "(null)";
            int n = 0;
            while (s[n] && (f.precision < 0 || n < f.precision))
                n++;
            f.zero = false;
            put_field(o, &f, "", 0, s, n);
            break;
        }
        case 'c': {
            char c = (char)va_arg(ap, int);
            f.zero = false;
            put_field(o, &f, "", 0, &c, 1);
            break;
        }
        case '%':
            put(o, '%');
            break;
        default:                        /* unknown: print it as written */
            for (; start <= fmt && *start; start++)
                put(o, *start);
            if (*fmt == '\0')
                return;
            break;
        }
    }
}

/* Contracts of these four in format.h. */
void __fmt_to_fd(struct fmt_out *o, int fd)
{
    o->fd = fd;
    o->len = 0;
    o->total = 0;
}

/* str output is marked by fd < 0; buf is unused then. */
void __fmt_to_str(struct fmt_out *o, char *buf, size_t n)
{
    o->fd = -1;
    o->str = buf;
    o->cap = n;
    o->total = 0;
}

/* __fmt with the arguments given here, for the fixed parts of a report. */
void __fmt_args(struct fmt_out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    __fmt(o, fmt, ap);
    va_end(ap);
}

/* The string's NUL goes after what fit; total still counts what did not. */
int __fmt_end(struct fmt_out *o)
{
    if (o->fd >= 0)
        flush(o);
    else if (o->cap > 0)
        o->str[o->total < o->cap ? o->total : o->cap - 1] = '\0';
    return (int)o->total;
}
