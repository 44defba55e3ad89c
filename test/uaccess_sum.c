/*
 * uaccess_sum: the kernel's user-copy helpers fault, sleep and are
 * preempted in the middle of a copy, in many processes at once, and every
 * copy still moves the right bytes; the helpers' permission to touch user
 * memory (sstatus.SUM) never outlives the copy. The scheduler panics when
 * a thread gives up its hart with SUM set (kernel/proc/sched.c): before
 * trap entry cleared SUM (kernel/arch/riscv/trapvec.S), a copy interrupted
 * by the timer, or sleeping in its page fault, did just that, and left
 * whatever ran next on the hart free to touch user memory.
 *
 * CHILDREN processes (more than the harts) each run ROUNDS rounds. In a
 * round the child writes /largefile to a pipe from a fresh private mapping
 * of it, so copy_from_user faults on every page and each is filled from
 * the file, while a forked grandchild reads the pipe into a buffer it
 * shares copy-on-write with the child, so copy_to_user breaks the sharing
 * page by page; the grandchild then reads /largefile into an untouched
 * stack array, so the stack grows under copy_to_user.
 */
// test: timeout=120
#include "testlib.h"
#include <lib/mman.h>

#define PAGE 4096
#define LEN 20480             /* /largefile: LEN bytes of 'a' */
#define CHILDREN 8
#define ROUNDS 30

static char shared_buf[LEN];  /* copy-on-write between child and grandchild */

/* Step numbers a failing grandchild exits with. */
enum { OK, SHORT_PIPE, BAD_PIPE_BYTE, SHORT_STACK_READ, BAD_STACK_BYTE };

static int all_a(const char *buf, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (buf[i] != 'a')
            return 0;
    return 1;
}

__attribute__((noinline)) static int read_into_stack(void)
{
    char buf[LEN + PAGE];                 /* untouched: the kernel writes first */
    int fd = open_ok("/largefile", FS_RDONLY);
    size_t n = read_all(fd, buf, sizeof(buf));
    close(fd);
    if (n != LEN)
        return SHORT_STACK_READ;
    return all_a(buf, LEN) ? OK : BAD_STACK_BYTE;
}

/* The grandchild: the pipe into the copy-on-write buffer, then the stack. */
static int reader(int fd)
{
    if (read_all(fd, shared_buf, LEN) != LEN)
        return SHORT_PIPE;
    if (!all_a(shared_buf, LEN))
        return BAD_PIPE_BYTE;
    return read_into_stack();
}

static void round_trip(int round)
{
    int fds[2];
    expect(pipe(fds), ERR_OK);
    int pid = fork();
    if (pid < 0)
        error("round %d: fork = %d", round, pid);
    if (pid == 0) {
        close(fds[1]);
        exit(reader(fds[0]));
    }
    close(fds[0]);
    int fd = open_ok("/largefile", FS_RDONLY);
    char *map = NULL;
    expect(mmap(fd, 0, LEN, SHM_READ, MAP_PRIVATE, (void **)&map), ERR_OK);
    close(fd);
    write_all(fds[1], map, LEN);          /* every page faults in the copy */
    expect(munmap(map, LEN), ERR_OK);
    close(fds[1]);
    int status = -1;
    expect(wait(pid, &status), pid);
    if (status != OK)
        error("round %d: the reader failed at step %d", round, status);
}

static void child(int unused)
{
    (void)unused;
    for (int r = 0; r < ROUNDS; r++)
        round_trip(r);
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    memset(shared_buf, 'x', sizeof(shared_buf));   /* mapped in every child */
    int pids[CHILDREN];
    for (int c = 0; c < CHILDREN; c++)
        pids[c] = fork_worker(child, 0);
    for (int c = 0; c < CHILDREN; c++)
        expect_exit(pids[c], 0);
    pass("uaccess_sum: %d processes x %d rounds of faulting copies", CHILDREN, ROUNDS);
    return 0;
}
