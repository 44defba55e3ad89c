/*
 * readdir-fault: readdir checks its dirent pointer first, as osv does
 * for every pointer: a bad one (NULL, the kernel, an address no region
 * covers) is ERR_FAULT whether the directory has entries left, is at its
 * end, or the fd is not a directory at all (a file, the console). A
 * failed readdir leaves the dirent as it was and does not move the
 * directory's offset.
 *
 * osv-rv used to look at the directory first: at the end it returned
 * ERR_END, and for a file or the console ERR_FTYPE, never touching the
 * bad pointer, so an osv test's readdir(fd, bad) after its listing loop
 * failed.
 */
#include <lib/test.h>
#include <lib/string.h>

#define PAGE 4096

int
main(void)
{
    struct dirent d, first;
    struct dirent *bad[] = {
        NULL,
        (struct dirent *)KMAP_BASE,
        (struct dirent *)(USTACK_UPPERBOUND - 64 * PAGE),
        (struct dirent *)0xf0000000,
    };
    int ret;

    int dir = open("/", FS_RDONLY, EMPTY_MODE);
    int file = open("/README", FS_RDONLY, EMPTY_MODE);
    if (dir < 0 || file < 0)
        error("open / and /README: %d %d", dir, file);

    // Entries left: ERR_FAULT, and the next good call still gets the first.
    for (int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if ((ret = readdir(dir, bad[i])) != ERR_FAULT)
            error("readdir(dir, %p) with entries left = %d", bad[i], ret);
    if (readdir(dir, &first) != ERR_OK || strcmp(first.name, "README") != 0)
        error("a failed readdir moved the offset: first entry '%s'", first.name);

    // At the end of the directory.
    while ((ret = readdir(dir, &d)) == ERR_OK)
        ;
    if (ret != ERR_END)
        error("listing / ended with %d", ret);
    for (int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if ((ret = readdir(dir, bad[i])) != ERR_FAULT)
            error("readdir(dir, %p) at the end = %d, expected ERR_FAULT", bad[i], ret);

    // Not a directory: the pointer is still checked first.
    int fds[] = {file, 0, 1};
    for (int j = 0; j < sizeof(fds) / sizeof(fds[0]); j++)
        for (int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
            if ((ret = readdir(fds[j], bad[i])) != ERR_FAULT)
                error("readdir(%d, %p) of a non-directory = %d", fds[j], bad[i], ret);

    // A failed readdir leaves the dirent as it was.
    memset(&d, 'x', sizeof(d));
    if (readdir(file, &d) != ERR_FTYPE || readdir(dir, &d) != ERR_END)
        error("readdir of a file, or past the end, with a good pointer");
    for (int i = 0; i < sizeof(d.name); i++)
        if (d.name[i] != 'x')
            error("a failed readdir changed the dirent");

    close(dir);
    close(file);
    pass("readdir-fault");
    exit(0);
}
