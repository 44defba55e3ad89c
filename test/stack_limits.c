/*
 * stack_limits: the exact shape of stack growth (stack_growth.c covers
 * growth by a big local array, a copy-out into the stack, and one touch
 * below the limit and one at USTACK_UPPERBOUND; this test complements it).
 *
 * A new process has one stack page: each of the pages 2 to 10 below
 * USTACK_UPPERBOUND takes exactly one fault and one frame on its first
 * touch, loads as well as stores, also when page 10 is touched before the
 * pages between; touching them again takes none (except a store to a
 * page shared read-only with an earlier child: one fault, no copy).
 * Kernel writes into not-yet-grown stack pages (info, read, pipe filling
 * a buffer there) grow the stack; a kernel write below the limit is
 * ERR_FAULT, not a kill. A user access to the 11th page (its last word,
 * or far below) or at or above USTACK_UPPERBOUND kills, and so does plain
 * runaway recursion.
 */
// test: expect-killed=6
#include "vmlib.h"
#include <lib/layout.h>

#define LIMIT 10                           /* stack pages (docs/api.md) */
#define STACK_PAGE(k) ((char *)USTACK_UPPERBOUND - (k) * PAGE)   /* k = 1: the top page */

/* One access at addr; returns the faults it took (sysinfo pre-writes its
 * struct, so only the access is inside the window). */
static long faults_of(char *addr, enum how how)
{
    long f0 = pgfaults();
    access_address((uintptr_t)addr, how);
    return pgfaults() - f0;
}

static void first_touch(int k, enum how how)
{
    long f = free_pages();
    long faults = faults_of(STACK_PAGE(k) + 64, how);
    if (faults != 1)
        error("first touch of stack page %d took %ld faults, expected 1", k, faults);
    if (f - free_pages() != 1)
        error("first touch of stack page %d used %ld frames, expected 1", k, f - free_pages());
}

/* Children that make the kernel write below the stack bottom (the stack
 * has two pages when they are forked). */
static int info_grows(void)
{
    struct sys_info *si = (struct sys_info *)(STACK_PAGE(9) + 128);
    info(si);
    if (si->total_pages == 0 || si->free_pages == 0 || si->free_pages > si->total_pages)
        return 1;
    return 0;
}

static int read_grows(void)
{
    char *buf = STACK_PAGE(LIMIT);               /* pages 10 to 6 */
    int fd = open("/largefile", FS_RDONLY, EMPTY_MODE);
    if (fd < 0)
        return 1;
    if (read(fd, buf, 20480) != 20480)
        return 2;
    for (int i = 0; i < 20480; i++)
        if (buf[i] != 'a')
            return 3;
    close(fd);
    return 0;
}

static int pipe_grows(void)
{
    int *fds = (int *)(STACK_PAGE(7) + 8);
    if (pipe(fds) != ERR_OK)
        return 1;
    if (write(fds[1], "ok", 2) != 2)
        return 2;
    char b[2];
    if (read(fds[0], b, 2) != 2 || b[0] != 'o' || b[1] != 'k')
        return 3;
    close(fds[0]);
    close(fds[1]);
    return 0;
}

static int read_below_limit_faults(void)
{
    int fd = open("/largefile", FS_RDONLY, EMPTY_MODE);
    if (fd < 0)
        return 1;
    if (read(fd, STACK_PAGE(LIMIT + 1), 16) != ERR_FAULT)
        return 2;
    if (read(fd, STACK_PAGE(LIMIT + 1) + PAGE - 8, 16) != ERR_FAULT)   /* straddles the limit */
        return 3;
    if (read(fd, (char *)USTACK_UPPERBOUND - 8, 16) != ERR_FAULT)      /* straddles the top */
        return 4;
    struct sys_info si;
    memset(&si, 0, sizeof(si));
    info((struct sys_info *)STACK_PAGE(LIMIT + 1));                   /* must not kill */
    close(fd);
    return 0;
}

/* Each frame holds a 1 KiB array: 10 pages are gone after ~40 calls. */
__attribute__((noinline)) static long recurse(long depth)
{
    volatile char pad[1024];
    pad[0] = (char)depth;
    if (depth > 100000)
        return pad[0];
    return recurse(depth + 1) + pad[0];
}

static int run_away(void)
{
    recurse(0);
    return 1;
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;

    /* A fresh process has only the top page: page 2 takes a fault. */
    first_touch(2, LOAD);

    /* The stack has two pages now; children make the kernel grow it. */
    in_child(info_grows, "info() into stack page 9");
    in_child(read_grows, "read() into stack pages 10 to 6");
    in_child(pipe_grows, "pipe() into stack page 7");
    in_child(read_below_limit_faults, "kernel writes below the limit");
    expect_killed((uintptr_t)STACK_PAGE(LIMIT + 1), STORE,
                  "store to the 11th page of a two-page stack");

    /* Page 10 before the pages between it and the bottom; then those. */
    long f = free_pages();
    first_touch(LIMIT, STORE);
    for (int k = 3; k < LIMIT; k++)
        first_touch(k, k % 2 ? LOAD : STORE);
    expect(f - free_pages(), LIMIT - 2);
    long copies = cow_copies();
    for (int k = 1; k <= LIMIT; k++)
        expect(faults_of(STACK_PAGE(k) + 64, LOAD), 0);
    /* Page 2 was shared read-only with the children: the first store
     * after they are gone makes it writable (one fault, no copy). */
    for (int k = 1; k <= LIMIT; k++)
        expect(faults_of(STACK_PAGE(k) + PAGE - 8, STORE), k == 2 ? 1 : 0);
    expect(cow_copies(), copies);
    expect(free_pages(), f - (LIMIT - 2));

    /* One past the limit, far below it, and above the top: killed. */
    expect_killed((uintptr_t)STACK_PAGE(LIMIT) - 8, LOAD, "load from the 11th page's last word");
    expect_killed((uintptr_t)STACK_PAGE(64), STORE, "store 64 pages below the top");
    expect_killed(USTACK_UPPERBOUND, LOAD, "load at USTACK_UPPERBOUND");
    expect_killed(USER_TOP - 8, STORE, "store to the last user word");
    expect(child_status(run_away), -1);

    pass("stack_limits: one page at start, grows to %d, kernel writes grow it", LIMIT);
    return 0;
}
