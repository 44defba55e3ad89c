/*
 * file_errors: every file call with bad arguments, none of which may crash
 * the kernel or kill the caller.
 *
 * Bad fds (-1, NUM_FILES, huge, negative, never opened, closed) are
 * ERR_INVAL for read, write, close, fstat and readdir. Bad pointers (NULL,
 * kernel addresses, unmapped user addresses, read-only text for a buffer
 * the kernel writes, and buffers or strings that run off the end of the
 * stack mapping) are ERR_FAULT for open, read, write, fstat and readdir
 * (fstat of the console too, which is ERR_INVAL only with a good pointer).
 * open with flags other than one access mode plus optional FS_CREAT (and
 * osv-rv's FS_APPEND with write access) is ERR_INVAL; readdir on a file is ERR_FTYPE. Afterwards everything still
 * works. The tests that scribble on the top of the stack run in a child.
 */
#include "testlib.h"
#include <lib/file-ext.h>
#include <lib/stddef.h>

#define TEXT ((uintptr_t)main)

static int open_small(void)
{
    return open_ok("/smallfile", FS_RDONLY);
}

static int straddle_read(void)
{
    int fd = open_small();
    if (read(fd, STACK_END(8), 16) != ERR_FAULT)
        return 1;
    return 0;
}

static int straddle_write(void)
{
    memset(STACK_END(4), '\n', 4);      /* if part of it gets out, it is blank lines */
    if (write(1, STACK_END(4), 8) != ERR_FAULT)
        return 1;
    return 0;
}

static int straddle_fstat(void)
{
    int fd = open_small();
    if (fstat(fd, (struct stat *)STACK_END(8)) != ERR_FAULT)
        return 1;
    return 0;
}

static int straddle_readdir(void)
{
    int fd = open("/", FS_RDONLY, EMPTY_MODE);
    if (fd < 0)
        return 1;
    if (readdir(fd, (struct dirent *)STACK_END(8)) != ERR_FAULT)
        return 2;
    return 0;
}

