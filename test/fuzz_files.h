/*
 * fuzz_files.h: test/fuzz.c's operations on files, directories and pipes
 * (open, close, read, write, link, unlink, mkdir, rmdir, chdir, readdir,
 * fstat, dup, pipe, and disk_scratch_write): each picks nasty arguments (fuzz_model.h), makes the
 * call and judges its result against the process's model of its fds.
 * Header-only, like testlib.h; included by fuzz.c only.
 */
#ifndef _TEST_FUZZ_FILES_H_
#define _TEST_FUZZ_FILES_H_

#include "fuzz_model.h"

/* Closes fd through a judged call (it is open: ERR_OK). */
static void close_fd(int fd)
{
    call_begin(SYS_close, "close");
    call_arg(fd, fd_note(fd));
    long r = call_make();
    allow(r, 0, 0, 0);
    if (r == 0)
        fd_forget(fd);
}

/* Learns whether a freshly opened fd is a file or a directory. */
static void learn_fd(int fd, bool readable, bool writable)
{
    struct stat st;
    long r = fstat_ok(fd, "new fd", &st);
    fds[fd] = (struct fdm){ .kind = FD_FILE, .readable = readable, .writable = writable };
    if (r == 0 && st.ftype == FTYPE_DIR)
        fds[fd].kind = FD_DIR;
    else if (r == 0 && st.ftype != FTYPE_FILE)
        impossible(st.ftype, "fstat of a path gave neither a file nor a directory");
}

/* Too many fds open: closes one of them (not the console's 0 and 1). */
static bool close_some(void)
{
    if (open_fds() <= fd_cap)
        return false;
    int fd = 2 + below(NUM_FILES - 2);
    while (fds[fd].kind == FD_FREE || fds[fd].kind == FD_SHADOW)
        fd = 2 + (fd - 1) % (NUM_FILES - 2);
    close_fd(fd);
    return true;
}

/* open: a sandbox path with any flags, or one of the disk's own files
 * read-only; a new fd must be the lowest free one. */
static void op_open(void)
{
    if (close_some())
        return;
    static const int modes[] = { FS_RDONLY, FS_WRONLY, FS_RDWR };
    bool ro = one_in(4);
    struct ustr s = ro ? gen_ro_path() : gen_path(0);
    int flags = PICK(modes) | (one_in(2) ? FS_CREAT : 0) | (one_in(6) ? FS_APPEND : 0);
    if (one_in(6))
        flags = one_in(2) ? 1 << below(32) : (int)rnd();      /* every bit */
    int mode = flags & ~(FS_CREAT | FS_APPEND);
    bool valid = (mode == FS_RDONLY || mode == FS_WRONLY || mode == FS_RDWR) &&
                 !(mode == FS_RDONLY && (flags & FS_APPEND));   /* file-ext.h */
    if (ro && valid)
        flags = mode = FS_RDONLY;  /* the disk's own files are never changed */
    call_begin(SYS_open, "open");
    call_ustr(&s);
    call_arg(flags, "flags");
    call_arg((long)rnd(), "mode");
    long r = call_make();
    long sv = str_verdict(&s, 256);
    int lo = lowest_free_fd();
    if (sv != ERR_OK)
        allow(r, 1, 0, E(sv));
    else if (!valid)
        allow(r, 1, 0, E(ERR_INVAL));
    else if (lo < 0)
        allow(r, 1, 0, E(ERR_NOMEM));
    else
        allow(r, lo, lo, E_PATH | E(ERR_NOMEM));
    if (r >= 0 && r < NUM_FILES && fds[r].kind == FD_FREE) {
        learn_fd(r, mode != FS_WRONLY, mode != FS_RDONLY);
        fds[r].shared = s.shared;
    }
}

/* close: ERR_OK exactly when the fd is open. */
static void op_close(void)
{
    int fd = pick_fd(false);
    if (fd == 0 || fd == 1)
        return;
    call_begin(SYS_close, "close");
    call_arg(fd, fd_note(fd));
    long r = call_make();
    if (fd_kind(fd) == FD_FREE) {
        allow(r, 1, 0, E(ERR_INVAL));
    } else {
        allow(r, 0, 0, 0);
        if (r == 0)
            fd_forget(fd);
    }
}

