/*
 * file_fdlimit: a process has NUM_FILES (128) fds, and past them open, dup
 * and pipe fail with ERR_NOMEM (osv's answer) without side effects.
 *
 * With every fd in use, open (also with FS_CREAT, which must then not make
 * the file), dup and pipe are ERR_NOMEM. With one fd free, pipe (which
 * needs two) is still ERR_NOMEM and leaves that fd free for open or dup.
 * With two free, pipe works and takes exactly those. A fork child inherits
 * the full table and meets the same limit; its closes do not touch the
 * parent's table. Everything is closed at the end, so the runner's
 * free-page check sees any file or pipe a failed call left behind.
 */
#include "testlib.h"

#define NEWFILE "/fdlimit_new"

static int fds[NUM_FILES];
static int nfds;

/* Opens /smallfile until the table is full; returns how many opened. */
static int fill(void)
{
    int r;
    nfds = 0;
    while ((r = open("/smallfile", FS_RDONLY, EMPTY_MODE)) >= 0) {
        if (nfds == NUM_FILES)
            error("more than NUM_FILES fds open");
        fds[nfds++] = r;
    }
    expect(r, ERR_NOMEM);
    return nfds;
}

static void expect_full(void)
{
    int p[2] = {-7, -7};
    expect(open("/smallfile", FS_RDONLY, EMPTY_MODE), ERR_NOMEM);
    expect(open(NEWFILE, FS_RDWR | FS_CREAT, EMPTY_MODE), ERR_NOMEM);
    expect(dup(0), ERR_NOMEM);
    expect(dup(fds[0]), ERR_NOMEM);
    expect(pipe(p), ERR_NOMEM);
    if (p[0] != -7 || p[1] != -7)
        error("a failed pipe wrote fds %d %d", p[0], p[1]);
}

static int child_meets_limit(void)
{
    expect_full();                           /* inherited: already full */
    for (int i = 0; i < nfds; i++)
        if (close(fds[i]) != ERR_OK)
            return 1;
    return 0;
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;

    remove_file(NEWFILE);
    int open_before = 2;                     /* 0 and 1: the console, as from init */
    expect(fill(), NUM_FILES - open_before);
    expect_full();

    /* A child with a full table; its closes stay its own. */
    in_child(child_meets_limit, "a fork child's full table");
    expect_full();

    /* One free fd: pipe still fails and leaves it; open or dup takes it. */
    int freed = fds[nfds / 2];
    expect(close(freed), ERR_OK);
    expect(open(NEWFILE, FS_RDONLY, EMPTY_MODE), ERR_NOTEXIST);   /* FS_CREAT made nothing */
    int p[2];
    expect(pipe(p), ERR_NOMEM);
    expect(dup(1), freed);
    expect(pipe(p), ERR_NOMEM);
    expect(close(freed), ERR_OK);
    int fd = open_ok(NEWFILE, FS_RDWR | FS_CREAT);
    expect(fd, freed);
    expect(dup(fd), ERR_NOMEM);
    expect(close(fd), ERR_OK);
    expect(unlink(NEWFILE), ERR_OK);

    /* Two free fds: pipe takes both, and works. */
    int other = fds[nfds - 1];
    expect(close(other), ERR_OK);
    expect(pipe(p), ERR_OK);
    if (!((p[0] == freed && p[1] == other) || (p[0] == other && p[1] == freed)))
        error("pipe gave fds %d, %d; the free ones were %d, %d", p[0], p[1], freed, other);
    expect_full();
    expect(write(p[1], "ok", 2), 2);
    char buf[4];
    expect(read(p[0], buf, 4), 2);
    expect(close(p[0]), ERR_OK);
    expect(close(p[1]), ERR_OK);

    /* Close everything: the table is whole again. */
    for (int i = 0; i < nfds; i++)
        if (fds[i] != freed && fds[i] != other)
            expect(close(fds[i]), ERR_OK);
    expect(fill(), NUM_FILES - open_before);
    for (int i = 0; i < nfds; i++)
        expect(close(fds[i]), ERR_OK);

    pass("file_fdlimit: %d fds open at start, %d opened", open_before, nfds);
    return 0;
}
