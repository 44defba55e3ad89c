/*
 * file_names: the calls that take paths (open, open with FS_CREAT, link
 * by either name, unlink, mkdir, rmdir, chdir), with good and bad names.
 *
 * Every one of them, given a NULL, kernel, unmapped or stack-straddling
 * path, is ERR_FAULT; an empty path or a missing middle component is
 * ERR_NOTEXIST; a file used as a directory is ERR_FTYPE; a 28-byte
 * component (last or middle) or a path longer than FS_PATH_MAX (256 bytes,
 * NUL included) is ERR_INVAL (fs.h's decision); 27-byte names and 255-byte
 * paths work. Then each call's own rules: mkdir/link/create of an existing
 * name is ERR_EXIST (so is "/", the root, as "/."), "." and ".." cannot be
 * removed (ERR_INVAL), nor "/" (ERR_INVAL), rmdir of a non-empty directory is
 * ERR_NOTEMPTY, unlink of a directory and rmdir of a file and link to a
 * directory are ERR_FTYPE; a link is the same inode under two names, and
 * an unlinked file stays readable through an fd that is still open. A
 * trailing slash says the name is a directory, as on Unix: mkdir and
 * rmdir take it, but a file named so is ERR_FTYPE for open (with
 * FS_CREAT no file is made), unlink, link and chdir.
 * Everything lives under /fnames, removed at the end.
 */
#include "testlib.h"
#include <lib/stddef.h>

#define D "/fnames"
#define N27 "abcdefghijklmnopqrstuvwxyz0"      /* 27 bytes: the longest name */
#define N28 N27 "1"                            /* 28 bytes: one too many */
#define PATH_MAX_BYTES 256      /* FS_PATH_MAX (kernel fs.h): a path, NUL included */

/* Each path call as int f(const char *path); ERR_OK when it worked. */
static int do_open(const char *path)
{
    int fd = open(path, FS_RDONLY, EMPTY_MODE);
    return fd >= 0 ? close(fd) : fd;
}
static int do_create(const char *path)
{
    int fd = open(path, FS_RDWR | FS_CREAT, EMPTY_MODE);
    return fd >= 0 ? close(fd) : fd;
}
static int do_link_old(const char *path) { return link(path, D "/linked"); }
static int do_link_new(const char *path) { return link(D "/f", path); }

static const struct {
    const char *name;
    int (*call)(const char *);
} calls[] = {
    {"open", do_open}, {"open FS_CREAT", do_create}, {"link (old)", do_link_old},
    {"link (new)", do_link_new}, {"unlink", unlink}, {"mkdir", mkdir},
    {"rmdir", rmdir}, {"chdir", chdir},
};

/* Every call on path gives want. */
static void all_calls(const char *path, int want)
{
    for (unsigned i = 0; i < NELEM(calls); i++) {
        int got = calls[i].call(path);
        if (got != want)
            error("%s(\"%s\") = %d, expected %d", calls[i].name, path, got, want);
    }
}

/* In a child: each call on an unterminated path that runs into the
 * unmapped page above the stack. Returns 0, or 1 + the failing call. */
static int straddling_paths(void)
{
    memcpy(STACK_END(6), "fnames", 6);
    for (unsigned i = 0; i < NELEM(calls); i++)
        if (calls[i].call(STACK_END(6)) != ERR_FAULT)
            return 1 + i;
    return 0;
}

/* "/" followed by "./" repeated and then name, exactly len bytes long. */
static char *padded_path(char *buf, int len, const char *name)
{
    int n = strlen(name);
    int i = 0;
    buf[i++] = '/';
    while (i < len - n - 1) {
        buf[i++] = '.';
        buf[i++] = '/';
    }
    if (i != len - n)
        buf[i++] = '/';          /* odd padding: a doubled slash is fine */
    strcpy(buf + i, name);
    if ((int)strlen(buf) != len)
        error("padded_path made %d bytes, wanted %d", (int)strlen(buf), len);
    return buf;
}