/* read() or write() of n bytes at u on fd. */
static long rw_call(int nr, const char *name, int fd, const struct uptr *u, size_t n)
{
    call_begin(nr, name);
    call_arg(fd, fd_note(fd));
    call_uptr(u);
    call_arg(n, "n");
    return call_make();
}

/* read: never one that would wait (the console, a pipe only we could
 * fill); the result depends on what the fd is, and a pipe's bytes are
 * checked against what was written. A buffer with less room than n (no
 * room at all, for n = 0) is refused up front, whatever the fd. */
static void op_read(void)
{
    int fd = pick_fd(true), kind = fd_kind(fd);
    struct uptr u = any_ptr(true);
    size_t n = pick_len(&u, u.wroom);
    bool early = refused(u.p, n) || (n ? n > u.wroom : u.wroom == 0);
    struct pipem *pp = kind == FD_PIPE_R ? &pipes[fds[fd].pipe] : NULL;
    /* Never wait: not for the console, nor for a pipe only we could fill. */
    if (!early && n > 0 && (kind == FD_CONSOLE || (pp && pp->bytes == 0 && pp->writers > 0)))
        n = 0;
    long r = rw_call(SYS_read, "read", fd, &u, n);
    if (kind == FD_FREE)
        allow(r, 1, 0, E(ERR_INVAL));
    else if (early)
        allow(r, 1, 0, E(ERR_FAULT));
    else if (kind == FD_DIR)
        allow(r, 1, 0, E(ERR_FTYPE));
    else if (kind == FD_CONSOLE || !fds[fd].readable || n == 0)
        allow(r, 0, 0, 0);
    else if (kind == FD_FILE)
        allow(r, 0, n, E(ERR_NOMEM));
    else if (pp->bytes == 0)
        allow(r, 0, 0, 0);         /* no writer left: end of file */
    else {
        size_t want = n < (size_t)pp->bytes ? n : (size_t)pp->bytes;
        allow(r, want, want, 0);
    }
    if (pp && r > 0 && pipe_pop(fds[fd].pipe, (const char *)u.p, r, u.stable) >= 0)
        impossible(r, "read from a pipe: bytes other than those written");
}

/* write: never one that would wait (for pipe room only we could make),
 * never our bytes to the console, small ones to shared files. A buffer
 * with less room than n (none at all, for n = 0) is refused up front,
 * whatever the fd. */
static void op_write(void)
{
    int fd = pick_fd(true), kind = fd_kind(fd);
    struct uptr u = any_ptr(false);
    size_t n = pick_len(&u, u.rroom);
    bool early = refused(u.p, n) || (n ? n > u.rroom : u.rroom == 0);
    struct pipem *pp = kind == FD_PIPE_W ? &pipes[fds[fd].pipe] : NULL;
    if (!early && kind == FD_CONSOLE)
        n = 0;                     /* our bytes never reach the console */
    if (!early && n > 0 && pp && pp->readers > 0) {
        /* Never wait for room that only we could make. */
        size_t room = PIPE_CAP - pp->bytes;
        if (n > room)
            n = room;
    }
    if (kind == FD_FILE && !early && (fds[fd].shared || files_bytes > FILES_BUDGET))
        n = n < SHARED_WRITE ? n : SHARED_WRITE;   /* the disk is not ours alone */
    long r = rw_call(SYS_write, "write", fd, &u, n);
    if (kind == FD_FREE)
        allow(r, 1, 0, E(ERR_INVAL));
    else if (early)
        allow(r, 1, 0, E(ERR_FAULT));
    else if (!fds[fd].writable || n == 0)
        allow(r, 0, 0, 0);
    else if (kind == FD_FILE)
        allow(r, 1, n, E(ERR_NORES) | E(ERR_NOMEM));
    else if (pp->readers == 0)
        allow(r, 0, n, E(ERR_END));   /* a child may still hold a read end */
    else
        allow(r, n, n, 0);
    if (r > 0 && pp)
        pipe_push(fds[fd].pipe, (const char *)u.p, r, u.stable);
    if (r > 0 && kind == FD_FILE)
        files_bytes += r;
}

