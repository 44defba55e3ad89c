/*
 * grep: `grep WORD [FILE...]` prints every line that contains WORD (a
 * fixed string, compared byte for byte; an empty WORD matches every line).
 * With no FILE it reads fd 0, so it works in a pipeline; with several
 * files each line is prefixed "FILE:". A last line without a newline is
 * printed with one. Lines may be of any length (the line buffer grows).
 * Exit status as in Unix: 0 if a line matched, 1 if none did, 2 if a file
 * could not be read (the message "grep: FILE: ..." naming the error
 * goes to fd 1: osv programs have no separate error output).
 *
 * An input that is the output file itself (`grep a f >> f`, `grep a < f
 * >> f`) is refused with "input file is also the output", status 2, as
 * GNU grep refuses it (output.h): each line that matched went to the end
 * of f and was read again, so f grew until the disk was full.
 */
#include <lib/usyscall.h>
#include <lib/stdio.h>
#include <lib/string.h>
#include <lib/malloc.h>
#include <lib/stdio-ext.h>
#include <lib/errstr.h>
#include <stdbool.h>
#include "output.h"

static const char *word;
static size_t wordlen;
static bool prefix;              /* several files: print "FILE:" first */
static bool matched;

static char inbuf[512];
static char *line;               /* the current line, without its '\n' */
static size_t len, cap;

/* True if line[0..len) contains word. */
static bool contains(void)
{
    for (size_t i = 0; i + wordlen <= len; i++)
        if (memcmp(line + i, word, wordlen) == 0)
            return true;
    return false;
}

/* Writes all n bytes to fd 1, or exits 2 when nobody reads them any more
 * (the reader of a pipeline went away): there is no point going on. */
static void write_all(const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(1, p, n);
        if (w <= 0)
            exit(2);             /* nobody reads our output any more */
        p += w;
        n -= w;
    }
}

/* The line is complete: prints it (after "name:" when several files are
 * searched) if it holds the word, and starts the next. */
static void end_of_line(const char *name)
{
    if (contains()) {
        matched = true;
        if (prefix) {
            write_all(name, strlen(name));
            write_all(":", 1);
        }
        write_all(line, len);
        write_all("\n", 1);
    }
    len = 0;
}

/* Adds c to the line, doubling its buffer as needed, so lines of any
 * length match; false when memory runs out. */
static bool append(char c)
{
    if (len == cap) {
        size_t ncap = cap ? 2 * cap : 256;
        char *n = malloc(ncap);
        if (n == NULL)
            return false;
        memcpy(n, line, len);
        free(line);
        line = n;
        cap = ncap;
    }
    line[len++] = c;
    return true;
}

/* Greps fd; returns ERR_OK, read's error, or ERR_NOMEM for a line that
 * does not fit in memory. */
static int grep(int fd, const char *name)
{
    ssize_t n;
    len = 0;
    while ((n = read(fd, inbuf, sizeof(inbuf))) > 0) {
        for (ssize_t i = 0; i < n; i++) {
            if (inbuf[i] == '\n')
                end_of_line(name);
            else if (!append(inbuf[i]))
                return ERR_NOMEM;
        }
    }
    if (len > 0)
        end_of_line(name);
    return (int)n;
}

int main(int argc, char **argv)
{
    int status = 0;

    if (argc < 2) {
        printf("usage: grep WORD [FILE...]\n");
        return 2;
    }
    word = argv[1];
    wordlen = strlen(word);
    prefix = argc > 3;
    if (argc == 2 && reads_output(0)) {
        printf("grep: input file is also the output\n");
        return 2;
    }
    if (argc == 2) {
        int err = grep(0, "");
        if (err != ERR_OK) {
            printf("grep: cannot read the input: %s\n", errstr_file(NULL, err));
            return 2;
        }
    }
    for (int i = 2; i < argc; i++) {
        int fd = open(argv[i], FS_RDONLY, EMPTY_MODE);
        if (fd >= 0 && reads_output(fd)) {
            printf("grep: %s: input file is also the output\n", argv[i]);
            status = 2;
            close(fd);
            continue;
        }
        int err = fd < 0 ? fd : grep(fd, argv[i]);
        if (fd >= 0)
            close(fd);
        if (err != ERR_OK) {
            printf("grep: %s: %s%s\n", argv[i], fd < 0 ? "" : "cannot read: ",
                   errstr_file(argv[i], err));
            status = 2;
        }
    }
    if (status == 0 && !matched)
        status = 1;
    return status;
}
