/*
 * init: the first user process. It starts the shell, then reaps every
 * process that exits as its child, which includes every orphan the kernel
 * hands it (background jobs, children of exited parents). When the shell
 * itself exits, init starts a new one.
 *
 * The kernel starts init with fds 0 and 1 open on the console; the shell
 * and everything it runs inherit them.
 *
 * init is on the disk like any program, so it can be typed at the prompt:
 * it then refuses to run (status 1). A second init would start a second
 * shell on the console, which Ctrl-C does not reach, which restarts
 * whenever it exits, and which shares the console's input with the first
 * once the second init is killed.
 */
#include <lib/usyscall.h>
#include <lib/stdio.h>
#include <lib/errstr.h>

/* Spawns a shell, retrying each second while that fails (no memory, say):
 * the console must never be left without one. Returns its pid. */
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
    if (getpid() != 1) {
        printf("init: not pid 1: the system's init is already running (sh starts another shell)\n");
        return 1;
    }
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
