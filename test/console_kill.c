/*
 * console_kill: a kill stops a large write() to the console. The UART
 * takes a few hundred KB a second and a console write never sleeps
 * where a kill wakes it, so a killed writer (kill(), Ctrl-C) used to go
 * on to the end of its buffer: 16 MiB is some 50 s, far past this test's
 * time limit. Now the write stops at the next 256-byte chunk and the
 * child exits with -1 at once. A pipe tells the parent the child is
 * about to write; the kill lands in the write or, on a slow host, just
 * before it (then the write stops before its first chunk). The buffer is
 * short lines of spaces, so the console shows a few blank lines (and a
 * failure's excerpt blank lines, not one line of megabytes).
 */
// test: timeout=20
#include "testlib.h"
#include <lib/proc-ext.h>

#define BIG (16u << 20)

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    int ready[2];
    expect(pipe(ready), ERR_OK);
    int pid = fork_ok();
    if (pid == 0) {
        char *buf = sbrk(BIG);
        if (buf == (char *)ERR_NOMEM)
            error("sbrk(%u) failed", BIG);
        memset(buf, ' ', BIG);
        for (size_t i = 63; i < BIG; i += 64)
            buf[i] = '\n';
        expect(write(ready[1], "r", 1), 1);
        write(1, buf, BIG);
        exit(0);                       /* not reached: killed in the write */
    }
    char c;
    expect(read(ready[0], &c, 1), 1);
    msleep(20);
    expect(kill(pid), ERR_OK);
    int status = 0;
    expect(wait(pid, &status), pid);
    expect(status, -1);
    printf("\n");                      /* the writer may have stopped mid-line */
    pass("console_kill");
    return 0;
}
