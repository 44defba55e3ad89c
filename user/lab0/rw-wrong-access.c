/*
 * rw-wrong-access: read on an fd not opened for reading, and write on one
 * not opened for writing, return 0 (osv's answer), move no offset and
 * change nothing.
 *
 * It checks: a file opened FS_WRONLY reads 0 and one opened FS_RDONLY
 * writes 0, and the file keeps its bytes; the wrong end of a pipe does the
 * same (reading the write end, writing the read end), and the pipe still
 * carries bytes from its write end to its read end afterwards; the
 * console is fd 0 for reading only and fd 1 for writing only, as osv's
 * stdin and stdout are: a write on fd 0 and a read on fd 1 return 0 (the
 * read at once), and so do those on their dups.
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

    // The console is two open files, as osv's stdin and stdout: fd 0 is
    // open for reading only and fd 1 for writing only. A read of fd 1
    // returns 0 at once (it does not wait for a line), and a write on
    // fd 0 shows nothing.
    if (write(0, "rw-wrong-access: shown through fd 0\n", 36) != 0)
        error("write on fd 0, the console's reading side, did not return 0");
    if (read(1, buf, sizeof(buf)) != 0)
        error("read on fd 1, the console's writing side, did not return 0");
    int in = dup(0), out = dup(1);
    if (write(in, "x\n", 2) != 0 || read(out, buf, sizeof(buf)) != 0)
        error("a dup of fd 0 or fd 1 does not keep its side's access");
    if (write(out, "", 0) != 0 || write(out, "rw-wrong-access: fd 1 writes\n", 29) != 29)
        error("write on a dup of fd 1");
    close(in);
    close(out);

    pass("rw-wrong-access");
    exit(0);
}
