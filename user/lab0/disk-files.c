/*
 * disk-files: the files osv programs expect on the disk. README is exactly
 * 150 bytes, testfile holds "abcdef\n", and the root directory lists
 * README, largefile, smallfile and testfile first, in that order, then
 * the programs init, sh, ls, cat and echo, in that order (docs/api.md).
 */
#include <lib/test.h>
#include <lib/string.h>

int
main(void)
{
    struct stat st;
    char buf[16];

    int fd = open("/README", FS_RDONLY, EMPTY_MODE);
    if (fd < 0 || fstat(fd, &st) != ERR_OK || st.ftype != FTYPE_FILE)
        error("README is not a file");
    if (st.size != 150)
        error("README is %d bytes, expected 150", (int)st.size);
    close(fd);

    fd = open("/testfile", FS_RDONLY, EMPTY_MODE);
    if (fd < 0)
        error("no /testfile: %d", fd);
    if (fstat(fd, &st) != ERR_OK || st.size != 7)
        error("testfile is not 7 bytes");
    if (read(fd, buf, sizeof(buf)) != 7 || memcmp(buf, "abcdef\n", 7) != 0)
        error("testfile does not hold abcdef and a newline");
    close(fd);

    const char *first[] = {"README", "largefile", "smallfile", "testfile",
                           "init", "sh", "ls", "cat", "echo"};
    struct dirent d;
    fd = open("/", FS_RDONLY, EMPTY_MODE);
    if (fd < 0)
        error("open /");
    for (int i = 0; i < 9; i++)
        if (readdir(fd, &d) != ERR_OK || strcmp(d.name, first[i]) != 0)
            error("entry %d of / is '%s', expected '%s'", i, d.name, first[i]);
    close(fd);

    pass("disk-files");
    exit(0);
}
