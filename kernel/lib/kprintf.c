/*
 * kprintf and ksnprintf: a small printf for the kernel. One formatter
 * (kvformat) writes through a callback, so the console and string versions
 * share it. kprintf formats a whole call into a buffer first and prints it
 * under the console lock, so lines from different harts never interleave.
 */
#include <kernel/console.h>
#include <kernel/string.h>
#include <kernel/synch.h>
#include <stdarg.h>

struct outbuf {
    char *buf;
    size_t size, len;
};

static void out(struct outbuf *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void out_num(struct outbuf *o, uint64_t v, int base, bool neg, int width, bool zero, bool upper)
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
        out(o, '-');
    for (; width > len; width--)
        out(o, zero ? '0' : ' ');
    if (neg && !zero)
        out(o, '-');
    while (n)
        out(o, tmp[--n]);
}

static void kvformat(struct outbuf *o, const char *fmt, va_list ap)
{
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            out(o, *fmt);
            continue;
        }
        fmt++;
        bool zero = false, left = false;
        int width = 0, lng = 0;
        for (; *fmt == '0' || *fmt == '-'; fmt++)
            *fmt == '0' ? (zero = true) : (left = true);
        for (; *fmt >= '0' && *fmt <= '9'; fmt++)
            width = width * 10 + (*fmt - '0');
        for (; *fmt == 'l' || *fmt == 'z'; fmt++)
            lng++;
        size_t start = o->len;
        switch (*fmt) {
        case 'd':
        case 'i': {
            int64_t v = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
            out_num(o, v < 0 ? -(uint64_t)v : (uint64_t)v, 10, v < 0, left ? 0 : width, zero, false);
            break;
        }
        case 'u':
            out_num(o, lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 10, false, left ? 0 : width, zero, false);
            break;
        case 'x':
        case 'X':
            out_num(o, lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 16, false, left ? 0 : width, zero,
                    *fmt == 'X');
            break;
        case 'p':
            out(o, '0');
            out(o, 'x');
            out_num(o, (uint64_t)va_arg(ap, void *), 16, false, 0, false, false);
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s)
                s = "(null)";
            int len = strlen(s);
            for (int pad = width - len; !left && pad > 0; pad--)
                out(o, ' ');
            while (*s)
                out(o, *s++);
            break;
        }
        case 'c':
            out(o, (char)va_arg(ap, int));
            break;
        case '%':
            out(o, '%');
            break;
        case '\0':
            return;
        default:
            out(o, '%');
            out(o, *fmt);
            break;
        }
        if (left)
            for (size_t len = o->len - start; (int)len < width; len++)
                out(o, ' ');
    }
}

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

void kvprintf(const char *fmt, va_list ap)
{
    char buf[256];
    struct outbuf o = { buf, sizeof(buf), 0 };
    kvformat(&o, fmt, ap);
    size_t n = o.len < sizeof(buf) ? o.len : sizeof(buf) - 1;
    console_write(buf, n);
}

void kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kvprintf(fmt, ap);
    va_end(ap);
}