static void expect_dir_lists(const char *path, const char **names, int n)
{
    int fd = open_ok(path, FS_RDONLY);
    struct dirent d;
    int seen = 0, r;
    while ((r = readdir(fd, &d)) == ERR_OK) {
        int i;
        for (i = 0; i < n && strcmp(d.name, names[i]) != 0; i++)
            ;
        if (i == n)
            error("%s lists unexpected '%s'", path, d.name);
        seen |= 1 << i;
    }
    expect(r, ERR_END);
    if (seen != (1 << n) - 1)
        error("%s does not list every expected name (seen mask 0x%x)", path, seen);
    expect(close(fd), ERR_OK);
}

static void cleanup(void)
{
    static const char *paths[] = {
        D "/a/f", D "/a/b", D "/a", D "/b", D "/c", D "/f", D "/g", D "/linked",
        D "/new", D "/l", D "/t",
        D "/" N27 "/" N27, D "/" N27, D "/l27", D "/" N27 "x", D,
    };
    for (unsigned i = 0; i < NELEM(paths); i++)
        remove_file(paths[i]);
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    char buf[400];

    cleanup();                           /* a half-finished earlier run */
    expect(mkdir(D), ERR_OK);
    make_file(D "/f", "hello\n");

    /* ---- what every path call rejects ---- */
    static const uintptr_t bad[] = BAD_POINTERS;
    for (unsigned k = 0; k < NELEM(bad); k++)
        all_calls((const char *)bad[k], ERR_FAULT);
    in_child(straddling_paths, "unterminated path at the stack top");
    all_calls("", ERR_NOTEXIST);
    all_calls(D "/missing/x", ERR_NOTEXIST);
    all_calls("/no/such/dir", ERR_NOTEXIST);
    all_calls("/smallfile/x", ERR_FTYPE);
    all_calls(D "/f/x", ERR_FTYPE);
    all_calls(D "/" N28, ERR_INVAL);
    all_calls(D "/" N28 "/x", ERR_INVAL);
    all_calls(padded_path(buf, PATH_MAX_BYTES, "x"), ERR_INVAL);
    all_calls(padded_path(buf, 300, "x"), ERR_INVAL);
    expect(do_open(padded_path(buf, PATH_MAX_BYTES - 1, "smallfile")), ERR_OK);
    expect(do_open(padded_path(buf, PATH_MAX_BYTES, "smallfile")), ERR_INVAL);

    /* ---- mkdir ---- */
    expect(mkdir(D), ERR_EXIST);
    expect(mkdir(D "/a"), ERR_OK);
    expect(mkdir(D "/a/"), ERR_EXIST);
    expect(mkdir(D "//b//"), ERR_OK);     /* repeated and trailing slashes */
    expect(mkdir(D "/./a/../c"), ERR_OK);
    expect(stat_of(D "/b").ftype, FTYPE_DIR);
    expect(stat_of(D "/c").ftype, FTYPE_DIR);
    expect(mkdir(D "/."), ERR_EXIST);
    expect(mkdir(D "/.."), ERR_EXIST);
    expect(mkdir(D "/f"), ERR_EXIST);
    expect(mkdir("/smallfile"), ERR_EXIST);
    expect(mkdir("/"), ERR_EXIST);     /* the root exists, as "/." */
    expect(mkdir(D "/a/b"), ERR_OK);
    expect(stat_of(D "/a/b/..").inode_num, stat_of(D "/a").inode_num);
    expect(stat_of(D "/a/b/../..").inode_num, stat_of(D).inode_num);
    int fd = open_ok(D "/a/b", FS_RDONLY);
    struct dirent de;
    expect(readdir(fd, &de), ERR_END);    /* new: only "." and "..", not listed */
    expect(close(fd), ERR_OK);

    /* ---- open with FS_CREAT ---- */
    fd = open(D "/g", FS_WRONLY | FS_CREAT, EMPTY_MODE);
    assert(fd >= 0);
    struct stat st;
    expect(fstat(fd, &st), ERR_OK);
    expect(st.ftype, FTYPE_FILE);
    expect(st.size, 0);
    expect(write(fd, "gg", 2), 2);
    expect(close(fd), ERR_OK);
    fd = open_ok(D "/g", FS_RDWR | FS_CREAT);          /* exists: opened as is */
    expect(read(fd, buf, sizeof(buf)), 2);
    expect(close(fd), ERR_OK);
    expect(open(D "/a", FS_WRONLY, EMPTY_MODE), ERR_FTYPE);
    expect(open(D "/a", FS_RDWR | FS_CREAT, EMPTY_MODE), ERR_FTYPE);
    expect(open("/", FS_WRONLY, EMPTY_MODE), ERR_FTYPE);
    expect(open(D "/", FS_RDWR, EMPTY_MODE), ERR_FTYPE);
    fd = open_ok(D "/a", FS_RDONLY | FS_CREAT);         /* a directory, read-only: fine */
    expect(close(fd), ERR_OK);
    expect(unlink(D "/g"), ERR_OK);

    /* ---- link ---- */
    expect(link(D "/f", D "/g"), ERR_OK);
    expect(stat_of(D "/g").inode_num, stat_of(D "/f").inode_num);
    expect(link(D "/f", D "/g"), ERR_EXIST);
    expect(link(D "/f", "/smallfile"), ERR_EXIST);
    expect(link(D "/f", D "/a"), ERR_EXIST);
    expect(link(D "/f", D "/."), ERR_EXIST);
    expect(link(D "/f", D "/.."), ERR_EXIST);
    expect(link(D "/f", "/"), ERR_EXIST);
    expect(link(D "/a", D "/x"), ERR_FTYPE);             /* no second name for a directory */
    expect(link(D, D "/x"), ERR_FTYPE);
    expect(link(D "/nope", D "/x"), ERR_NOTEXIST);
    expect(link(D "/f", D "/a/f"), ERR_OK);              /* into another directory */
    fd = open_ok(D "/g", FS_WRONLY);                     /* a write through one name ... */
    expect(write(fd, "HE", 2), 2);
    expect(close(fd), ERR_OK);
    read_file(D "/a/f", buf, sizeof(buf));               /* ... shows through the others */
    if (strcmp(buf, "HEllo\n") != 0)
        error("through the link: '%s'", buf);

    /* ---- unlink ---- */
    expect(unlink(D "/f"), ERR_OK);
    expect(unlink(D "/f"), ERR_NOTEXIST);
    expect(open(D "/f", FS_RDONLY, EMPTY_MODE), ERR_NOTEXIST);
    read_file(D "/g", buf, sizeof(buf));                 /* the other names remain */
    if (strcmp(buf, "HEllo\n") != 0)
        error("after unlinking one name: '%s'", buf);
    expect(unlink(D "/a"), ERR_FTYPE);
    expect(unlink(D "/."), ERR_INVAL);
    expect(unlink(D "/.."), ERR_INVAL);
    expect(unlink("/"), ERR_INVAL);
    expect(unlink(D "/a/f"), ERR_OK);
    fd = open_ok(D "/g", FS_RDONLY);                     /* open, then its last name goes */
    expect(unlink(D "/g"), ERR_OK);
    expect(open(D "/g", FS_RDONLY, EMPTY_MODE), ERR_NOTEXIST);
    expect(fstat(fd, &st), ERR_OK);
    expect(st.size, 6);
    expect(read(fd, buf, sizeof(buf)), 6);               /* still readable */
    if (memcmp(buf, "HEllo\n", 6) != 0)
        error("an unlinked open file reads '%s'", buf);
    expect(close(fd), ERR_OK);
    make_file(D "/g", "new g\n");                        /* the name is free again */
    expect(unlink(D "/g"), ERR_OK);

    /* ---- rmdir ---- */
    make_file(D "/a/f", "x");
    expect(rmdir(D "/a"), ERR_NOTEMPTY);                 /* a file and a directory in it */
    expect(unlink(D "/a/f"), ERR_OK);
    expect(rmdir(D "/a"), ERR_NOTEMPTY);                 /* still b */
    make_file(D "/f", "x");
    expect(rmdir(D "/f"), ERR_FTYPE);
    expect(rmdir(D "/."), ERR_INVAL);
    expect(rmdir(D "/.."), ERR_INVAL);
    expect(rmdir(D "/a/b/.."), ERR_INVAL);
    expect(rmdir("/"), ERR_INVAL);
    expect(rmdir(D "/a/b"), ERR_OK);
    expect(rmdir(D "/a/b"), ERR_NOTEXIST);
    expect(rmdir(D "/a/"), ERR_OK);                      /* trailing slash */
    expect(rmdir(D "/b"), ERR_OK);
    expect(rmdir(D "/c"), ERR_OK);
    expect(open(D "/a", FS_RDONLY, EMPTY_MODE), ERR_NOTEXIST);

    /* ---- 27-byte names work everywhere ---- */
    expect(mkdir(D "/" N27), ERR_OK);
    expect(do_create(D "/" N27 "/" N27), ERR_OK);
    expect(link(D "/" N27 "/" N27, D "/l27"), ERR_OK);
    expect(link(D "/l27", D "/" N27 "x"), ERR_INVAL);   /* 28 */
    expect(chdir(D "/" N27), ERR_OK);
    expect(do_open(N27), ERR_OK);                        /* relative */
    expect(chdir("/"), ERR_OK);
    const char *names[] = {N27, "l27", "f"};
    expect_dir_lists(D, names, 3);
    names[0] = N27;
    expect_dir_lists(D "/" N27, names, 1);               /* the full 27 bytes */
    expect(unlink(D "/" N27 "/" N27), ERR_OK);
    expect(rmdir(D "/" N27), ERR_OK);
    expect(unlink(D "/l27"), ERR_OK);

    /* ---- a trailing slash names a directory (POSIX), never a file ---- */
    expect(open(D "/new/", FS_RDWR | FS_CREAT, EMPTY_MODE), ERR_FTYPE);
    expect(open(D "/new//", FS_WRONLY | FS_CREAT, EMPTY_MODE), ERR_FTYPE);
    expect(open(D "/new", FS_RDONLY, EMPTY_MODE), ERR_NOTEXIST);   /* nothing made */
    expect(open(D "/new/", FS_RDONLY, EMPTY_MODE), ERR_NOTEXIST);
    expect(open(D "/f/", FS_RDONLY, EMPTY_MODE), ERR_FTYPE);
    expect(open(D "/f/", FS_RDWR | FS_CREAT, EMPTY_MODE), ERR_FTYPE);
    expect(open("/README/", FS_RDONLY, EMPTY_MODE), ERR_FTYPE);
    expect(unlink(D "/f/"), ERR_FTYPE);
    expect(link(D "/f/", D "/l"), ERR_FTYPE);
    expect(link(D "/f", D "/l/"), ERR_FTYPE);
    expect(open(D "/l", FS_RDONLY, EMPTY_MODE), ERR_NOTEXIST);
    expect(chdir(D "/f/"), ERR_FTYPE);
    expect(stat_of(D "/f").ftype, FTYPE_FILE);           /* f is untouched */
    expect(mkdir(D "/t/"), ERR_OK);                      /* directories take one */
    expect(stat_of(D "/t/").ftype, FTYPE_DIR);
    expect(chdir(D "/t/"), ERR_OK);
    expect(chdir("/"), ERR_OK);
    expect(rmdir(D "/t//"), ERR_OK);

    /* ---- all gone ---- */
    expect(rmdir(D), ERR_NOTEMPTY);                      /* f */
    expect(unlink(D "/f"), ERR_OK);
    expect_dir_lists(D, names, 0);
    expect(rmdir(D), ERR_OK);
    expect(open(D, FS_RDONLY, EMPTY_MODE), ERR_NOTEXIST);

    pass("file_names");
    return 0;
}
