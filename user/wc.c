/*
 * wc: counts lines (newline bytes), words (runs of bytes other than space,
 * tab, newline and carriage return) and bytes, and prints them as
 * "LINES WORDS BYTES", followed by " NAME" for a named file. With no
 * argument it counts fd 0 (so it works at the end of a pipeline); with
 * several files a last line gives the totals. A file that cannot be read
 * prints "wc: NAME: ..." naming the error on fd 1 (osv programs have no
 * separate error output); exit status 1.
 */
#include <lib/usyscall.h>
#include <lib/stdio.h>
#include <lib/stdio-ext.h>
#include <lib/errstr.h>
#include <stdbool.h>

struct counts {
    size_t lines, words, bytes;
};

static char buf[512];

/* Adds what fd holds to *c; returns ERR_OK or read's error. */
static int count(int fd, struct counts *c)
{
    bool in_word = false;
    for (;;) {
        ssize_t n = read(fd, buf, sizeof(buf));
        if (n <= 0)
            return (int)n;
        c->bytes += n;
        for (ssize_t i = 0; i < n; i++) {
            char ch = buf[i];
            bool space = ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
            if (ch == '\n')
                c->lines++;
            if (!space && !in_word)
                c->words++;
            in_word = !space;
        }
    }
}

/* Prints one line of counts: lines, words, bytes, then name (a file, or
 * "total") unless it is NULL (the input was fd 0). */
static void show(struct counts *c, const char *name)
{
    if (name)
        printf("%zu %zu %zu %s\n", c->lines, c->words, c->bytes, name);
    else
        printf("%zu %zu %zu\n", c->lines, c->words, c->bytes);
}

int main(int argc, char **argv)
{
    struct counts total = {0, 0, 0};
    int status = 0;

    if (argc < 2) {
        int err = count(0, &total);
        if (err != ERR_OK) {
            printf("wc: cannot read the input: %s\n", errstr_file(NULL, err));
            return 1;
        }
        show(&total, NULL);
        return 0;
    }
    for (int i = 1; i < argc; i++) {
        struct counts c = {0, 0, 0};
        int fd = open(argv[i], FS_RDONLY, EMPTY_MODE);
        int err = fd < 0 ? fd : count(fd, &c);
        if (fd >= 0)
            close(fd);
        if (err != ERR_OK) {
            printf("wc: %s: %s%s\n", argv[i], fd < 0 ? "" : "cannot read: ",
                   errstr_file(argv[i], err));
            status = 1;
            continue;
        }
        show(&c, argv[i]);
        total.lines += c.lines;
        total.words += c.words;
        total.bytes += c.bytes;
    }
    if (argc > 2)
        show(&total, "total");
    return status;
}
