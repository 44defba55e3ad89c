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

/* What a conversion says between its '%' and its letter (a spec, as in
 * the kernel's kprintf.c, which reads fewer of C's): its layout,
 * [spaces][sign or 0x][zeros][body][spaces], and the size of its
 * argument. */
struct spec {
    int width;
    int precision;      /* -1 if none */
    bool left;          /* '-' */
    bool zero;          /* '0' */
    char sign;          /* '+' or ' ': what a number without '-' gets; 0: nothing */
    bool alt;           /* '#': 0x or 0X before hex digits, a leading 0 in octal */
    int longs;          /* length: 0 int, 1 long, 2 long long */
    int shorts;         /* h: 1 short, hh: 2 char */
    bool long_double;   /* L */
};

/* Lays out one conversion: width filled with spaces before (or after, for
 * '-') or with zeros between the prefix and the digits (for '0'), as C does. */
static void put_field(struct fmt_out *o, struct spec *f, const char *prefix,
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
static void put_number(struct fmt_out *o, struct spec *f, unsigned long long v,
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
    if (f->alt && base == 8 && zeros == 0 && (n == 0 || body[0] != '0'))
        zeros = 1;                      /* C: "%#o" begins with a 0 */
    if (f->precision >= 0)
        f->zero = false;                /* C: a precision turns off '0' */
    put_field(o, f, prefix, zeros, body, n);
}

/* A conversion as written, from its '%' at start to its letter at end
 * (or to the string's end, when end is there). */
static void put_written(struct fmt_out *o, const char *start, const char *end)
{
    for (; start <= end && *start; start++)
        put(o, *start);
}

/* Reads a conversion's flags, width, precision and length from fmt (just
 * past its '%') into f, taking a '*' width or precision from ap; returns
 * where its letter is. */
static const char *parse_spec(const char *fmt, va_list *ap, struct spec *f)
{
    *f = (struct spec){ .precision = -1 };
    for (;; fmt++) {                    /* flags */
        if (*fmt == '-')
            f->left = true;
        else if (*fmt == '0')
            f->zero = true;
        else if (*fmt == '+')
            f->sign = '+';
        else if (*fmt == ' ')
            f->sign = f->sign == '+' ? '+' : ' ';       /* C: '+' wins */
        else if (*fmt == '#')
            f->alt = true;
        else
            break;
    }
    if (*fmt == '*') {                  /* width */
        f->width = va_arg(*ap, int);
        if (f->width < 0) {
            f->left = true;
            f->width = -f->width;
        }
        fmt++;
    } else {
        while (*fmt >= '0' && *fmt <= '9')
            f->width = f->width * 10 + (*fmt++ - '0');
    }
    if (*fmt == '.') {                  /* precision */
        fmt++;
        f->precision = 0;
        if (*fmt == '*') {
            f->precision = va_arg(*ap, int);
            fmt++;
        } else {
            while (*fmt >= '0' && *fmt <= '9')
                f->precision = f->precision * 10 + (*fmt++ - '0');
        }
    }
    for (;; fmt++) {                    /* length */
        if (*fmt == 'l')
            f->longs++;
        else if (*fmt == 'z' || *fmt == 'j' || *fmt == 't')
            f->longs = 1;               /* size_t, intmax_t, ptrdiff_t: long on LP64 */
        else if (*fmt == 'h')
            f->shorts++;
        else if (*fmt == 'L')
            f->long_double = true;
        else
            break;
    }
    if (f->left)
        f->zero = false;
    return fmt;
}

/* Prints one conversion, which began at start (its '%') and whose letter
 * is *end, taking its argument from ap. Anything but the conversions of
 * lib/stdio.h is printed as written, so a typo shows in the output
 * instead of eating an argument; C's floating conversions and %n, which
 * are not done here, are printed as written too, but take their argument
 * (a double, a long double with L, a pointer), so that the conversions
 * after them print their own. */
static void convert(struct fmt_out *o, const char *start, const char *end, struct spec *f,
                    va_list *ap)
{
    switch (*end) {
    case 'd':
    case 'i': {
        long long v = f->longs >= 2 ? va_arg(*ap, long long)
                    : f->longs == 1 ? va_arg(*ap, long) : va_arg(*ap, int);
        /* The int that carried a short or char is cut back to it, as C
         * does: %hhd of 300 is 44. h and hh were once read and ignored,
         * so a signed char's 0xab printed with %hhx came out ffffffab. */
        if (!f->longs && f->shorts)
            v = f->shorts == 1 ? (short)v : (signed char)v;
        unsigned long long mag = v < 0 ? -(unsigned long long)v : (unsigned long long)v;
        char sign[2] = { v < 0 ? '-' : f->sign, '\0' };
        put_number(o, f, mag, 10, false, sign);
        break;
    }
    case 'u':
    case 'o':
    case 'x':
    case 'X': {
        unsigned long long v = f->longs >= 2 ? va_arg(*ap, unsigned long long)
                             : f->longs == 1 ? va_arg(*ap, unsigned long)
                             : va_arg(*ap, unsigned int);
        if (!f->longs && f->shorts)
            v = f->shorts == 1 ? (unsigned short)v : (unsigned char)v;
        int base = *end == 'u' ? 10 : *end == 'o' ? 8 : 16;
        const char *prefix = base == 16 && f->alt && v != 0 ? (*end == 'X' ? "0X" : "0x") : "";
        put_number(o, f, v, base, *end == 'X', prefix);
        break;
    }
    case 'p':
        put_number(o, f, (uintptr_t)va_arg(*ap, void *), 16, false, "0x");
        break;
    case 's': {
        const char *s = va_arg(*ap, const char *);
        if (s == NULL)
            s = "(null)";
        int n = 0;
        while (s[n] && (f->precision < 0 || n < f->precision))
            n++;
        f->zero = false;
        put_field(o, f, "", 0, s, n);
        break;
    }
    case 'c': {
        char c = (char)va_arg(*ap, int);
        f->zero = false;
        put_field(o, f, "", 0, &c, 1);
        break;
    }
    case '%':
        put(o, '%');
        break;
    case 'f': case 'F': case 'e': case 'E': case 'g': case 'G': case 'a': case 'A':
        if (f->long_double)
            (void)va_arg(*ap, long double);
        else
            (void)va_arg(*ap, double);
        put_written(o, start, end);
        break;
    case 'n':
        (void)va_arg(*ap, void *);      /* stores nothing */
        put_written(o, start, end);
        break;
    default:                            /* unknown: print it as written */
        put_written(o, start, end);
        break;
    }
}

/* The conversions of lib/stdio.h: flags - 0 + space #, width and
 * precision (also as *), length l, ll, z, j, t, h, hh; d i u o x X p s c %
 * (convert says what becomes of the rest). The arguments are copied so
 * the helpers can take them by pointer (a va_list parameter cannot be
 * passed on portably and then used again). */
void __fmt(struct fmt_out *o, const char *fmt, va_list ap)
{
    va_list args;
    va_copy(args, ap);
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            put(o, *fmt);
            continue;
        }
        const char *start = fmt;
        struct spec f;
        fmt = parse_spec(fmt + 1, &args, &f);
        convert(o, start, fmt, &f, &args);
        if (*fmt == '\0')
            break;                      /* a '%' ending the format, printed as written */
    }
    va_end(args);
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
