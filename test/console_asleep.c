/*
 * console_asleep: a helper of console_keys (test/console_keys.py), run in
 * the background (`console_asleep sleep &`) just before the scenario types
 * a foreground `sleep 100`. It tells the scenario, on the console, the
 * moment that sleep is really asleep as the console's foreground job, so
 * the Ctrl-C typed next meets a command the shell has started and made its
 * job, blocked in sleep(): the case the steps test, and not the Ctrl-C
 * typed ahead of a command (a step of its own). A blind half second stood
 * here, which a loaded host could outlast and an idle one wasted.
 *
 * `console_asleep NAME` polls proc_list every 5 ms until a process named
 * NAME started after it (a higher pid: pids are handed out in increasing
 * order, kernel/proc/proc.c) sleeps (PROC_INFO_SLEEPING) as the leader of
 * a job the shell's setfg has made the foreground (proc_job_foreground,
 * testlib.h: its job id alone came before the foreground did), and prints
 * `asleep: NAME pid N`. Its
 * own pid is taken before the shell's prompt comes back, so the `sleep`
 * typed at that prompt is newer however late this process first looks.
 * After ~10 s without one it fails (`ERROR`), and the scenario's wait for
 * its line fails too.
 */
// test: helper
#include "testlib.h"
#include <lib/proc-ext.h>

int main(int argc, char **argv)
{
    if (argc != 2)
        error("usage: console_asleep NAME");
    int me = getpid();
    for (int tries = 0; tries < 2000; tries++) {
        int n = proc_list_all();
        for (int i = 0; i < n; i++) {
            struct proc_info *p = &proc_list_buf[i];
            if (p->pid > me && p->state == PROC_INFO_SLEEPING && strcmp(p->name, argv[1]) == 0 &&
                proc_job_foreground(n, p->pid)) {
                printf("asleep: %s pid %d\n", argv[1], p->pid);
                return 0;
            }
        }
        msleep(5);
    }
    error("no %s newer than pid %d asleep leading its own job after 10 s", argv[1], me);
    return 1;
}