/* A path call whose string is judged first, then the documented errors. */
static long path_call(int nr, const char *name, uint32_t errs, struct ustr *s)
{
    *s = gen_path(0);
    call_begin(nr, name);
    call_ustr(s);
    long r = call_make();
    long sv = str_verdict(s, 256);
    if (sv != ERR_OK)
        allow(r, 1, 0, E(sv));
    else
        allow(r, 0, 0, errs);
    return r;
}

/* mkdir, unlink, rmdir, chdir and link of sandbox paths: the string is
 * judged exactly, the rest by what fs.h documents (the sandbox changes
 * under us: children and spawned processes share it). */
static void op_mkdir(void)
{
    struct ustr s;
    path_call(SYS_mkdir, "mkdir", E_PATH | E(ERR_EXIST), &s);
}

static void op_unlink(void)
{
    struct ustr s;
    path_call(SYS_unlink, "unlink", E_PATH, &s);
}

static void op_rmdir(void)
{
    struct ustr s;
    path_call(SYS_rmdir, "rmdir", E_PATH | E(ERR_NOTEMPTY), &s);
}

static void op_chdir(void)
{
    struct ustr s;
    if (path_call(SYS_chdir, "chdir", E_PATH, &s) == ERR_OK)
        cwd_shared = s.shared;
}

static void op_link(void)
{
    struct ustr a = gen_path(0), b = gen_path(1);
    call_begin(SYS_link, "link");
    call_ustr(&a);
    call_ustr(&b);
    long r = call_make();
    long va = str_verdict(&a, 256), vb = str_verdict(&b, 256);
    if (va != ERR_OK)
        allow(r, 1, 0, E(va));
    else if (vb != ERR_OK)
        allow(r, 1, 0, E(vb));
    else
        allow(r, 0, 0, E_PATH | E(ERR_EXIST));
}

/* readdir: the pointer is checked before the kind of file and the end
 * of the directory (osv), as fstat's; ERR_FTYPE for anything but a
 * directory; an entry is a real name. */
static void op_readdir(void)
{
    int fd = pick_fd(true), kind = fd_kind(fd);
    struct uptr u = out_fixed(sizeof(struct dirent), false);
    call_begin(SYS_readdir, "readdir");
    call_arg(fd, fd_note(fd));
    call_uptr(&u);
    long r = call_make();
    bool room = u.wroom >= sizeof(struct dirent);
    if (kind == FD_FREE)
        allow(r, 1, 0, E(ERR_INVAL));
    else if (!room)
        allow(r, 1, 0, E(ERR_FAULT));
    else if (kind != FD_DIR)
        allow(r, 1, 0, E(ERR_FTYPE));
    else
        allow(r, 0, 0, E(ERR_END));
    if (r == 0 && room && u.stable) {  /* (a view's bytes may change under us) */
        const struct dirent *d = (const struct dirent *)u.p;
        size_t len = strnlen_(d->name, FNAME_LEN);
        if (len == 0 || len == FNAME_LEN || strcmp(d->name, ".") == 0 ||
            strcmp(d->name, "..") == 0 || d->inode_num <= 0)
            impossible(r, "readdir gave an empty, unterminated, \".\" or \"..\" name, or inode 0");
    }
}

/* fstat: the pointer is checked before the kind of file (osv); ERR_INVAL
 * for the console and pipes; the type is what the fd was opened as. */
static void op_fstat(void)
{
    int fd = pick_fd(true), kind = fd_kind(fd);
    struct uptr u = out_fixed(sizeof(struct stat), false);
    call_begin(SYS_fstat, "fstat");
    call_arg(fd, fd_note(fd));
    call_uptr(&u);
    long r = call_make();
    bool room = u.wroom >= sizeof(struct stat);
    if (kind == FD_FREE)
        allow(r, 1, 0, E(ERR_INVAL));
    else if (!room)
        allow(r, 1, 0, E(ERR_FAULT));
    else if (kind != FD_FILE && kind != FD_DIR)
        allow(r, 1, 0, E(ERR_INVAL));
    else
        allow(r, 0, 0, 0);
    if (r == 0 && room && u.stable) {
        const struct stat *st = (const struct stat *)u.p;
        if (st->ftype != (kind == FD_DIR ? FTYPE_DIR : FTYPE_FILE) || st->inode_num <= 0)
            impossible(st->ftype, "fstat's ftype is not the kind the fd was opened as, or inode 0");
    }
}

