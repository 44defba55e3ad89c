/*
 * stack_growth: the user stack grows on demand up to 10 pages and no more.
 *
 * A function with an 8-page local array touches it lowest page first (the
 * fault is well below the current stack bottom but inside the 10-page
 * window, so it must be served, not killed); another has the kernel fill
 * an untouched stack array through read(), so the copy-out helper must
 * grow the stack through the normal fault path. Then two children touch
 * what they must not: the page below the 10-page limit, and the page at
 * USTACK_UPPERBOUND (the byte at it is unmapped); each is killed.
 */
// test: expect-killed=2
#include "testlib.h"
#include <lib/layout.h>

#define PAGE 4096
#define BIG_PAGES 8           /* plus the frames above it: within 10 pages */

__attribute__((noinline)) static int deep_array(void)
{
    volatile char big[BIG_PAGES * PAGE];
    /* Lowest page first: several pages below anything touched so far. */
    for (int p = 0; p < BIG_PAGES; p++)
        big[p * PAGE] = (char)(p + 1);
    for (int p = 0; p < BIG_PAGES; p++)
        big[p * PAGE + PAGE - 1] = (char)(p + 2);
    int sum = 0;
    for (int p = 0; p < BIG_PAGES; p++)
        sum += big[p * PAGE] + big[p * PAGE + PAGE - 1];
    return sum;
}

__attribute__((noinline)) static int read_into_stack(void)
{
    char buf[5 * PAGE + 100];             /* untouched: the kernel writes first */
    int fd = open_ok("/largefile", FS_RDONLY);
    ssize_t n = read(fd, buf, sizeof(buf));
    close(fd);
    if (n != 20480)
        error("read into the stack = %ld, expected 20480", (long)n);
    for (int i = 0; i < 20480; i++)
        if (buf[i] != 'a')
            error("stack buffer byte %d = %d", i, buf[i]);
    return 0;
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    int want = 0;
    for (int p = 0; p < BIG_PAGES; p++)
        want += (p + 1) + (p + 2);

    expect(deep_array(), want);
    expect(deep_array(), want);           /* again: the pages stay */
    expect(read_into_stack(), 0);

    /* A forked child has the grown stack too. */
    int pid = fork();
    if (pid == 0)
        exit(deep_array() == want ? 0 : 1);
    int status = -1;
    expect(wait(pid, &status), pid);
    expect(status, 0);

    expect_killed(USTACK_UPPERBOUND - (USTACK_PAGES + 1) * PAGE, STORE,
                  "store below the 10-page stack limit");
    expect_killed(USTACK_UPPERBOUND, STORE, "store at USTACK_UPPERBOUND");

    pass("stack_growth");
    return 0;
}
