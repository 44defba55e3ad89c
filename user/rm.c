/*
 * rm: removes each named file (unlink). With -d first, empty directories
 * are removed too (rmdir); without it a directory is refused, as in Unix.
 * A failure prints "rm: NAME: ..." with the error code on fd 1 (osv
 * programs have no separate error output) and the rest are still tried;
 * exit status 1 if any failed. unlink's ERR_FTYPE is a directory, or a
 * file named as one (`rm README/`, `rm smallfile/x`): rm looks which.
 */
#include <lib/usyscall.h>
#include <lib/stdio.h>
#include <lib/string.h>
#include <lib/stdio-ext.h>
#include <lib/errstr.h>
#include <stdbool.h>

/* Whether path names a directory. */
static bool is_dir(const char *path)
{
    struct stat st;
    int fd = open(path, FS_RDONLY, EMPTY_MODE);
    if (fd < 0)
        return false;
    bool dir = fstat(fd, &st) == ERR_OK && st.ftype == FTYPE_DIR;
    close(fd);
    return dir;
}

int main(int argc, char **argv)
{
    int status = 0;
    bool dirs = argc > 1 && strcmp(argv[1], "-d") == 0;
    int first = dirs ? 2 : 1;

    if (argc <= first) {
        printf("usage: rm [-d] PATH...\n");
        return 1;
    }
    for (int i = first; i < argc; i++) {
        int err = unlink(argv[i]);
        if (err == ERR_FTYPE && dirs)
            err = rmdir(argv[i]);
        if (err == ERR_NOTEXIST)
            printf("rm: %s: no such file (error %d)\n", argv[i], err);
        else if (err == ERR_FTYPE && !dirs && is_dir(argv[i]))
            printf("rm: %s: is a directory (error %d; rm -d removes an empty one)\n",
                   argv[i], err);
        else if (err == ERR_FTYPE)
            printf("rm: %s: not a directory (error %d)\n", argv[i], err);
        else if (err == ERR_NOTEMPTY)
            printf("rm: %s: directory not empty (error %d)\n", argv[i], err);
        else if (err != ERR_OK)
            printf("rm: %s: cannot remove: %s (error %d)\n", argv[i], errstr(err), err);
        if (err != ERR_OK)
            status = 1;
    }
    return status;
}
