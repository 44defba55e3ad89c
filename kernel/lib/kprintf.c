/*
 * kprintf and ksnprintf: a small printf for the kernel. One formatter
 * (kvformat) writes into a bounded buffer, so the console and string
 * versions share it. kprintf formats a whole call into a buffer first and
 * prints it under the console lock, so lines from different harts never
 * interleave. Its pieces have the names of the user library's fuller
 * formatter (user/lib/format.c): put, put_number, parse_spec, convert.
 */
#include <kernel/console.h>
#include <kernel/string.h>
#include <stdarg.h>

/* Where formatted bytes go: buf holds at most size - 1 of them and len
 * counts them all, so ksnprintf can return the length it would have had. */
struct outbuf {
    char *buf;
    size_t size, len;
};

/* Appends one byte; past the end it is only counted. */
static void put(struct outbuf *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

/* Appends v in base (10 or 16), padded to width; with zero the sign comes
 * before the zeros ("-0042"), without it after the spaces ("  -42"). */
static void put_number(struct outbuf *o, uint64_t v, int base, bool neg, int width, bool zero,
                       bool upper)
{
    char tmp[24];
    int n = 0;
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);
    int len = n + (neg ? 1 : 0);
    if (neg && zero)
        put(o, '-');
    for (; width > len; width--)
        put(o, zero ? '0' : ' ');
    if (neg && !zero)
        put(o, '-');
    while (n)
        put(o, tmp[--n]);
}

/* What comes between a '%' and its conversion letter. */
struct spec {
    bool zero, left;             /* flags '0' and '-' */
    int width;
    int longs;                   /* how many 'l' or 'z': any makes it 64 bits */
};

/* Reads a spec at fmt (just after the '%'); returns where the conversion
 * letter is. */
static const char *parse_spec(const char *fmt, struct spec *s)
{
    *s = (struct spec){ 0 };
    for (; *fmt == '0' || *fmt == '-'; fmt++)
        *fmt == '0' ? (s->zero = true) : (s->left = true);
    for (; *fmt >= '0' && *fmt <= '9'; fmt++)
        s->width = s->width * 10 + (*fmt - '0');
    for (; *fmt == 'l' || *fmt == 'z'; fmt++)
        s->longs++;
    return fmt;
}

/* One conversion. A left-justified one is padded by the caller, after
 * it, so here it gets width 0. An unknown letter is printed as it stands,
 * so a mistake in a format shows in the output instead of eating an
 * argument. */
static void convert(struct outbuf *o, char c, const struct spec *s, va_list *ap)
{
    int width = s->left ? 0 : s->width;
    switch (c) {
    case 'd':
    case 'i': {
        int64_t v = s->longs ? va_arg(*ap, int64_t) : va_arg(*ap, int);
        put_number(o, v < 0 ? -(uint64_t)v : (uint64_t)v, 10, v < 0, width, s->zero, false);
        break;
    }
    case 'u':
    case 'x':
    case 'X': {
        uint64_t v = s->longs ? va_arg(*ap, uint64_t) : va_arg(*ap, unsigned);
        put_number(o, v, c == 'u' ? 10 : 16, false, width, s->zero, c == 'X');
        break;
    }
    case 'p':
        put(o, '0');
        put(o, 'x');
        put_number(o, (uint64_t)va_arg(*ap, void *), 16, false, 0, false, false);
        break;
    case 's': {
        const char *str = va_arg(*ap, const char *);
        if (!str)
            str = "(null)";
        for (int pad = width - (int)strlen(str); pad > 0; pad--)
            put(o, ' ');
        while (*str)
            put(o, *str++);
        break;
    }
    case 'c':
        put(o, (char)va_arg(*ap, int));
        break;
    case '%':
        put(o, '%');
        break;
    default:
        put(o, '%');
        put(o, c);
        break;
    }
}

/* The one formatter behind kprintf and ksnprintf. The arguments are
 * copied so the helpers can take them by pointer (a va_list parameter
 * cannot be passed on portably and then used again). */
static void kvformat(struct outbuf *o, const char *fmt, va_list ap)
{
    va_list args;
    va_copy(args, ap);
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            put(o, *fmt);
            continue;
        }
        struct spec s;
        fmt = parse_spec(fmt + 1, &s);
        if (*fmt == '\0')
            break;               /* a '%' ending the format prints nothing */
        size_t start = o->len;
        convert(o, *fmt, &s, &args);
        if (s.left)
            for (size_t len = o->len - start; (int)len < s.width; len++)
                put(o, ' ');
    }
    va_end(args);
}

/* The count returned is what the whole output needed, as snprintf's, so
 * a caller can tell that it was cut (callers compare it with size). */
int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
    struct outbuf o = { buf, size, 0 };
    va_list ap;
    va_start(ap, fmt);
    kvformat(&o, fmt, ap);
    va_end(ap);
    if (size)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return o.len;
}

/* One console write per call, so a line from one hart is never split by
 * another's; what does not fit in the 256-byte buffer is cut. own_line:
 * the output begins a line (console_write_line). */
static void print(bool own_line, const char *fmt, va_list ap)
{
    char buf[256];
    struct outbuf o = { buf, sizeof(buf), 0 };
    kvformat(&o, fmt, ap);
    size_t n = o.len < sizeof(buf) ? o.len : sizeof(buf) - 1;
    if (own_line)
        console_write_line(buf, n);
    else
        console_write(buf, n);
}

/* kprintf's body with the arguments gathered (panic passes its own on). */
void kvprintf(const char *fmt, va_list ap)
{
    print(false, fmt, ap);
}

/* printf to the console: one console_write per call, so a line is never
 * split by another hart's. */
void kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    print(false, fmt, ap);
    va_end(ap);
}

/* kprintf for the lines graders match at a line's start (killed:, PANIC,
 * meminfo's): a newline first if the console was left mid-line. */
void kprintf_line(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    print(true, fmt, ap);
    va_end(ap);
}
