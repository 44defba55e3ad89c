/*
 * ls: one line per directory entry: name, type (d directory, f file,
 * c device) and size in bytes, as fstat reports them for the opened entry.
 * No argument lists "."; each argument that is a directory is listed,
 * preceded by "NAME:" when there are several; a file argument prints its
 * own line. A path that cannot be opened is reported on fd 1 (osv programs
 * have no separate error output).
 */
#include <lib/usyscall.h>
#include <lib/stdio.h>
#include <lib/string.h>
#include <lib/stdio-ext.h>
#include <lib/string-ext.h>
#include <lib/errstr.h>
#include <stdbool.h>

#define PATH_MAX 256

/* The letter ls prints for a file type: d, f, c (a device), or ? for one
 * it does not know. */
static char type_letter(int ftype)
{
    switch (ftype) {
    case FTYPE_DIR:  return 'd';
    case FTYPE_FILE: return 'f';
    case FTYPE_DEV:  return 'c';
    default:         return '?';
    }
}

/* Prints name's line, from fstat of path. */
static void show(const char *path, const char *name)
{
    struct stat st;
    int fd = open(path, FS_RDONLY, EMPTY_MODE);
    if (fd < 0) {
        printf("%-27s ? (cannot open: %s)\n", name, errstr(fd));
        return;
    }
    int err = fstat(fd, &st);
    close(fd);
    if (err != ERR_OK)
        printf("%-27s ? (fstat: %s)\n", name, errstr(err));
    else
        printf("%-27s %c %zu\n", name, type_letter(st.ftype), st.size);
}

/* Lists path; returns 0 on success, 1 on error. */
static int ls(const char *path, bool header)
{
    struct stat st;
    struct dirent d;
    char child[PATH_MAX];

    int fd = open(path, FS_RDONLY, EMPTY_MODE);
    if (fd < 0) {
        printf("ls: %s: %s\n", path, errstr_file(path, fd));
        return 1;
    }
    if (fstat(fd, &st) != ERR_OK || st.ftype != FTYPE_DIR) {
        close(fd);
        show(path, path);
        return 0;
    }
    if (header)
        printf("%s:\n", path);
    size_t len = strlen(path);
    bool slash = len > 0 && path[len - 1] == '/';
    while (readdir(fd, &d) == ERR_OK) {
        d.name[FNAME_LEN - 1] = '\0';
        if (len + 1 + strlen(d.name) + 1 > sizeof(child)) {
            printf("%-27s ? (path too long)\n", d.name);
            continue;
        }
        strcpy(child, path);
        if (!slash)
            strcat(child, "/");
        strcat(child, d.name);
        show(child, d.name);
    }
    close(fd);
    return 0;
}

int main(int argc, char **argv)
{
    int status = 0;

    if (argc < 2)
        return ls(".", false);
    for (int i = 1; i < argc; i++)
        status |= ls(argv[i], argc > 2);
    return status;
}
