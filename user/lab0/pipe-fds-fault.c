/*
 * pipe-fds-fault: pipe() with a bad fds pointer compiles under osv's
 * flags and is ERR_FAULT, leaving no fd behind.
 *
 * lib/usyscall.h declares pipe(int *fds): were it pipe(int fds[2]), gcc
 * (11 on) would check every call against the array's size, and an osv
 * test's pipe(NULL) would stop the build under -Werror. So this file
 * compiling is half the test. It checks: NULL, an address below the
 * program, a kernel address and a pointer to the last 4 bytes of the
 * stack (the second int is past the top) are ERR_FAULT; the next open
 * still gets fd 2, so no fd of a refused pipe stayed open.
 */
#include <lib/test.h>

int
main(void)
{
    // Literal pointers, as a test writes them: gcc sees each one.
    int r;
    if ((r = pipe(NULL)) != ERR_FAULT)
        error("pipe(NULL) = %d, expected ERR_FAULT", r);
    if ((r = pipe((int *)0x100)) != ERR_FAULT)
        error("pipe(0x100) = %d, expected ERR_FAULT", r);
    if ((r = pipe((int *)KMAP_BASE)) != ERR_FAULT)
        error("pipe(KMAP_BASE) = %d, expected ERR_FAULT", r);
    int pid = fork();
    if (pid == 0) {
        // The last int of the stack: fds[1] would be at USTACK_UPPERBOUND.
        exit(pipe((int *)(USTACK_UPPERBOUND - sizeof(int))));
    }
    int status = 0;
    if (wait(pid, &status) != pid || status != ERR_FAULT)
        error("pipe straddling the stack top = %d, expected ERR_FAULT", status);

    int fd = open("/README", FS_RDONLY, EMPTY_MODE);
    if (fd != 2)
        error("open after the refused pipes = %d, expected fd 2", fd);
    close(fd);
    pass("pipe-fds-fault");
    exit(0);
}
