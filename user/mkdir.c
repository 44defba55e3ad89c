/*
 * mkdir: makes each named directory, in order (so `mkdir a a/b` works).
 * A failure prints "mkdir: NAME: ..." with the error code on fd 1 (osv
 * programs have no separate error output) and the rest are still tried;
 * exit status 1 if any failed.
 */
#include <lib/usyscall.h>
#include <lib/stdio.h>
#include <lib/stdio-ext.h>
#include <lib/errstr.h>

int main(int argc, char **argv)
{
    int status = 0;

    if (argc < 2) {
        printf("usage: mkdir DIR...\n");
        return 1;
    }
    for (int i = 1; i < argc; i++) {
        int err = mkdir(argv[i]);
        if (err == ERR_EXIST)
            printf("mkdir: %s: already exists (error %d)\n", argv[i], err);
        else if (err == ERR_NOTEXIST)
            printf("mkdir: %s: no such parent directory (error %d)\n", argv[i], err);
        else if (err != ERR_OK)
            printf("mkdir: %s: cannot create: %s (error %d)\n", argv[i], errstr(err), err);
        if (err != ERR_OK)
            status = 1;
    }
    return status;
}
