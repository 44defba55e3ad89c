/*
 * kill PID...: kills each process named (kill() in lib/proc-ext.h): it
 * exits with status -1. Exit status 1 if some could not be killed. A PID
 * is a decimal int, checked (parse_int): "2x" or 4294967298 is not pid 2.
 */
#include <lib/usyscall.h>
#include <lib/stdio.h>
#include <lib/string-ext.h>
#include <lib/proc-ext.h>
#include <lib/errstr.h>

int main(int argc, char **argv)
{
    int status = 0;
    if (argc < 2) {
        printf("usage: kill PID...\n");
        return 1;
    }
    for (int i = 1; i < argc; i++) {
        int pid;
        int err = parse_int(argv[i], &pid) ? kill(pid) : ERR_INVAL;
        if (err == ERR_OK)
            continue;
        status = 1;
        if (err == ERR_NOTEXIST)
            printf("kill: %s: no such process\n", argv[i]);
        else if (err == ERR_PERM)
            printf("kill: %s: not permitted (init cannot be killed)\n", argv[i]);
        else if (err == ERR_INVAL)
            printf("kill: %s: not a process id\n", argv[i]);
        else
            printf("kill: %s: %s\n", argv[i], errstr(err));
    }
    return status;
}
