/*
 * fork_basic: fork's two return values and what the child gets.
 *
 * fork returns the child's pid in the parent and 0 in the child; the child
 * has its own pid, a private copy of the parent's memory (globals, bss,
 * stack: a write on either side after the fork is invisible to the other,
 * which is what copy-on-write must preserve), and the parent's open files,
 * sharing their offsets as in Unix. A loop of fork/exit/wait then lets the
 * runner's free_pages check catch a leak per process.
 */
#include "testlib.h"

#define BIG_PAGES 8

static int global = 1;                       /* .data */
static char big[BIG_PAGES * 4096];           /* .bss, several pages */

static int child_reports_pid(void)
{
    return getpid();
}

static int child_scribbles(void)
{
    /* What the parent had at the fork. */
    if (global != 2 || big[0] != 'p' || big[sizeof(big) - 1] != 'q')
        return 1;
    global = 3;
    memset(big, 'c', sizeof(big));
    return 0;
}

static int parent_wrote[2];                  /* a pipe: the parent's writes are done */
static int child_sees_old_values(void)
{
    /* The parent changes its copy right after the fork; wait for it. */
    char c;
    if (read(parent_wrote[0], &c, 1) != 1)
        return 2;
    if (global != 4 || big[100] != 'r')
        return 1;
    return 0;
}

static int shared_fd;
static int child_reads_a(void)
{
    char buf[10];
    if (read(shared_fd, buf, 10) != 10 || memcmp(buf, "aaaaaaaaaa", 10) != 0)
        return 1;
    return 0;
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    int me = getpid();
    assert(me > 0);

    /* Both return values, and the child's pid is the one fork returned. */
    int pid = fork();
    if (pid == 0) {
        if (getpid() == me)
            error("child has the parent's pid %d", me);
        exit(getpid());
    }
    assert(pid > 0);
    assert(pid != me);
    int status = -7;
    expect(wait(pid, &status), pid);
    expect(status, pid);
    expect(getpid(), me);
    expect(child_status(child_reports_pid) != me, 1);

    /* The child starts with the parent's memory and its writes stay its own. */
    global = 2;
    memset(big, 'p', sizeof(big));
    big[sizeof(big) - 1] = 'q';
    expect(child_status(child_scribbles), 0);
    expect(global, 2);
    for (size_t i = 0; i < sizeof(big) - 1; i++)
        if (big[i] != 'p')
            error("parent's big[%d] = %d after the child wrote its copy", (int)i, big[i]);

    /* The parent's writes after the fork stay out of the child. */
    global = 4;
    memset(big, 'r', sizeof(big));
    expect(pipe(parent_wrote), ERR_OK);
    pid = fork();
    if (pid == 0)
        exit(child_sees_old_values());
    assert(pid > 0);
    global = 5;
    memset(big, 's', sizeof(big));
    expect(write(parent_wrote[1], "w", 1), 1);
    expect(close(parent_wrote[0]), ERR_OK);
    expect(close(parent_wrote[1]), ERR_OK);
    expect(wait(pid, &status), pid);
    expect(status, 0);

    /* Local variables (the stack) are copied too. */
    volatile int local = 10;
    pid = fork();
    if (pid == 0) {
        if (local != 10)
            exit(1);
        local = 11;
        exit(local == 11 ? 0 : 2);
    }
    expect(wait(pid, &status), pid);
    expect(status, 0);
    expect(local, 10);

    /* Open files are inherited and share their offset with the parent. */
    shared_fd = open("/smallfile", FS_RDONLY, EMPTY_MODE);
    assert(shared_fd >= 0);
    expect(child_status(child_reads_a), 0);
    char buf[16];
    expect(read(shared_fd, buf, 10), 10);
    if (memcmp(buf, "bbbbbbbbbb", 10) != 0)
        error("parent read '%c...' after the child read 10 bytes: offset not shared", buf[0]);
    expect(close(shared_fd), ERR_OK);

    /* Many short-lived children, one at a time: no frames may leak. */
    for (int i = 0; i < 64; i++) {
        pid = fork();
        if (pid == 0)
            exit(i);
        if (pid < 0)
            error("fork %d failed: %d", i, pid);
        expect(wait(-1, &status), pid);
        expect(status, i);
    }
    expect(wait(-1, &status), ERR_CHILD);

    pass("fork_basic");
    return 0;
}
