/*
 * The user library's one formatter (format.c), internal to the library:
 * printf (printf.c), osv-rv's fdprintf and snprintf (stdio-ext.c) and the
 * test reports (test.c) all format through it. Its global names begin
 * with "__", which C reserves for the implementation, so no program's
 * names collide with them.
 *
 * Use: start a struct fmt_out for an fd or a string, add any number of
 * formats with __fmt/__fmt_args, then __fmt_end. Output for an fd is
 * gathered in buf and written with one write() at __fmt_end, so a line
 * of up to FMT_BUF bytes is never split by another process's output
 * (a longer one is written FMT_BUF bytes at a time).
 */
#ifndef _ULIB_FORMAT_H_
#define _ULIB_FORMAT_H_

#include <arch/types.h>
#include <kernel/types.h>
#include <lib/stdarg.h>

#define FMT_BUF 256

struct fmt_out {
    int fd;             /* >= 0: flush buf to this fd; < 0: string output */
    char buf[FMT_BUF];
    int len;            /* bytes in buf (fd output) */
    char *str;          /* string output: destination */
    size_t cap;         /* ... and its size */
    size_t total;       /* bytes produced so far */
};

/* Starts output to fd. */
void __fmt_to_fd(struct fmt_out *o, int fd);

/* Starts output to the n bytes at buf: at most n - 1 bytes and a NUL
 * (nothing when n is 0); the rest is counted but dropped. */
void __fmt_to_str(struct fmt_out *o, char *buf, size_t n);

/* Adds fmt formatted with ap (the conversions of lib/stdio.h). */
void __fmt(struct fmt_out *o, const char *fmt, va_list ap);
void __fmt_args(struct fmt_out *o, const char *fmt, ...);

/* Ends the output: writes what is buffered, or NUL-terminates the string.
 * Returns the bytes the whole output has (a string's may be cut short). */
int __fmt_end(struct fmt_out *o);

#endif /* _ULIB_FORMAT_H_ */
