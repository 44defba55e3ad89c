/*
 * hostile_proc: processes, pipes and shared regions as a hostile program
 * pushes them, in one quick pass (what earlier tests did not reach):
 *   - wait on pid 0, -2 and INT_MIN: ERR_CHILD; kill of INT_MIN: ERR_INVAL;
 *   - 64-bit values where a call takes an int (raw ecalls): the upper
 *     half is dropped, as the C prototype's int would, never read as a
 *     huge count or pid: exit(0x7fffffff80000000) is status INT_MIN,
 *     close(2^32 + 77) closes fd 77 (none: ERR_INVAL), dup(2^32) dups
 *     fd 0, wait(2^33 - 1) is wait(-1), sbrk(2^32) is sbrk(0);
 *   - 400 zombies at once, every status reaped;
 *   - a pipe write larger than the pipe whose reader takes 100 bytes and
 *     exits: the write returns what went in (no hang), the next ERR_END;
 *   - a shrink refused (ERR_INVAL) under a fork child's live view, and
 *     the child then stores to its view's last word and waits on it
 *     there (ERR_TIMEDOUT, the word intact) after the parent unmapped
 *     and destroyed the region;
 *   - shm_list into NULL while a region exists: ERR_FAULT.
 */
// test: timeout=30
#include "testlib.h"
#include <lib/proc-ext.h>
#include <lib/shm.h>
#include <lib/syscall-num.h>

#define ZOMBIES 400
#define PIPE_BYTES 4096                /* one page: pipe_basic's "at least a page" */

static void bad_pids(void)
{
    expect(wait(0, NULL), ERR_CHILD);
    expect(wait(-2, NULL), ERR_CHILD);
    expect(wait(-2147483647 - 1, NULL), ERR_CHILD);
    expect(kill(-2147483647 - 1), ERR_INVAL);
}

static void wide_arguments(void)
{
    int pid = fork_ok();
    if (pid == 0)
        raw_call(SYS_exit, 0x7fffffff80000000L);
    expect_exit(pid, -2147483647 - 1);
    expect(raw_call(SYS_close, (1L << 32) + 77), ERR_INVAL);
    int fd = raw_call(SYS_dup, 1L << 32);
    expect(fd >= 2, 1);
    expect(close(fd), ERR_OK);
    expect(raw_call(SYS_wait, (1L << 33) - 1), ERR_CHILD);
    void *brk = sbrk(0);
    expect(raw_call(SYS_sbrk, 1L << 32), (long)brk);
    expect((long)sbrk(0), (long)brk);
}

static void many_zombies(void)
{
    for (int i = 0; i < ZOMBIES; i++) {
        int pid = fork();
        if (pid < 0)
            error("fork %d = %d", i, pid);
        if (pid == 0)
            exit(i);
    }
    long sum = 0;
    for (int i = 0; i < ZOMBIES; i++) {
        int status = -1;
        if (wait(-1, &status) <= 0)
            error("wait %d failed", i);
        sum += status;
    }
    expect(sum, (long)ZOMBIES * (ZOMBIES - 1) / 2);
    expect(wait(-1, NULL), ERR_CHILD);
}

static void pipe_reader_leaves(void)
{
    static char big[16 * PIPE_BYTES];
    int fds[2];
    expect(pipe(fds), ERR_OK);
    int pid = fork_ok();
    if (pid == 0) {
        char b[100];
        close(fds[1]);
        exit(read(fds[0], b, sizeof(b)));
    }
    expect(close(fds[0]), ERR_OK);
    ssize_t w = write(fds[1], big, sizeof(big));
    if (w < PIPE_BYTES || w > PIPE_BYTES + 100)
        error("write into a pipe whose reader left = %ld", (long)w);
    expect(write(fds[1], big, 1), ERR_END);
    expect(close(fds[1]), ERR_OK);
    expect_exit(pid, 100);
}

static void shrink_under_child_view(void)
{
    int *view;
    shm_destroy("hostile_proc");
    expect(shm_create("hostile_proc", 2 * 4096, RS_DEFAULT), ERR_OK);
    expect(shm_map("hostile_proc", (void **)&view, SHM_READ | SHM_WRITE), ERR_OK);
    int go[2];
    expect(pipe(go), ERR_OK);
    int pid = fork_ok();
    if (pid == 0) {
        char c;
        close(go[1]);
        if (read(go[0], &c, 1) != 1)
            exit(1);
        int *last = &view[2 * 4096 / sizeof(int) - 1];
        *last = 7;
        int r = futex(last, FUTEX_WAIT, 7, 10);
        exit(r == ERR_TIMEDOUT && *last == 7 ? 0 : 2);
    }
    expect(close(go[0]), ERR_OK);
    expect(shm_resize("hostile_proc", 4096), ERR_INVAL);
    expect(shm_unmap("hostile_proc", view), ERR_OK);
    expect(shm_resize("hostile_proc", 4096), ERR_INVAL);   /* the child's view */
    expect(shm_destroy("hostile_proc"), ERR_OK);
    expect(write(go[1], "g", 1), 1);
    expect(close(go[1]), ERR_OK);
    expect_exit(pid, 0);
}

static void shm_list_null(void)
{
    expect(shm_create("hostile_list", 4096, RS_DEFAULT), ERR_OK);
    expect(shm_list(NULL, 1), ERR_FAULT);
    expect(shm_destroy("hostile_list"), ERR_OK);
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    bad_pids();
    wide_arguments();
    many_zombies();
    pipe_reader_leaves();
    shrink_under_child_view();
    shm_list_null();
    pass("hostile_proc");
    return 0;
}
