/*
 * cat: copies each named file to fd 1 in turn, or fd 0 when there is no
 * argument (so it works at the end of a pipeline). Exit status 1 if some
 * file could not be read; the message, naming the error, goes to fd 1
 * with the data: as in osv, a program has only fds 0 and 1 from init (its
 * first open gets 2), so there is no separate error output.
 *
 * An input that is the output file itself (`cat f >> f`, `cat < f >> f`)
 * is refused with "input file is output file", as GNU cat refuses it: the
 * copy would read back what it had just appended and grow the file until
 * the disk was full. Like GNU cat's, the rule is the same file (fstat's
 * inode number) with something in it, so `cat f > f`, whose '>' made f
 * new and empty, just copies nothing.
 */
#include <lib/usyscall.h>
#include <lib/stdio.h>
#include <lib/stdio-ext.h>
#include <lib/errstr.h>
#include <stdbool.h>
#include "output.h"

static char buf[512];

/* Copies fd to fd 1 until end of input; returns ERR_OK or the error. */
static int copy(int fd)
{
    for (;;) {
        ssize_t n = read(fd, buf, sizeof(buf));
        if (n <= 0)
            return (int)n;
        for (ssize_t done = 0; done < n;) {
            ssize_t w = write(1, buf + done, n - done);
            if (w <= 0)
                return w < 0 ? (int)w : ERR_END;
            done += w;
        }
    }
}

int main(int argc, char **argv)
{
    int status = 0;

    if (argc < 2) {
        if (reads_output(0)) {
            printf("cat: input file is output file\n");
            return 1;
        }
        int err = copy(0);
        if (err != ERR_OK)
            printf("cat: cannot read the input: %s\n", errstr_file(NULL, err));
        return err == ERR_OK ? 0 : 1;
    }
    for (int i = 1; i < argc; i++) {
        int fd = open(argv[i], FS_RDONLY, EMPTY_MODE);
        if (fd < 0) {
            printf("cat: %s: %s\n", argv[i], errstr_file(argv[i], fd));
            status = 1;
            continue;
        }
        if (reads_output(fd)) {
            printf("cat: %s: input file is output file\n", argv[i]);
            status = 1;
            close(fd);
            continue;
        }
        int err = copy(fd);
        if (err != ERR_OK) {
            printf("cat: %s: cannot read: %s\n", argv[i], errstr_file(argv[i], err));
            status = 1;
        }
        close(fd);
    }
    return status;
}
