/*
 * file_cwd_gone: a working directory whose parent is removed too.
 *
 * A process in /cg_a/b sees b removed, then /cg_a: /cg_a's inode is freed,
 * and may be handed out again, while b (alive as the working directory)
 * still holds its ".." entry naming it. Following that ".." used to panic
 * the kernel ("in use but free on disk", from chdir("..") or any use of
 * an fd from open("..")), or, once the inode was reused, lead into an
 * unrelated directory. Now nothing but "." resolves in a removed
 * directory: "..", "../x", "./.." and any name are ERR_NOTEXIST, before
 * and after the inode is reused, in the process and in a fork child;
 * "." still opens (an empty listing), and an absolute chdir gets out.
 */
#include "testlib.h"

static void check_gone(void)
{
    expect(open("..", FS_RDONLY, EMPTY_MODE), ERR_NOTEXIST);
    expect(chdir(".."), ERR_NOTEXIST);
    expect(chdir("./.."), ERR_NOTEXIST);
    expect(open("../x", FS_RDWR | FS_CREAT, EMPTY_MODE), ERR_NOTEXIST);
    expect(mkdir("../y"), ERR_NOTEXIST);
    expect(open("x", FS_RDWR | FS_CREAT, EMPTY_MODE), ERR_NOTEXIST);
    int fd = open(".", FS_RDONLY, EMPTY_MODE);
    if (fd < 0)
        error("open(\".\") in a removed directory = %d", fd);
    struct dirent d;
    expect(readdir(fd, &d), ERR_END);
    struct stat st;
    expect(fstat(fd, &st), ERR_OK);
    expect(st.ftype, FTYPE_DIR);
    expect(close(fd), ERR_OK);
}

static int child(void)
{
    check_gone();
    return 0;
}

int main(void)
{
    remove_file("/cg_a/b");
    remove_file("/cg_a");
    remove_file("/cg_c");
    expect(mkdir("/cg_a"), ERR_OK);
    expect(mkdir("/cg_a/b"), ERR_OK);
    expect(chdir("/cg_a/b"), ERR_OK);
    expect(rmdir("/cg_a/b"), ERR_OK);
    expect(rmdir("/cg_a"), ERR_OK);
    check_gone();
    in_child(child, "a fork child in the removed directory");

    /* The freed inode handed out again (the lowest free one: /cg_a's). */
    expect(mkdir("/cg_c"), ERR_OK);
    check_gone();
    expect(chdir("/"), ERR_OK);
    expect(rmdir("/cg_c"), ERR_OK);
    pass("file_cwd_gone");
    return 0;
}
