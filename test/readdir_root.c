/*
 * readdir_root: the root directory as osv programs expect to find it.
 *
 * readdir on "/" reports README, largefile, smallfile and testfile first,
 * in that order, then the programs (init, sh, ls, cat, echo, free, this test);
 * never "." or ".."; each name non-empty, NUL-terminated within FNAME_LEN,
 * without '/', and not repeated; then ERR_END, and ERR_END again. Each
 * entry's inode_num is the one fstat gives for that name. "." and "/.."
 * list the same directory; two fds on it walk it independently.
 */
#include "testlib.h"
#include <lib/stddef.h>

#define MAX_ENTRIES 512

static struct dirent entries[MAX_ENTRIES];
static int nentries;

static int open_dir(const char *path)
{
    int fd = open_ok(path, FS_RDONLY);
    struct stat st;
    expect(fstat(fd, &st), ERR_OK);
    expect(st.ftype, FTYPE_DIR);
    return fd;
}

/* Reads the whole directory into entries[]. */
static void list(const char *path)
{
    int fd = open_dir(path);
    int r;
    nentries = 0;
    for (;;) {
        struct dirent d;
        memset(&d, 0x7f, sizeof(d));
        r = readdir(fd, &d);
        if (r != ERR_OK)
            break;
        if (nentries == MAX_ENTRIES)
            error("more than %d entries in %s", MAX_ENTRIES, path);
        entries[nentries++] = d;
    }
    expect(r, ERR_END);
    expect(readdir(fd, &entries[nentries]), ERR_END);
    expect(close(fd), ERR_OK);
}

static int find(const char *name)
{
    for (int i = 0; i < nentries; i++)
        if (strcmp(entries[i].name, name) == 0)
            return i;
    return -1;
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;

    list("/");
    printf("readdir_root: %d entries in /\n", nentries);
    if (nentries < 4)
        error("only %d entries in /", nentries);

    /* Every name is a proper name. */
    for (int i = 0; i < nentries; i++) {
        struct dirent *d = &entries[i];
        int len = 0;
        while (len < FNAME_LEN && d->name[len] != '\0')
            len++;
        if (len == FNAME_LEN)
            error("entry %d has no NUL within FNAME_LEN", i);
        if (len == 0)
            error("entry %d has an empty name", i);
        if (strchr(d->name, '/'))
            error("entry %d '%s' contains '/'", i, d->name);
        if (strcmp(d->name, ".") == 0 || strcmp(d->name, "..") == 0)
            error("readdir reported '%s'", d->name);
        for (int j = 0; j < i; j++)
            if (strcmp(entries[j].name, d->name) == 0)
                error("'%s' listed twice", d->name);
    }

    /* The four files first, in order. */
    static const char *first[] = {"README", "largefile", "smallfile", "testfile"};
    for (unsigned i = 0; i < NELEM(first); i++)
        if (strcmp(entries[i].name, first[i]) != 0)
            error("entry %d is '%s', expected '%s'", i, entries[i].name, first[i]);

    /* The programs are there. */
    static const char *programs[] = {"init", "sh", "ls", "cat", "echo", "free",
                                     "readdir_root"};
    for (unsigned i = 0; i < NELEM(programs); i++)
        if (find(programs[i]) < 0)
            error("'%s' is not in /", programs[i]);

    /* Each entry's inode is the one its name opens. */
    for (int i = 0; i < nentries; i++) {
        char path[FNAME_LEN + 1] = "/";
        strcpy(path + 1, entries[i].name);
        int fd = open(path, FS_RDONLY, EMPTY_MODE);
        if (fd < 0)
            error("open(\"%s\") = %d", path, fd);
        struct stat st;
        expect(fstat(fd, &st), ERR_OK);
        if (st.inode_num != entries[i].inode_num)
            error("'%s': dirent inode %d, fstat inode %d", path,
                  entries[i].inode_num, st.inode_num);
        expect(close(fd), ERR_OK);
    }

    /* The same directory by other names. */
    int n = nentries;
    static struct dirent saved[MAX_ENTRIES];
    memcpy(saved, entries, sizeof(entries));
    static const char *names[] = {".", "/.", "/..", "..", "/./"};
    for (unsigned k = 0; k < NELEM(names); k++) {
        list(names[k]);
        if (nentries != n)
            error("'%s' lists %d entries, '/' %d", names[k], nentries, n);
        for (int i = 0; i < n; i++)
            if (strcmp(entries[i].name, saved[i].name) != 0)
                error("'%s' entry %d is '%s', '/' had '%s'", names[k], i,
                      entries[i].name, saved[i].name);
    }

    /* Two fds on one directory keep separate positions. */
    int a = open_dir("/"), b = open_dir("/");
    struct dirent d;
    expect(readdir(a, &d), ERR_OK);
    expect(readdir(a, &d), ERR_OK);
    expect(strcmp(d.name, "largefile"), 0);
    expect(readdir(b, &d), ERR_OK);
    expect(strcmp(d.name, "README"), 0);
    expect(readdir(a, &d), ERR_OK);
    expect(strcmp(d.name, "smallfile"), 0);
    expect(readdir(b, &d), ERR_OK);
    expect(strcmp(d.name, "largefile"), 0);
    expect(readdir(a, &d), ERR_OK);
    expect(strcmp(d.name, "testfile"), 0);
    expect(close(a), ERR_OK);
    expect(close(b), ERR_OK);

    pass("readdir_root");
    return 0;
}
