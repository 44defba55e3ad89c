/*
 * file_cwd: the working directory and relative paths.
 *
 * chdir changes where relative paths start, for the calling process only;
 * fork and spawn children start in their parent's directory, and their
 * own chdir does not move the parent (nor the shell that ran the test);
 * a spawn by a name that is a directory in the working directory runs
 * the program of that name under "/".
 * Relative, absolute, "." and ".." paths reach the same inodes ("/.." is
 * "/"), from any directory and through every path call. A process whose
 * working directory is removed cannot create anything in it
 * (ERR_NOTEXIST, fs.h) but can chdir out. Everything made is removed.
 */
#include "testlib.h"

#define D "/cwd_t"

static int ino(const char *path)
{
    return stat_of(path).inode_num;
}

/* Spawned as "file_cwd child": must start in D/sub, where the parent put
 * "marker"; moves itself to "/" and checks it got there. */
static int child_mode(void)
{
    char buf[16];
    int fd = open("marker", FS_RDONLY, EMPTY_MODE);
    if (fd < 0)
        return 1;
    if (read(fd, buf, sizeof(buf)) != 4 || memcmp(buf, "sub\n", 4) != 0)
        return 2;
    close(fd);
    if (chdir("..") != ERR_OK || chdir("..") != ERR_OK)
        return 3;
    fd = open("smallfile", FS_RDONLY, EMPTY_MODE);
    if (fd < 0)
        return 4;
    close(fd);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "child") == 0)
        return child_mode();
    char buf[64];

    remove_file(D "/sub/marker");
    remove_file(D "/sub/made");
    remove_file(D "/sub/gone");
    remove_file(D "/sub/file_cwd");
    remove_file(D "/sub");
    remove_file(D "/f");
    remove_file(D);

    int root = ino("/");
    expect(ino("."), root);                  /* the shell runs us in "/" */

    /* ---- relative paths after chdir ---- */
    expect(mkdir(D), ERR_OK);
    expect(chdir(D), ERR_OK);
    int d = ino(D);
    expect(ino("."), d);
    expect(ino(".."), root);
    expect(mkdir("sub"), ERR_OK);            /* relative mkdir */
    make_file("f", "f\n");                   /* relative create */
    expect(ino(D "/f"), ino("f"));
    expect(ino("./f"), ino("f"));
    expect(ino("sub/../f"), ino("f"));
    expect(ino("../cwd_t/./f"), ino("f"));
    expect(ino("../../../smallfile"), ino("/smallfile"));   /* ".." stops at "/" */
    expect(link("f", "sub/g"), ERR_OK);      /* relative link */
    expect(ino(D "/sub/g"), ino(D "/f"));
    expect(unlink("./sub/g"), ERR_OK);       /* relative unlink */
    expect(open("sub/g", FS_RDONLY, EMPTY_MODE), ERR_NOTEXIST);
    expect(open("smallfile", FS_RDONLY, EMPTY_MODE), ERR_NOTEXIST);   /* not in D */

    /* chdir by relative paths, and by the odd ones. */
    expect(chdir("sub"), ERR_OK);
    int sub = ino(D "/sub");
    expect(ino("."), sub);
    expect(chdir("."), ERR_OK);
    expect(ino("."), sub);
    expect(chdir("../sub/./"), ERR_OK);
    expect(ino("."), sub);
    expect(chdir("f"), ERR_NOTEXIST);        /* f is in D, not here */
    expect(chdir("../f"), ERR_FTYPE);
    expect(chdir("/.."), ERR_OK);
    expect(ino("."), root);
    expect(chdir(".."), ERR_OK);             /* the root's parent is the root */
    expect(ino("."), root);
    expect(chdir(D "/sub"), ERR_OK);
    make_file("marker", "sub\n");

    /* ---- a fork child starts here; its chdir is its own ---- */
    int pid = fork();
    if (pid == 0) {
        if (ino(".") != sub || ino("marker") != ino(D "/sub/marker"))
            exit(1);
        if (chdir("/") != ERR_OK || ino(".") != root)
            exit(2);
        exit(0);
    }
    expect_exit(pid, 0);
    expect(ino("."), sub);

    /* ---- a spawn child too ("file_cwd" is found under "/", even with a
     * directory of that name here: a directory is no program, so the
     * name is looked for under "/" next, as for a name not here) ---- */
    expect(mkdir("file_cwd"), ERR_OK);
    pid = spawn("file_cwd child");
    assert(pid > 0);
    expect_exit(pid, 0);
    expect(ino("."), sub);
    read_file("marker", buf, sizeof(buf));
    if (strcmp(buf, "sub\n") != 0)
        error("marker reads '%s'", buf);
    expect(rmdir("file_cwd"), ERR_OK);

    /* ---- a removed working directory ---- */
    expect(mkdir("gone"), ERR_OK);
    expect(chdir("gone"), ERR_OK);
    expect(rmdir(D "/sub/gone"), ERR_OK);
    expect(open("x", FS_RDWR | FS_CREAT, EMPTY_MODE), ERR_NOTEXIST);
    expect(mkdir("x"), ERR_NOTEXIST);
    expect(chdir(D "/sub"), ERR_OK);         /* out of it again */
    expect(open(D "/sub/gone", FS_RDONLY, EMPTY_MODE), ERR_NOTEXIST);
    make_file("made", "ok");                 /* creating works here */

    /* ---- clean up, by relative names ---- */
    expect(unlink("made"), ERR_OK);
    expect(unlink("marker"), ERR_OK);
    expect(chdir(".."), ERR_OK);
    expect(rmdir("sub"), ERR_OK);
    expect(unlink("f"), ERR_OK);
    expect(chdir("/"), ERR_OK);
    expect(rmdir("cwd_t"), ERR_OK);
    expect(ino("."), root);

    pass("file_cwd");
    return 0;
}
