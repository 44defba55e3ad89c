/*
 * fork-bomb: fork until memory runs out. fork must then fail with
 * ERR_NOMEM (no panic, no hang, no fixed limit far below memory), every
 * child must be reapable, and every frame must come back (the runner
 * checks free_pages).
 *
 * The children block reading a pipe until the parent closes its end. The
 * forking, the release and the reaping are one block of assembly that
 * writes no memory: after a fork every writable page is shared
 * copy-on-write, so a store by either side needs a fresh frame, and with
 * memory full that store would kill the process (a `killed:` line) rather
 * than test fork. Once every child is reaped, memory is free again and the
 * C code may store as it likes.
 *
 * It runs on a machine of 64 MiB (mem=): the count of children grows with
 * memory, and 256 MiB's 6,600 took six seconds of make test to show what
 * 64 MiB's 1,700 show in under one.
 */
// test: timeout=120 mem=64M
#include <lib/test.h>
#include <lib/stddef.h>
#include <lib/syscall-num.h>

#define CHILD_STATUS 7
/* Children that must fit: one per FRAMES_PER_CHILD free frames (a child
 * takes about 10: 2,500 in 256 MiB), so no fixed limit far below memory. */
#define FRAMES_PER_CHILD 24

int
main(void)
{
    struct sys_info si;
    info(&si);
    long at_least = (long)(si.free_pages / FRAMES_PER_CHILD);
    int fds[2];
    if (pipe(fds) != 0)
        error("pipe");

    long err, forked, reaped, wait_err;
    register long rfd asm("s2") = fds[0];
    register long wfd asm("s3") = fds[1];
    asm volatile(
        "    li   t0, 0\n"              // children forked
        "1:  li   a7, %[sys_fork]\n"
        "    ecall\n"
        "    bltz a0, 3f\n"             // fork failed: a0 holds the error
        "    beqz a0, 2f\n"             // the child
        "    addi t0, t0, 1\n"
        "    j    1b\n"
        // Child: close the write end, block on the read end until every
        // write end is closed (read returns 0, writes nothing), exit.
        "2:  mv   a0, %[wfd]\n"
        "    li   a7, %[sys_close]\n"
        "    ecall\n"
        "    mv   a0, %[rfd]\n"
        "    mv   a1, sp\n"
        "    li   a2, 1\n"
        "    li   a7, %[sys_read]\n"
        "    ecall\n"
        "    li   a0, %[status]\n"
        "    li   a7, %[sys_exit]\n"
        "    ecall\n"
        // Parent: release the children, then reap them with no status
        // pointer (wait would store into a copy-on-write page).
        "3:  mv   t3, a0\n"             // fork's error
        "    mv   a0, %[wfd]\n"
        "    li   a7, %[sys_close]\n"
        "    ecall\n"
        "    li   t1, 0\n"              // children reaped
        "    li   t2, 0\n"              // first wait error, if any
        "4:  bge  t1, t0, 6f\n"
        "    li   a0, -1\n"
        "    li   a1, 0\n"
        "    li   a7, %[sys_wait]\n"
        "    ecall\n"
        "    bltz a0, 5f\n"
        "    addi t1, t1, 1\n"
        "    j    4b\n"
        "5:  mv   t2, a0\n"
        "6:  mv   %[err], t3\n"
        "    mv   %[forked], t0\n"
        "    mv   %[reaped], t1\n"
        "    mv   %[wait_err], t2\n"
        : [err] "=r"(err), [forked] "=r"(forked), [reaped] "=r"(reaped),
          [wait_err] "=r"(wait_err)
        : [rfd] "r"(rfd), [wfd] "r"(wfd), [sys_fork] "i"(SYS_fork),
          [sys_close] "i"(SYS_close), [sys_read] "i"(SYS_read), [sys_exit] "i"(SYS_exit),
          [sys_wait] "i"(SYS_wait), [status] "i"(CHILD_STATUS)
        : "a0", "a1", "a2", "a7", "t0", "t1", "t2", "t3", "memory");

    printf("fork-bomb: %ld children before fork failed\n", forked);
    if (err != ERR_NOMEM)
        error("fork failed with %ld, not ERR_NOMEM", err);
    if (forked < at_least)
        error("only %ld children fit in %ld free frames, expected at least %ld", forked,
              (long)si.free_pages, at_least);
    if (wait_err != 0)
        error("wait failed with %ld after %ld of %ld children", wait_err, reaped, forked);
    if (reaped != forked)
        error("reaped %ld of %ld children", reaped, forked);
    if (wait(-1, NULL) != ERR_CHILD)
        error("a child is left after reaping all");
    close(fds[0]);

    // Memory is back: a fork works again and its child's status arrives.
    int pid = fork();
    if (pid == 0)
        exit(CHILD_STATUS);
    if (pid < 0)
        error("fork after the bomb = %d", pid);
    int status = -1;
    if (wait(pid, &status) != pid || status != CHILD_STATUS)
        error("child after the bomb: status %d", status);
    pass("fork-bomb");
    exit(0);
}
