/*
 * pipe_basic: what a pipe promises, one rule at a time.
 *
 * pipe() gives a read end and a write end (fstat: ERR_INVAL, as for any
 * device); the wrong direction moves 0
 * bytes (osv's answer for an fd not open that way) and readdir is
 * ERR_FTYPE; a bad fds pointer is
 * ERR_FAULT and leaves no fd behind. A read returns what is there without
 * waiting for more; the buffer holds at least a page (a 4096-byte write
 * with no reader must not block: if it does, this test times out). A
 * reader blocks while the pipe is empty and is woken by a later writer; it
 * gets 0 (end of file) once every write end is closed, in every process
 * (dup and fork copies included, exit closes them). A writer blocks while
 * the pipe is full and goes on as it is read; once every read end is
 * closed it gets ERR_END (a blocked writer: the count it wrote, then
 * ERR_END), and it is not killed. The runner's free-page check catches a
 * pipe that is not freed when its last end closes.
 */
#include "testlib.h"
#include <lib/stddef.h>

#define FLAG "/pipe_basic_flag"
#define BIG (64 * 1024)
static char buf[BIG];

/* The fd the next open gets: to see that a failed call left none behind. */
static int lowest_free_fd(void)
{
    int fd = open_ok("/smallfile", FS_RDONLY);
    expect(close(fd), ERR_OK);
    return fd;
}

static void new_pipe(int p[2])
{
    p[0] = p[1] = -1;
    expect(pipe(p), ERR_OK);
    assert(p[0] >= 0 && p[1] >= 0 && p[0] != p[1]);
}