/* dup: the lowest free fd, sharing what the old one is. */
static void op_dup(void)
{
    if (close_some())
        return;
    int fd = pick_fd(true), kind = fd_kind(fd);
    call_begin(SYS_dup, "dup");
    call_arg(fd, fd_note(fd));
    long r = call_make();
    int lo = lowest_free_fd();
    if (kind == FD_FREE)
        allow(r, 1, 0, E(ERR_INVAL));
    else if (lo < 0)
        allow(r, 1, 0, E(ERR_NOMEM));
    else
        allow(r, lo, lo, E(ERR_NOMEM));
    if (kind != FD_FREE && r == lo)
        fd_copy(r, &fds[fd]);
}

/* pipe: the two lowest free fds, read end first. */
static void op_pipe(void)
{
    if (close_some())
        return;
    struct uptr u = out_fixed(2 * sizeof(int), true);
    call_begin(SYS_pipe, "pipe");
    call_uptr(&u);
    long r = call_make();
    int lo = -1, lo2 = -1;
    for (int fd = 0; fd < NUM_FILES && lo2 < 0; fd++)
        if (fds[fd].kind == FD_FREE) {
            if (lo < 0)
                lo = fd;
            else
                lo2 = fd;
        }
    bool room = u.wroom >= 2 * sizeof(int);
    if (refused(u.p, 2 * sizeof(int)))
        allow(r, 1, 0, E(ERR_FAULT));
    else if (lo2 < 0)
        allow(r, 1, 0, E(ERR_NOMEM));
    else
        allow(r, room ? 0 : 1, 0, E(ERR_NOMEM) | (room ? 0 : E(ERR_FAULT)));
    if (r != 0 || !room || lo2 < 0)
        return;
    const int *got = (const int *)u.p;
    if (got[0] != lo || got[1] != lo2) {
        impossible(r, "pipe's fds are not the two lowest free ones");
        return;
    }
    int pi = 0;
    while (pipes[pi].readers || pipes[pi].writers)
        pi++;
    pipes[pi] = (struct pipem){ .readers = 1, .writers = 1, .bytes = 0, .head = 0 };
    fds[lo] = (struct fdm){ .kind = FD_PIPE_R, .readable = true, .pipe = pi };
    fds[lo2] = (struct fdm){ .kind = FD_PIPE_W, .writable = true, .pipe = pi };
}

/* disk_scratch_write: the area's length in blocks (n 0 only asks), or
 * ERR_INVAL for a block range outside it; a few blocks at most. */
static void op_scratch(void)
{
    static long length = -1;       /* learnt from the first answer */
    static const long firsts[] = { 0, 1, -1, 1L << 40, 0x7fffffffffffffffL, -0x7fffffff };
    static const long ns[] = { 0, 0, 1, 2, 4, -1, 1L << 40, 0x7fffffffffffffffL };
    long first = one_in(3) && length > 0 ? length - 1 - (long)below(2) : PICK(firsts);
    long n = PICK(ns);
    call_begin(SYS_disk_scratch_write, "disk_scratch_write");
    call_arg(first, "first");
    call_arg(n, "n");
    long r = call_make();
    bool inside = first >= 0 && n >= 0 && (length < 0 || (first <= length && n <= length - first));
    bool outside = first < 0 || n < 0 || (length >= 0 && !inside);
    if (outside)
        allow(r, 1, 0, E(ERR_INVAL) | E(ERR_NOTEXIST));
    else
        allow(r, length < 0 ? 1 : length, length < 0 ? 0x7fffffffffffffffL : length,
              E(ERR_NOTEXIST) | E(ERR_NOMEM) | E(ERR_NORES) | (length < 0 ? E(ERR_INVAL) : 0));
    if (r > 0 && length < 0)
        length = r;
}

#endif /* _TEST_FUZZ_FILES_H_ */
