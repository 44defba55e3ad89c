/*
 * mkdir-root: the root is a directory that exists, so the calls that
 * make a name answer for "/" as for "/." or any existing directory, not
 * ERR_INVAL (an argument the call cannot take; they did before).
 * mkdir("/") and link(file, "/") are ERR_EXIST, as for "/." and as on
 * Unix; open("/", FS_RDONLY | FS_CREAT) opens the root, as it opens any
 * existing directory read-only, and with FS_RDWR it is ERR_FTYPE; "//"
 * is "/". None of them makes anything: the root lists the same entries
 * afterwards.
 */
#include <lib/test.h>
#include <lib/string.h>

/* The number of entries readdir lists in /. */
static int
root_entries(void)
{
    struct dirent d;
    int n = 0;
    int fd = open("/", FS_RDONLY, EMPTY_MODE);
    if (fd < 0)
        error("open / = %d", fd);
    while (readdir(fd, &d) == ERR_OK)
        n++;
    close(fd);
    return n;
}

int
main(void)
{
    int r;
    int before = root_entries();

    if ((r = mkdir("/.")) != ERR_EXIST)
        error("mkdir(\"/.\") = %d, expected ERR_EXIST", r);
    if ((r = mkdir("/")) != ERR_EXIST)
        error("mkdir(\"/\") = %d, expected ERR_EXIST", r);
    if ((r = mkdir("//")) != ERR_EXIST)
        error("mkdir(\"//\") = %d, expected ERR_EXIST", r);
    if ((r = link("/testfile", "/")) != ERR_EXIST)
        error("link(file, \"/\") = %d, expected ERR_EXIST", r);
    if ((r = open("/", FS_RDWR | FS_CREAT, EMPTY_MODE)) != ERR_FTYPE)
        error("open(\"/\", FS_RDWR | FS_CREAT) = %d, expected ERR_FTYPE", r);
    int fd = open("/", FS_RDONLY | FS_CREAT, EMPTY_MODE);
    if (fd < 0)
        error("open(\"/\", FS_RDONLY | FS_CREAT) = %d, expected an fd", fd);
    struct stat st;
    struct dirent d;
    if ((r = fstat(fd, &st)) != ERR_OK || st.ftype != FTYPE_DIR)
        error("fstat of / opened with FS_CREAT = %d, ftype %d", r, st.ftype);
    if ((r = readdir(fd, &d)) != ERR_OK || strcmp(d.name, "README") != 0)
        error("readdir of / opened with FS_CREAT = %d", r);
    close(fd);
    if ((r = root_entries()) != before)
        error("/ lists %d entries after, %d before", r, before);
    pass("mkdir-root");
    exit(0);
}
