/*
 * echo-status: echo exits with its argument count, argc (its own name
 * included), as osv's does. (That the shell prints nothing about a
 * non-zero status, test/sh_script checks: its output is compared whole.)
 */
#include <lib/test.h>

static int
run(char *cmd)
{
    int status = -100;
    int pid = spawn(cmd);
    if (pid < 0)
        error("spawn(%s) = %d", cmd, pid);
    if (wait(pid, &status) != pid)
        error("wait for %s", cmd);
    return status;
}

int
main(void)
{
    int s;
    if ((s = run("echo")) != 1)
        error("echo alone exited %d, expected argc = 1", s);
    if ((s = run("echo echo-status: one")) != 3)
        error("echo with 2 arguments exited %d, expected argc = 3", s);
    if ((s = run("echo echo-status: a b c")) != 5)
        error("echo with 4 arguments exited %d, expected argc = 5", s);
    pass("echo-status");
    exit(0);
}
