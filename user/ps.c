/*
 * ps: lists every process: pid, parent, job (Ctrl-C kills the console's
 * foreground job), state and program name, in pid order, from
 * proc_list() (lib/proc-ext.h). ps itself is among them, running.
 */
#include <lib/usyscall.h>
#include <lib/stdio.h>
#include <lib/malloc.h>
#include <lib/proc-ext.h>
#include <lib/errstr.h>

/* The word ps prints for a PROC_INFO_* state. */
static const char *state_name(int state)
{
    switch (state) {
    case PROC_INFO_RUNNING: return "running";
    case PROC_INFO_READY: return "ready";
    case PROC_INFO_SLEEPING: return "sleeping";
    case PROC_INFO_ZOMBIE: return "zombie";
    default: return "?";
    }
}

int main(void)
{
    /* A buffer that holds them all: grown until the list comes back short. */
    int max = 64, n;
    struct proc_info *procs;
    for (;;) {
        procs = malloc(max * sizeof(*procs));
        if (procs == NULL) {
            printf("ps: out of memory\n");
            return 1;
        }
        n = proc_list(procs, max);
        if (n < max)
            break;
        free(procs);
        max *= 2;
    }
    if (n < 0) {
        printf("ps: %s\n", errstr(n));
        return 1;
    }
    printf("  PID  PPID   JOB STATE    NAME\n");
    for (int i = 0; i < n; i++)
        printf("%5d %5d %5d %-8s %s\n", procs[i].pid, procs[i].parent, procs[i].job,
               state_name(procs[i].state), procs[i].name);
    return 0;
}