static int straddle_path(void)
{
    memcpy(STACK_END(9), "smallfile", 9);     /* no terminator in the mapping */
    if (open(STACK_END(9), FS_RDONLY, EMPTY_MODE) != ERR_FAULT)
        return 1;
    return 0;
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    char buf[64];
    struct stat st;
    struct dirent de;

    /* ---- bad fds ---- */
    int closed = open_small();
    expect(close(closed), ERR_OK);
    int bad_fds[] = {-1, -2, NUM_FILES, NUM_FILES + 1, 1000, 0x7fffffff,
                     (int)0x80000000, NUM_FILES - 1, closed};
    for (unsigned i = 0; i < NELEM(bad_fds); i++) {
        int fd = bad_fds[i];
        if (read(fd, buf, 10) != ERR_INVAL)
            error("read(fd %d) was not ERR_INVAL", fd);
        if (write(fd, "x", 1) != ERR_INVAL)
            error("write(fd %d) was not ERR_INVAL", fd);
        if (fstat(fd, &st) != ERR_INVAL)
            error("fstat(fd %d) was not ERR_INVAL", fd);
        if (readdir(fd, &de) != ERR_INVAL)
            error("readdir(fd %d) was not ERR_INVAL", fd);
        if (close(fd) != ERR_INVAL)
            error("close(fd %d) was not ERR_INVAL", fd);
    }

    /* ---- bad buffers for read (the kernel writes them) ---- */
    int fd = open_small();
    uintptr_t bad_out[] = {0, 8, 0xfff, KMAP_BASE, KERNEL_IMAGE, UNMAPPED,
                           USTACK_UPPERBOUND, 0xFFFFFFFFFFFFF000UL, TEXT,
                           0x4000000000UL /* first non-user address */};
    for (unsigned i = 0; i < NELEM(bad_out); i++)
        if (read(fd, (void *)bad_out[i], 10) != ERR_FAULT)
            error("read into %p was not ERR_FAULT", (void *)bad_out[i]);
    expect(close(fd), ERR_OK);
    in_child(straddle_read, "read into a buffer past the stack top");

    /* ---- bad buffers for write (the kernel reads them) ---- */
    uintptr_t bad_in[] = {0, 8, KMAP_BASE, KERNEL_IMAGE, UNMAPPED,
                          USTACK_UPPERBOUND, 0xFFFFFFFFFFFFF000UL};
    for (unsigned i = 0; i < NELEM(bad_in); i++)
        if (write(1, (void *)bad_in[i], 10) != ERR_FAULT)
            error("write from %p was not ERR_FAULT", (void *)bad_in[i]);
    in_child(straddle_write, "write from a buffer past the stack top");

    /* ---- bad struct pointers for fstat and readdir ---- */
    fd = open_small();
    int dir = open("/", FS_RDONLY, EMPTY_MODE);
    assert(dir >= 0);
    for (unsigned i = 0; i < NELEM(bad_out); i++) {
        if (fstat(fd, (struct stat *)bad_out[i]) != ERR_FAULT)
            error("fstat into %p was not ERR_FAULT", (void *)bad_out[i]);
        if (fstat(1, (struct stat *)bad_out[i]) != ERR_FAULT)  /* before ERR_INVAL */
            error("fstat of the console into %p was not ERR_FAULT", (void *)bad_out[i]);
        if (readdir(dir, (struct dirent *)bad_out[i]) != ERR_FAULT)
            error("readdir into %p was not ERR_FAULT", (void *)bad_out[i]);
    }
    in_child(straddle_fstat, "fstat into a struct past the stack top");
    in_child(straddle_readdir, "readdir into a struct past the stack top");

    /* readdir on a file. */
    expect(readdir(fd, &de), ERR_FTYPE);

    /* The fds still work after all that. */
    expect(fstat(fd, &st), ERR_OK);
    expect(st.size, 26);
    expect(read(fd, buf, 64), 26);
    if (memcmp(buf, "aaaaaaaaaabbbbbbbbbbccccc\n", 26) != 0)
        error("smallfile reads wrong after the bad calls");
    expect(readdir(dir, &de), ERR_OK);
    expect(close(dir), ERR_OK);
    expect(close(fd), ERR_OK);
    expect(close(fd), ERR_INVAL);

    /* ---- bad paths for open ---- */
    for (unsigned i = 0; i < NELEM(bad_in); i++)
        if (open((const char *)bad_in[i], FS_RDONLY, EMPTY_MODE) != ERR_FAULT)
            error("open of path %p was not ERR_FAULT", (void *)bad_in[i]);
    in_child(straddle_path, "open of an unterminated path at the stack top");

    /* ---- flags ---- */
    int bad_flags[] = {FS_WRONLY | FS_RDWR, 0x4, 0x8, 0x10, 0x80, 0x200, 0x1000,
                       FS_CREAT | 0x3, FS_CREAT | 0x200, 0x10000, -1,
                       (int)0x80000000, 0x7fffffff,
                       FS_APPEND, FS_APPEND | FS_CREAT};   /* append needs write access */
    for (unsigned i = 0; i < NELEM(bad_flags); i++) {
        int r = open("/smallfile", bad_flags[i], EMPTY_MODE);
        if (r != ERR_INVAL)
            error("open with flags 0x%x = %d, expected ERR_INVAL", bad_flags[i], r);
    }
    /* FS_RDONLY | FS_CREAT on an existing file is fine. */
    fd = open("/smallfile", FS_RDONLY | FS_CREAT, EMPTY_MODE);
    assert(fd >= 0);
    expect(read(fd, buf, 10), 10);
    expect(close(fd), ERR_OK);

    /* ---- a child's fd table is its own copy ---- */
    fd = open_small();
    int pid = fork();
    if (pid == 0)
        exit(close(fd) == ERR_OK && close(fd) == ERR_INVAL ? 0 : 1);
    int status;
    expect(wait(pid, &status), pid);
    expect(status, 0);
    expect(read(fd, buf, 10), 10);      /* still open in the parent */
    expect(close(fd), ERR_OK);

    pass("file_errors");
    return 0;
}
