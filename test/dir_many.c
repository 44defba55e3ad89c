/*
 * dir_many: 260 files in one directory.
 *
 * A directory block holds 128 entries, so 260 names (plus "." and "..")
 * make the directory grow to three blocks, six of them in the third (more
 * names would only cost time: each create, write and unlink is a
 * transaction, and 300 names took 5 s). Every file is created, found
 * again by name with its own contents, and listed by readdir exactly once
 * (never "." or ".."); the directory's size covers the entries. Removing
 * every other file and creating as many new names reuses the free slots
 * (the directory does not grow), and the listing is again exact. At the end
 * every file is removed and rmdir succeeds, which it may only once the
 * directory holds nothing.
 */
// test: timeout=120
#include "testlib.h"
#include <lib/stdio-ext.h>
#include <lib/string-ext.h>

#define D "/many"
#define NFILES 260
#define DIRENT_BYTES 32          /* sfs.h: an entry is a 28-byte name and an inode, 128 a block */

static char present[NFILES];             /* 1: "fNNN" exists, 2: "gNNN" exists */
static char seen[NFILES];

static void path_of(char *buf, char kind, int i)
{
    snprintf(buf, 32, D "/%c%03d", kind, i);
}

static void create(char kind, int i)
{
    char path[32], text[16];
    path_of(path, kind, i);
    snprintf(text, sizeof(text), "%c%d\n", kind, i * 7);
    int fd = open(path, FS_WRONLY | FS_CREAT, EMPTY_MODE);
    if (fd < 0)
        error("creating %s: %d", path, fd);
    write_all(fd, text, strlen(text));
    expect(close(fd), ERR_OK);
    present[i] = kind == 'f' ? 1 : 2;
}

static void check_contents(char kind, int i)
{
    char path[32], text[16], buf[16];
    path_of(path, kind, i);
    snprintf(text, sizeof(text), "%c%d\n", kind, i * 7);
    read_file(path, buf, sizeof(buf));
    if (strcmp(buf, text) != 0)
        error("%s holds '%s', expected '%s'", path, buf, text);
}

/* readdir lists exactly the files in present[], once each. */
static void check_listing(void)
{
    int fd = open_ok(D, FS_RDONLY);
    struct dirent d;
    int n = 0, r;
    memset(seen, 0, sizeof(seen));
    while ((r = readdir(fd, &d)) == ERR_OK) {
        char kind = d.name[0];
        int i = atoi(d.name + 1);
        if ((kind != 'f' && kind != 'g') || strlen(d.name) != 4 || i < 0 || i >= NFILES)
            error("readdir gave an unexpected name '%s'", d.name);
        if (present[i] != (kind == 'f' ? 1 : 2))
            error("readdir lists '%s', which does not exist", d.name);
        if (seen[i]++)
            error("readdir lists '%s' twice", d.name);
        n++;
    }
    expect(r, ERR_END);
    expect(close(fd), ERR_OK);
    int want = 0;
    for (int i = 0; i < NFILES; i++)
        want += present[i] != 0;
    if (n != want)
        error("readdir listed %d names, expected %d", n, want);
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    char path[32];

    for (int i = 0; i < NFILES; i++) {       /* a half-finished earlier run */
        path_of(path, 'f', i);
        remove_file(path);
        path_of(path, 'g', i);
        remove_file(path);
    }
    remove_file(D);

    expect(mkdir(D), ERR_OK);
    for (int i = 0; i < NFILES; i++)
        create('f', i);
    size_t size = stat_of(D).size;
    if (size < (NFILES + 2) * DIRENT_BYTES)    /* so more than two blocks */
        error("a directory of %d names is %d bytes", NFILES, (int)size);
    for (int i = 0; i < NFILES; i++)
        check_contents('f', i);
    check_listing();
    path_of(path, 'f', NFILES - 1);
    expect(mkdir(path), ERR_EXIST);          /* names in the last block are found */
    expect(rmdir(D), ERR_NOTEMPTY);

    /* Every other file out, as many new names in: the free slots are reused. */
    for (int i = 0; i < NFILES; i += 2) {
        path_of(path, 'f', i);
        expect(unlink(path), ERR_OK);
        present[i] = 0;
    }
    check_listing();
    for (int i = 0; i < NFILES; i += 2)
        create('g', i);
    expect(stat_of(D).size, size);
    for (int i = 0; i < NFILES; i++)
        check_contents(i % 2 ? 'f' : 'g', i);
    check_listing();

    /* All out, from the end this time; then the directory goes. */
    for (int i = NFILES - 1; i >= 0; i--) {
        path_of(path, i % 2 ? 'f' : 'g', i);
        expect(unlink(path), ERR_OK);
        present[i] = 0;
        if (i == NFILES / 2)
            expect(rmdir(D), ERR_NOTEMPTY);
    }
    check_listing();
    expect(rmdir(D), ERR_OK);
    expect(open(D, FS_RDONLY, EMPTY_MODE), ERR_NOTEXIST);

    pass("dir_many: %d files, directory of %d bytes", NFILES, (int)size);
    return 0;
}
