/*
 * first-open-fd: init opens the console as fds 0 and 1 only, as osv's
 * does, and the shell passes on just those: a program's first open gets
 * fd 2.
 */
#include <lib/test.h>

int
main(void)
{
    struct stat st;
    char c;

    // Nothing is open on fd 2 (close first: a read of a console fd 2
    // would wait for typing).
    if (close(2) != ERR_INVAL || read(2, &c, 1) != ERR_INVAL || fstat(2, &st) != ERR_INVAL)
        error("fd 2 is open before the program opened anything");

    int fd = open("/README", FS_RDONLY, EMPTY_MODE);
    if (fd != 2)
        error("the first open returned %d, expected 2", fd);
    int fd2 = open("/smallfile", FS_RDONLY, EMPTY_MODE);
    if (fd2 != 3)
        error("the second open returned %d, expected 3", fd2);
    close(fd);
    if (dup(1) != 2)
        error("dup after closing fd 2 did not return 2");
    close(2);
    close(fd2);

    pass("first-open-fd");
    exit(0);
}
