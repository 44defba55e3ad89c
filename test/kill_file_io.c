/*
 * kill_file_io: a kill stops a large read() or write() of a file between
 * chunks, as it stops one to the console (console_kill), instead of
 * letting the killed process move the rest of its buffer.
 *
 * Write: a child writes BIG bytes to a file in one write(); once the file
 * has passed MARK bytes the parent kills it. The file must then be
 * shorter than BIG: the write stopped. Read: the parent writes the file
 * whole, and a child reads it in one read() into a shared region the
 * parent maps too; once the region's byte at MARK is filled the parent
 * kills it, and the region's last byte must still be untouched. Both
 * children must exit with -1 (killed). Before the fix a killed process
 * went on to the end of its buffer: the file ended BIG bytes long, the
 * region filled (the write or read was only ever cut short by the disk).
 */
// test: timeout=120
#include "shmlib.h"
#include <lib/proc-ext.h>

#define F "/kill_io"
#define BIG (16UL << 20)
#define MARK (1UL << 20)
#define REGION "kill-io"

#define STUCK_SECONDS 20     /* a child that never gets to MARK has failed (no timing) */

static size_t file_size(void)
{
    return stat_of(F).size;
}

/* Sleeps a millisecond, or fails the test once the child has had
 * STUCK_SECONDS to get to MARK (it failed before, and printed why). */
static void poll_wait(uint64_t start, const char *what)
{
    if (rdtime() - start > STUCK_SECONDS * TIME_HZ)
        error("the %s never got to byte %ld", what, (long)MARK);
    msleep(1);
}

/* The child of the write half: one write() of BIG bytes of 'w'. */
static void big_write(int unused)
{
    (void)unused;
    char *buf = sbrk(BIG);
    if (buf == (char *)-1)
        error("sbrk(%ld) failed", (long)BIG);
    memset(buf, 'w', BIG);
    int fd = open_ok(F, FS_WRONLY);
    ssize_t r = write(fd, buf, BIG);
    error("the write returned %ld: not killed", (long)r);
}

/* The child of the read half: one read() of the file into the region. */
static void big_read(int unused)
{
    (void)unused;
    char *view = map_ok(REGION, SHM_READ | SHM_WRITE);
    int fd = open_ok(F, FS_RDONLY);
    ssize_t r = read(fd, view, BIG);
    error("the read returned %ld: not killed", (long)r);
}

int main(void)
{
    remove_file(F);
    expect(close(open_ok(F, FS_WRONLY | FS_CREAT)), ERR_OK);

    int pid = fork_worker(big_write, 0);
    for (uint64_t start = rdtime(); file_size() < MARK;)
        poll_wait(start, "writer");
    expect(kill(pid), ERR_OK);
    expect_exit(pid, -1);
    size_t written = file_size();
    if (written >= BIG)
        error("the killed writer wrote all %ld bytes", (long)written);

    /* The whole file, then the read half. */
    remove_file(F);
    char *buf = sbrk(BIG);
    memset(buf, 'r', BIG);
    int fd = open_ok(F, FS_WRONLY | FS_CREAT);
    write_all(fd, buf, BIG);
    expect(close(fd), ERR_OK);
    sbrk(-(long)BIG);
    expect(shm_create(REGION, BIG, 0), ERR_OK);
    volatile char *view = map_ok(REGION, SHM_READ);
    pid = fork_worker(big_read, 0);
    for (uint64_t start = rdtime(); view[MARK] != 'r';)
        poll_wait(start, "reader");
    expect(kill(pid), ERR_OK);
    expect_exit(pid, -1);
    if (view[BIG - 1] != 0)
        error("the killed reader read the whole file");
    size_t got = 0;
    while (got < BIG && view[got] == 'r')
        got++;

    expect(shm_unmap(REGION, (void *)view), ERR_OK);
    expect(shm_destroy(REGION), ERR_OK);
    remove_file(F);
    pass("kill_file_io: killed after %ld of %ld bytes written, %ld read", (long)written,
         (long)BIG, (long)got);
    return 0;
}
