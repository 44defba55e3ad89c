/*
 * killed-line: a process the kernel kills leaves one console line that
 * begins `killed:` and names the pid, the program, the cause, the address
 * and the pc (docs/api.md), even when the program had printed part of a
 * line just before: a lab program that says "about to fault... " and then
 * touches NULL must not leave "about to fault... killed: ..." for a
 * grader that matches the line's start. The runner checks every killed:
 * line against that form (test/suite.py); this program makes the case
 * that once broke it, twice, and checks that each child died with -1.
 */
// test: expect-killed=2
#include <lib/test.h>

static int
fault_after(char *words)
{
    int pid = fork();
    if (pid < 0)
        error("fork failed: %d", pid);
    if (pid == 0) {
        int *volatile nowhere = NULL;
        printf("%s", words);            /* no newline: the line stays open */
        *nowhere = 1;
        exit(0);
    }
    int status = 0;
    if (wait(pid, &status) != pid)
        error("wait for the faulting child");
    return status;
}

int
main(void)
{
    if (fault_after("killed-line: about to fault... ") != -1)
        error("the child that touched NULL was not killed");
    if (fault_after("x") != -1)
        error("the second child that touched NULL was not killed");
    pass("killed-line");
    exit(0);
}
