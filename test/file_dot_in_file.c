/*
 * file_dot_in_file: "." or ".." after a file's name ("/f/.", "/f/..")
 * uses the file as a directory, which api.md makes ERR_FTYPE, the same
 * for every call that takes a path: open, open with FS_CREAT, chdir,
 * mkdir, link by either name, unlink and rmdir. unlink and rmdir
 * answered ERR_INVAL ("." and ".." cannot be removed) before they looked
 * at what the name was in, while mkdir and link of the same paths said
 * ERR_FTYPE; a program telling "not a directory" from "bad argument" was
 * told the wrong one. "." and ".." of a directory stay ERR_INVAL for
 * unlink and rmdir, and nothing is made or removed by any of the calls.
 */
#include "testlib.h"
#include <lib/stddef.h>

#define D "/fdf"
#define F D "/f"

int main(void)
{
    remove_file(F);
    remove_file(D);
    expect(mkdir(D), ERR_OK);
    make_file(F, "file");
    const char *paths[] = {F "/.", F "/..", F "/./", F "//.."};
    for (size_t i = 0; i < NELEM(paths); i++) {
        const char *p = paths[i];
        expect(open(p, FS_RDONLY, EMPTY_MODE), ERR_FTYPE);
        expect(open(p, FS_RDWR | FS_CREAT, EMPTY_MODE), ERR_FTYPE);
        expect(chdir(p), ERR_FTYPE);
        expect(mkdir(p), ERR_FTYPE);
        expect(link(F, p), ERR_FTYPE);
        expect(link(p, D "/g"), ERR_FTYPE);
        expect(unlink(p), ERR_FTYPE);
        expect(rmdir(p), ERR_FTYPE);
    }
    /* A directory's own "." and ".." are still not removable. */
    expect(unlink(D "/."), ERR_INVAL);
    expect(rmdir(D "/.."), ERR_INVAL);
    char text[16];
    expect(read_file(F, text, sizeof(text)), 4);
    expect(strcmp(text, "file"), 0);
    expect(open(D "/g", FS_RDONLY, EMPTY_MODE), ERR_NOTEXIST);
    expect(unlink(F), ERR_OK);
    expect(rmdir(D), ERR_OK);
    pass("file_dot_in_file");
    return 0;
}
