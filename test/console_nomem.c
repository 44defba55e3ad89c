/*
 * console_nomem: the helper of console_keys' "read without memory" step
 * (test/console_keys.py). A console read into a good buffer that has no
 * frame yet (a fresh heap page), with its first kernel allocation made to
 * fail (kalloc_fail), must be ERR_NOMEM having consumed nothing, as
 * docs/api.md promises of every read: the line typed is still there for
 * the next read. The kernel used to take the line out of the console's
 * buffer and then fail to copy it: the line was lost.
 *
 * It prints `nomem: ready`, the scenario types `first`; it arms the
 * failure and reads (ERR_NOMEM, at once or once `first` is typed), prints
 * `nomem: again`, the scenario types `second`, and the next two reads
 * must give `first` and `second`.
 */
// test: helper
#include "testlib.h"
#include <lib/bench.h>

#define PAGE 4096UL

static void expect_read(char *buf, const char *want)
{
    int n = read(0, buf, 100);
    if (n < 0)
        error("read = %d, expected \"%s\"", n, want);
    buf[n] = '\0';
    if (strcmp(buf, want) != 0)
        error("read \"%s\", expected \"%s\"", buf, want);
}

int main(void)
{
    char *heap = sbrk(2 * PAGE);
    if (heap == (char *)ERR_NOMEM)
        error("sbrk failed");
    char *buf = (char *)(((uintptr_t)heap + PAGE - 1) & ~(PAGE - 1));  /* untouched */
    printf("nomem: ready\n");
    kalloc_fail(1);                   /* the frame for buf's page */
    int n = read(0, buf, 100);
    kalloc_fail(0);
    if (n != ERR_NOMEM)
        error("read into a page with no frame to be had = %d, expected ERR_NOMEM", n);
    printf("nomem: again\n");
    expect_read(buf, "first\n");
    expect_read(buf, "second\n");
    pass("console_nomem");
    return 0;
}
