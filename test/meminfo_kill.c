/*
 * meminfo_kill: a process killed while meminfo() prints its regions stops
 * printing at once, as Ctrl-C (which kills the same way) would stop any
 * other program, instead of printing the whole table first.
 *
 * A child maps N one-page views of a file (N lines of meminfo, a few
 * seconds of console output) and calls meminfo(); the parent kills it
 * once it is printing and times kill to wait's return. That time must be
 * about what a child with the same views takes to die when killed while
 * it sleeps (the same teardown, measured first), not the rest of the
 * table: meminfo went on to the last row once, so the kill took as long
 * as the whole table did.
 */
// test: timeout=60
#include "vmlib.h"
#include <lib/mman.h>

#define N 4000                  /* views: meminfo rows */
#define SLACK_MS 600            /* beyond the plain teardown, for a loaded host (the
                                   table alone took 1.5 s before the fix) */

static struct channel ready;

/* In a child: N one-page private views of /smallfile, then a post on
 * ready, then meminfo() (or a sleep until killed). */
static void child(bool print)
{
    int fd = open_ok("/smallfile", FS_RDONLY);
    for (int i = 0; i < N; i++) {
        void *m;
        int err = mmap(fd, 0, PAGE, SHM_READ, MAP_PRIVATE, &m);
        if (err != ERR_OK)
            error("mmap number %d = %d", i, err);
    }
    chan_post(&ready);
    if (print)
        meminfo();
    for (;;)
        msleep(1000);
}

/* Milliseconds from kill() to wait()'s return, for a child that is
 * printing (print) or asleep, its views made. */
static uint64_t kill_time(bool print)
{
    int pid = fork_ok();
    if (pid == 0)
        child(print);
    chan_take(&ready);
    msleep(50);                 /* well into the table (or the sleep) */
    uint64_t t0 = rdtime();
    expect(kill(pid), ERR_OK);
    expect(wait_for(pid), -1);
    return (rdtime() - t0) * 1000 / TIME_HZ;
}

int main(void)
{
    chan_open(&ready);
    uint64_t asleep = kill_time(false);
    uint64_t printing = kill_time(true);
    if (printing > asleep + SLACK_MS)
        error("killed while printing %d views, it took %d ms to go; asleep, %d ms", N,
              (int)printing, (int)asleep);
    chan_close(&ready);
    pass("meminfo_kill: %d ms to go while printing, %d ms asleep", (int)printing, (int)asleep);
    return 0;
}
