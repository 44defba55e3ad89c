/*
 * kill PID...: kills each process named (kill() in lib/proc-ext.h): it
 * exits with status -1. Exit status 1 if some could not be killed.
 */
#include <lib/usyscall.h>
#include <lib/stdio.h>
#include <lib/string-ext.h>
#include <lib/proc-ext.h>
#include <lib/errstr.h>

/* Whether s is a decimal number (atoi would take "12x" as 12). */
static int is_number(const char *s)
{
    if (*s == '\0')
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

int main(int argc, char **argv)
{
    int status = 0;
    if (argc < 2) {
        printf("usage: kill PID...\n");
        return 1;
    }
    for (int i = 1; i < argc; i++) {
        int err = is_number(argv[i]) ? kill(atoi(argv[i])) : ERR_INVAL;
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