static bool exists(const char *path)
{
    int fd = open(path, FS_RDONLY, EMPTY_MODE);
    if (fd >= 0)
        close(fd);
    return fd >= 0;
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    int p[2], pid;
    struct stat st;
    struct dirent de;

    remove_file(FLAG);

    /* ---- the ends and their directions ---- */
    new_pipe(p);
    expect(fstat(p[0], &st), ERR_INVAL);           /* osv: files and directories only */
    expect(fstat(p[1], &st), ERR_INVAL);
    expect(read(p[1], buf, 1), 0);
    expect(write(p[0], "x", 1), 0);
    expect(readdir(p[0], &de), ERR_FTYPE);
    expect(readdir(p[1], &de), ERR_FTYPE);
    expect(write(p[1], "x", 0), 0);
    expect(read(p[0], buf, 0), 0);                 /* n = 0: no waiting */

    /* A read takes what is there; bad buffers are ERR_FAULT and lose nothing. */
    expect(write(p[1], "hello", 5), 5);
    expect(read(p[0], NULL, 5), ERR_FAULT);
    expect(read(p[0], (void *)KMAP_BASE, 5), ERR_FAULT);
    expect(write(p[1], (void *)UNMAPPED, 5), ERR_FAULT);
    expect(read(p[0], buf, sizeof(buf)), 5);
    if (memcmp(buf, "hello", 5) != 0)
        error("read back '%.5s'", buf);

    /* At least a page fits with nobody reading. */
    memset(buf, 'p', 4096);
    expect(write(p[1], buf, 4096), 4096);
    memset(buf, 0, 4096);
    expect(read_all(p[0], buf, 4096), 4096);
    for (int i = 0; i < 4096; i++)
        if (buf[i] != 'p')
            error("page byte %d = %d", i, buf[i]);
    expect(close(p[0]), ERR_OK);
    expect(close(p[1]), ERR_OK);

    /* Bad fds pointers: ERR_FAULT, and no fd is left open. */
    int lowest = lowest_free_fd();
    static const uintptr_t bad[] = BAD_POINTERS;
    for (unsigned i = 0; i < NELEM(bad); i++)
        if (pipe((int *)bad[i]) != ERR_FAULT)
            error("pipe(%p) was not ERR_FAULT", (void *)bad[i]);
    expect(pipe((int *)(uintptr_t)main), ERR_FAULT);        /* read-only text */
    expect(pipe((int *)heap_end(4)), ERR_FAULT);            /* room for one int */
    expect(lowest_free_fd(), lowest);

    /* ---- a blocked reader is woken by a later write ---- */
    new_pipe(p);
    int parent = getpid();
    pid = fork();
    if (pid == 0) {
        close(p[0]);
        await_state(parent, PROC_INFO_SLEEPING, "the parent reading");
        exit(write(p[1], "wake", 4) == 4 ? 0 : 1);
    }
    expect(close(p[1]), ERR_OK);
    expect(read(p[0], buf, sizeof(buf)), 4);
    if (memcmp(buf, "wake", 4) != 0)
        error("woken reader got '%.4s'", buf);
    /* ... and gets end of file when the child, the last writer, exits. */
    expect(read(p[0], buf, sizeof(buf)), 0);
    expect(read(p[0], buf, sizeof(buf)), 0);
    expect_exit(pid, 0);
    expect(close(p[0]), ERR_OK);

    /* ---- end of file needs every write end closed, dup'd ones too ---- */
    new_pipe(p);
    int w2 = dup(p[1]);
    assert(w2 >= 0);
    expect(close(p[1]), ERR_OK);
    expect(write(w2, "still", 5), 5);              /* the dup still writes */
    expect(read(p[0], buf, sizeof(buf)), 5);
    expect(close(w2), ERR_OK);
    expect(read(p[0], buf, sizeof(buf)), 0);
    expect(close(p[0]), ERR_OK);

    /* ---- a full pipe blocks its writer until it is read ---- */
    new_pipe(p);
    pid = fork();
    if (pid == 0) {
        close(p[0]);
        for (int i = 0; i < BIG; i++)
            buf[i] = (char)(i % 251);
        if (write(p[1], buf, BIG) != BIG)  /* far more than a page: must block */
            exit(1);
        int fd = open(FLAG, FS_WRONLY | FS_CREAT, EMPTY_MODE);
        exit(fd >= 0 ? 0 : 2);
    }
    expect(close(p[1]), ERR_OK);
    await_state(pid, PROC_INFO_SLEEPING, "the child writing");   /* blocked in write */
    if (exists(FLAG))              /* only reached when something was lost */
        error("a %d-byte write into an unread pipe returned", BIG);
    memset(buf, 0, BIG);
    expect(read_all(p[0], buf, BIG), BIG);
    for (int i = 0; i < BIG; i++)
        if (buf[i] != (char)(i % 251))
            error("byte %d of the blocked write = %d", i, buf[i]);
    expect(read(p[0], buf, 1), 0);
    expect_exit(pid, 0);
    assert(exists(FLAG));
    expect(unlink(FLAG), ERR_OK);
    expect(close(p[0]), ERR_OK);

    /* ---- no reader left: ERR_END, and the writer lives ---- */
    new_pipe(p);
    expect(close(p[0]), ERR_OK);
    expect(write(p[1], "x", 1), ERR_END);
    expect(write(p[1], buf, BIG), ERR_END);
    expect(close(p[1]), ERR_OK);

    /* The last reader is a child that exits. */
    new_pipe(p);
    pid = fork();
    if (pid == 0)
        exit(0);                                   /* its copies close at exit */
    expect_exit(pid, 0);
    expect(close(p[0]), ERR_OK);
    expect(write(p[1], "x", 1), ERR_END);
    expect(close(p[1]), ERR_OK);

    /* A writer blocked on a full pipe when the last reader goes: it gets
     * the count it managed, then ERR_END; its exit status shows it lived. */
    new_pipe(p);
    pid = fork();
    if (pid == 0) {
        close(p[0]);
        ssize_t n = write(p[1], buf, BIG);
        if (n < 100 || n > BIG)              /* the parent read 100 of them */
            exit(1);
        if (write(p[1], "x", 1) != ERR_END)
            exit(2);
        exit(3);
    }
    expect(close(p[1]), ERR_OK);
    expect(read_all(p[0], buf, 100), 100);
    expect(close(p[0]), ERR_OK);                  /* the writer is still blocked */
    expect_exit(pid, 3);                          /* -1 would be: killed */

    expect(wait(-1, NULL), ERR_CHILD);
    pass("pipe_basic");
    return 0;
}
