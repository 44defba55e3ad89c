/*
 * fstat-dev: fstat describes files and directories only. The console and
 * the ends of a pipe are ERR_INVAL; a bad stat pointer is ERR_FAULT
 * whatever the fd, the pointer being checked before the kind of file.
 */
#include <lib/test.h>

#define PAGE 4096

int
main(void)
{
    struct stat st;

    if (fstat(0, &st) != ERR_INVAL || fstat(1, &st) != ERR_INVAL)
        error("fstat of the console was not ERR_INVAL");

    int p[2];
    if (pipe(p) != ERR_OK)
        error("pipe failed");
    if (fstat(p[0], &st) != ERR_INVAL || fstat(p[1], &st) != ERR_INVAL)
        error("fstat of a pipe end was not ERR_INVAL");

    // NULL, the kernel, and user addresses no region covers: far below
    // the stack (outside its growth window) and just past its top.
    struct stat *bad[] = {
        NULL,
        (struct stat *)KMAP_BASE,
        (struct stat *)(USTACK_UPPERBOUND - 64 * PAGE),
        (struct stat *)USTACK_UPPERBOUND,
    };
    int fds[] = {0, 1, p[0], p[1]};
    for (int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        for (int j = 0; j < sizeof(fds) / sizeof(fds[0]); j++)
            if (fstat(fds[j], bad[i]) != ERR_FAULT)
                error("fstat(%d, %p) was not ERR_FAULT", fds[j], bad[i]);
    close(p[0]);
    close(p[1]);

    // Files and directories still work.
    int fd = open("/smallfile", FS_RDONLY, EMPTY_MODE);
    if (fd < 0 || fstat(fd, &st) != ERR_OK || st.ftype != FTYPE_FILE || st.size != 26)
        error("fstat of /smallfile");
    if (fstat(fd, NULL) != ERR_FAULT)
        error("fstat of a file into NULL was not ERR_FAULT");
    close(fd);
    fd = open("/", FS_RDONLY, EMPTY_MODE);
    if (fd < 0 || fstat(fd, &st) != ERR_OK || st.ftype != FTYPE_DIR)
        error("fstat of /");
    close(fd);

    pass("fstat-dev");
    exit(0);
}
