/*
 * file_offsets: who shares a file offset and who does not.
 *
 * One open() is one offset: fds made from it by dup, and the copies a fork
 * or spawn child inherits, all move it (Unix semantics, file.h), so writes
 * through them follow each other and never overwrite; two open() calls of
 * one file have offsets of their own. Closing one of the sharing fds leaves
 * the others working. dup returns the lowest free fd and rejects bad fds
 * with ERR_INVAL. A parent and a child writing records through one shared
 * fd at the same time lose none: the offset is taken and moved as a unit.
 * The file is removed at the end.
 */
#include "testlib.h"
#include <lib/stdio-ext.h>
#include <lib/string-ext.h>
#include <lib/stddef.h>

#define F "/foffsets_file"
#define RECORDS 100
#define RECLEN 16

static char buf[2 * RECORDS * RECLEN + 64];

/* Spawned as "file_offsets child FD": writes "S1" through FD, reads 2. */
static int child_mode(int fd)
{
    if (write(fd, "S1", 2) != 2)
        return 1;
    char c[2];
    if (read(fd, c, 2) != 0)                 /* at the end of the file */
        return 2;
    return 0;
}

/* One record: a tag letter, the index, padding to RECLEN with a newline. */
static void record(char *r, char tag, int i)
{
    snprintf(r, RECLEN + 1, "%c%04d..........", tag, i);
    r[RECLEN - 1] = '\n';
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "child") == 0)
        return child_mode(atoi(argv[2]));

    remove_file(F);

    /* ---- dup: one offset for both fds ---- */
    int a = open_ok(F, FS_RDWR | FS_CREAT);
    int b = dup(a);
    assert(b >= 0 && b != a);
    expect(write(a, "A1", 2), 2);
    expect(write(b, "B1", 2), 2);            /* after A1, not over it */
    expect(write(a, "A2", 2), 2);
    read_file(F, buf, sizeof(buf));
    if (strcmp(buf, "A1B1A2") != 0)
        error("writes through dup'd fds gave '%s'", buf);
    expect(close(a), ERR_OK);                /* b lives on */
    expect(write(b, "B2", 2), 2);
    expect(read(b, buf, 10), 0);             /* at the end */

    /* ---- fork: the child moves the parent's offset ---- */
    int pid = fork();
    if (pid == 0)
        exit(write(b, "C1", 2) == 2 ? 0 : 1);
    expect_exit(pid, 0);
    expect(write(b, "P1", 2), 2);

    /* ---- spawn: the same ---- */
    char cmd[64];
    snprintf(cmd, sizeof(cmd), "file_offsets child %d", b);
    pid = spawn(cmd);
    assert(pid > 0);
    expect_exit(pid, 0);
    expect(write(b, "P2", 2), 2);
    read_file(F, buf, sizeof(buf));
    if (strcmp(buf, "A1B1A2B2C1P1S1P2") != 0)
        error("after fork and spawn children wrote: '%s'", buf);

    /* ---- separate opens: separate offsets ---- */
    int r1 = open_ok(F, FS_RDONLY);
    int r2 = open_ok(F, FS_RDONLY);
    expect(read(r1, buf, 4), 4);
    expect(read(r2, buf + 4, 2), 2);
    if (memcmp(buf, "A1B1A1", 6) != 0)
        error("two opens share an offset: '%.6s'", buf);
    int r3 = dup(r1);                        /* shares r1's, not r2's */
    expect(read(r3, buf, 2), 2);
    expect(read(r2, buf + 2, 2), 2);
    if (memcmp(buf, "A2B1", 4) != 0)
        error("a dup of r1 read '%.2s', r2 '%.2s'", buf, buf + 2);
    int w = open_ok(F, FS_WRONLY);           /* writes at 0 while b is at the end */
    expect(write(w, "W", 1), 1);
    expect(close(w), ERR_OK);
    expect(close(r1), ERR_OK);
    expect(close(r2), ERR_OK);
    expect(close(r3), ERR_OK);
    read_file(F, buf, sizeof(buf));
    if (strcmp(buf, "W1B1A2B2C1P1S1P2") != 0)
        error("a separate open did not write at offset 0: '%s'", buf);

    /* ---- dup returns the lowest free fd; bad fds ---- */
    int lo = open_ok("/smallfile", FS_RDONLY);
    int hi = open_ok("/smallfile", FS_RDONLY);
    expect(close(lo), ERR_OK);
    expect(dup(hi), lo);
    expect(close(lo), ERR_OK);
    expect(close(hi), ERR_OK);
    static const int bad_fds[] = {-1, -1000, NUM_FILES, NUM_FILES + 1, 0x7fffffff};
    for (unsigned i = 0; i < NELEM(bad_fds); i++)
        expect(dup(bad_fds[i]), ERR_INVAL);
    expect(dup(hi), ERR_INVAL);              /* closed */
    int con = dup(1);                        /* the console dups too */
    assert(con >= 0);
    expect(close(con), ERR_OK);

    /* ---- parent and child write records at once through one offset ---- */
    expect(close(b), ERR_OK);
    expect(unlink(F), ERR_OK);
    int fd = open_ok(F, FS_WRONLY | FS_CREAT);
    pid = fork();
    assert(pid >= 0);
    char rec[RECLEN + 1];
    for (int i = 0; i < RECORDS; i++) {
        record(rec, pid == 0 ? 'c' : 'p', i);
        if (write(fd, rec, RECLEN) != RECLEN) {
            if (pid == 0)
                exit(1);
            error("parent's record %d not written", i);
        }
    }
    if (pid == 0)
        exit(0);
    expect_exit(pid, 0);
    expect(close(fd), ERR_OK);
    size_t n = read_file(F, buf, sizeof(buf));
    expect(n, 2 * RECORDS * RECLEN);         /* no record written over another */
    int next[2] = {0, 0};                    /* each writer's records in its order */
    for (size_t off = 0; off < n; off += RECLEN) {
        int who = buf[off] == 'c';
        record(rec, who ? 'c' : 'p', next[who]);
        if (memcmp(buf + off, rec, RECLEN) != 0)
            error("record at %d is '%.15s', expected '%.15s'", (int)off, buf + off, rec);
        next[who]++;
    }
    expect(next[0], RECORDS);
    expect(next[1], RECORDS);

    expect(unlink(F), ERR_OK);
    pass("file_offsets");
    return 0;
}
