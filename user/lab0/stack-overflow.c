/*
 * stack-overflow: a lab program may recurse without end, to see the
 * kernel stop its stack at 10 pages, and may keep a local's address in a
 * global, to see how deep the stack went. osv's compilers took both
 * without a word; gcc 12 added -Winfinite-recursion and -Wdangling-pointer
 * to -Wall, so osv's flags here turn those two off (Makefile's
 * OSV_CFLAGS). This file compiling is half the test.
 *
 * It checks: a function's frame, whose local's address it keeps, is in
 * the stack's top page; a child that recurses without end is killed (status -1)
 * once its stack passes the limit, its deepest frame in the tenth page
 * below USTACK_UPPERBOUND (the killed: line it leaves is the expected
 * one).
 */
// test: expect-killed=1
#include <lib/test.h>

#define PAGE 4096

static char *deepest;
static int *mark;
static int report_fd;
static char pages_reported;

// Each call's frame is about 300 bytes; a call whose frame reaches a new
// page of the stack says so through the pipe, one byte: the page's index
// below USTACK_UPPERBOUND (0 is the top page).
static void
recurse(int depth)
{
    char frame[256];
    frame[0] = (char)depth;
    deepest = frame;
    char page = (char)((USTACK_UPPERBOUND - (unsigned long)deepest) / PAGE);
    if (page > pages_reported) {
        pages_reported = page;
        write(report_fd, &page, 1);
    }
    recurse(depth + 1);
}

// Where a frame near the top of the stack lies (its local is gone after
// the return; only its address is kept).
static void
mark_frame(void)
{
    int here = 0;
    mark = &here;
}

int
main(void)
{
    mark_frame();
    if ((unsigned long)mark >= USTACK_UPPERBOUND || (unsigned long)mark < USTACK_UPPERBOUND - PAGE)
        error("main's callee's frame is at %p, not in the stack's top page", mark);
    int fds[2];
    if (pipe(fds) != ERR_OK)
        error("pipe");
    int pid = fork();
    if (pid == 0) {
        close(fds[0]);
        report_fd = fds[1];
        recurse(0);
    }
    close(fds[1]);
    int status = 0;
    if (wait(pid, &status) != pid || status != -1)
        error("the endless recursion ended with status %d, expected -1 (killed)", status);
    char page, deepest_page = 0;
    while (read(fds[0], &page, 1) == 1)
        deepest_page = page;
    if (deepest_page != 9)
        error("the recursion's deepest frame was in stack page %d, expected 9 (the tenth)",
              deepest_page);
    pass("stack-overflow");
    exit(0);
}
