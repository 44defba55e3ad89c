/*
 * ln: `ln OLD NEW` gives the file OLD the second name NEW (a hard link;
 * directories cannot have one). A failure prints "ln: ..." with the error
 * code on fd 1 (osv programs have no separate error output) and exits with
 * status 1.
 */
#include <lib/usyscall.h>
#include <lib/stdio.h>
#include <lib/stdio-ext.h>
#include <lib/errstr.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        printf("usage: ln OLD NEW\n");
        return 1;
    }
    int err = link(argv[1], argv[2]);
    if (err == ERR_OK)
        return 0;
    if (err == ERR_NOTEXIST) {
        int fd = open(argv[1], FS_RDONLY, EMPTY_MODE);
        if (fd < 0) {
            printf("ln: %s: no such file (error %d)\n", argv[1], err);
        } else {
            close(fd);
            printf("ln: %s: no such directory (error %d)\n", argv[2], err);
        }
    } else if (err == ERR_EXIST)
        printf("ln: %s: already exists (error %d)\n", argv[2], err);
    else if (err == ERR_FTYPE)
        printf("ln: %s -> %s: a directory, a path through a file, or a file's name "
               "ending in '/' (error %d)\n",
               argv[1], argv[2], err);
    else
        printf("ln: %s -> %s: cannot link: %s (error %d)\n", argv[1], argv[2], errstr(err),
               err);
    return 1;
}
