/*
 * init: the first user process. It starts the shell, then reaps every
 * process that exits as its child, which includes every orphan the kernel
 * hands it (background jobs, children of exited parents). When the shell
 * itself exits, init starts a new one.
 *
 * The kernel starts init with fds 0 and 1 open on the console; the shell
 * and everything it runs inherit them.
 */
#include <lib/usyscall.h>
#include <lib/stdio.h>
#include <lib/errstr.h>

static int start_shell(void)
{
    for (;;) {
        int pid = spawn("sh");
        if (pid >= 0)
            return pid;
        printf("init: cannot start sh: %s\n", errstr(pid));
        sleep(1);
    }
}

int main(void)
{
    int shell = start_shell();

    for (;;) {
        int status;
        int pid = wait(-1, &status);
        if (pid < 0) {                  /* no children: cannot happen while sh runs */
            sleep(1);
            continue;
        }
        if (pid == shell) {
            printf("init: sh (pid %d) exited with status %d, starting a new one\n",
                   pid, status);
            shell = start_shell();
        }
    }
}
