/*
 * rw-wrong-access: read on an fd not opened for reading, and write on one
 * not opened for writing, return 0 (osv's answer), move no offset and
 * change nothing.
 *
 * It checks: a file opened FS_WRONLY reads 0 and one opened FS_RDONLY
 * writes 0, and the file keeps its bytes; the wrong end of a pipe does the
 * same (reading the write end, writing the read end), and the pipe still
 * carries bytes from its write end to its read end afterwards; the
 * console, which init opens for reading and writing, writes through fd 0
 * as well as fd 1.
 */
#include <lib/test.h>
#include <lib/string.h>

int
main(void)
{
    char buf[32];
    memset(buf, 'x', sizeof(buf));

    int fd = open("/smallfile", FS_WRONLY, EMPTY_MODE);
    if (fd < 0)
        error("open /smallfile write-only: %d", fd);
    if (read(fd, buf, sizeof(buf)) != 0)
        error("read on a write-only file did not return 0");
    if (buf[0] != 'x')
        error("read on a write-only file filled the buffer");
    close(fd);

    fd = open("/smallfile", FS_RDONLY, EMPTY_MODE);
    if (fd < 0)
        error("open /smallfile read-only: %d", fd);
    if (write(fd, "zzzz", 4) != 0)
        error("write on a read-only file did not return 0");
    // Nothing was written and the offset did not move.
    if (read(fd, buf, sizeof(buf)) != 26 || memcmp(buf, "aaaaaaaaaabbbbbbbbbbccccc\n", 26) != 0)
        error("smallfile changed, or the offset moved, after a write-only-refused write");
    close(fd);

    int p[2];
    if (pipe(p) != ERR_OK)
        error("pipe failed");
    if (write(p[0], "hi", 2) != 0)
        error("write on a pipe's read end did not return 0");
    if (read(p[1], buf, sizeof(buf)) != 0)
        error("read on a pipe's write end did not return 0");
    if (write(p[1], "ok", 2) != 2)
        error("write on a pipe's write end");
    if (read(p[0], buf, sizeof(buf)) != 2 || buf[0] != 'o' || buf[1] != 'k')
        error("the pipe lost or gained bytes");
    close(p[0]);
    close(p[1]);

    const char *line = "rw-wrong-access: the console writes through fd 0\n";
    if (write(0, line, strlen(line)) != strlen(line))
        error("write on fd 0, the console");

    pass("rw-wrong-access");
    exit(0);
}
