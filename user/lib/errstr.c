/*
 * errstr (lib/errstr.h): one phrase per error code of lib/errcode.h, in
 * the words a message to a person needs ("no such file", not -5); and
 * errstr_file, whose "is a directory" and "not a directory" say more than
 * "wrong file type" where a file was opened or read.
 */
#include <lib/errstr.h>
#include <lib/errcode.h>
#include <lib/usyscall.h>
#include <lib/stdio-ext.h>
#include <lib/stddef.h>

static const char *const phrases[] = {
    [-ERR_OK] = "success",
    [-ERR_NOMEM] = "out of memory",
    [-ERR_NORES] = "out of resources (disk full?)",
    [-ERR_UNALLOC] = "not allocated",
    [-ERR_EXIST] = "already exists",
    [-ERR_NOTEXIST] = "no such file",
    [-ERR_INCOMP] = "incompatible",
    [-ERR_FTYPE] = "wrong file type",
    [-ERR_REGISTER] = "not registered",
    [-ERR_NOTEMPTY] = "directory not empty",
    [-ERR_END] = "end of data, or no reader",
    [-ERR_INIT] = "not initialized",
    [-ERR_FAULT] = "bad address",
    [-ERR_INVAL] = "invalid argument",
    [-ERR_CHILD] = "no such child",
    [-ERR_PGFAULT_ALLOC] = "no memory for a page",
    [-ERR_LOCK_BUSY] = "lock busy",
    [-ERR_OWNERDEAD] = "lock holder died",
    [-ERR_AGAIN] = "try again",
    [-ERR_TIMEDOUT] = "timed out",
    [-ERR_PERM] = "not permitted",
    [-ERR_NOSYS] = "no such system call",
};

/* A code with no phrase (positive, or newer than the table) is shown as a
 * number, in a static buffer: the next such call overwrites it. */
const char *errstr(int err)
{
    static char unknown[24];
    if (err <= 0 && -err < (int)NELEM(phrases))
        return phrases[-err];
    snprintf(unknown, sizeof(unknown), "error %d", err);
    return unknown;
}

/* Looks path up again to tell the two ERR_FTYPEs apart: a path that
 * opens and is a directory, or one whose lookup a file stands in the way
 * of (ERR_FTYPE again). Anything else (no fd left to look with) keeps
 * errstr's phrase rather than guess. */
const char *errstr_file(const char *path, int err)
{
    if (err != ERR_FTYPE)
        return errstr(err);
    if (path == NULL)
        return "is a directory";
    struct stat st;
    int fd = open(path, FS_RDONLY, EMPTY_MODE);
    if (fd == ERR_FTYPE)
        return "not a directory";
    bool dir = fd >= 0 && fstat(fd, &st) == ERR_OK && st.ftype == FTYPE_DIR;
    if (fd >= 0)
        close(fd);
    return dir ? "is a directory" : errstr(err);
}
