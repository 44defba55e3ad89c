/*
 * ln: `ln OLD NEW` gives the file OLD the second name NEW (a hard link;
 * directories cannot have one). A failure prints "ln: ..." with the error
 * code on fd 2 and exits with status 1.
 */
#include <lib/usyscall.h>
#include <lib/stdio.h>
#include <lib/stdio-ext.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        fdprintf(2, "usage: ln OLD NEW\n");
        return 1;
    }
    int err = link(argv[1], argv[2]);
    if (err == ERR_OK)
        return 0;
    if (err == ERR_NOTEXIST) {
        int fd = open(argv[1], FS_RDONLY, EMPTY_MODE);
        if (fd < 0) {
            fdprintf(2, "ln: %s: no such file (error %d)\n", argv[1], err);
        } else {
            close(fd);
            fdprintf(2, "ln: %s: no such directory (error %d)\n", argv[2], err);
        }
    } else if (err == ERR_EXIST)
        fdprintf(2, "ln: %s: already exists (error %d)\n", argv[2], err);
    else if (err == ERR_FTYPE)
        fdprintf(2, "ln: %s: is a directory, or a path goes through a file (error %d)\n",
                 argv[1], err);
    else
        fdprintf(2, "ln: %s -> %s: cannot link (error %d)\n", argv[1], argv[2], err);
    return 1;
}
