/*
 * The file system calls: fetch and check the arguments (syscall.h), then
 * hand over to the open-file layer (file.h) or the file system (fs.h).
 * Every error code a user can see is decided here or documented in those
 * headers; docs/api.md and lib/usyscall.h are the contract.
 *
 * Argument rules, the same in every call: a path pointer that is NULL, in
 * kernel space or unmapped is ERR_FAULT, a path longer than FS_PATH_MAX
 * bytes is ERR_INVAL; an fd that is out of range or not open is ERR_INVAL
 * (checked before the buffer); a buffer or struct pointer that is NULL or
 * reaches past user space is ERR_FAULT before anything happens (so is a
 * read or write buffer any byte of which no region covers), and one
 * that faults during the copy is ERR_FAULT too, or ERR_NOMEM if the page
 * is valid but no frame could back it (or a short count, file.h).
 */
#include <kernel/bdev.h>
#include <kernel/file.h>
#include <lib/file-ext.h>
#include <kernel/fs.h>
#include <kernel/proc.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>
#include <kernel/vm.h>

/* A user pointer to n bytes that is worth trying to copy. */
static bool user_buffer_ok(const void *ubuf, size_t n)
{
    return ubuf != NULL && user_range_ok((uint64_t)ubuf, n);
}

/* read's and write's buffer: every byte of it lies in memory the caller
 * may access with perm (MEMPERM_W: the kernel stores into it), as osv
 * checks the whole buffer before it moves a byte. A buffer too short for
 * its count is then ERR_FAULT with nothing written to the file, the
 * console or the pipe, and nothing consumed (docs/api.md), rather than a
 * partial transfer of whatever memory follows it. A count of 0 is
 * checked as its first byte would be: an unmapped buffer is ERR_FAULT
 * whatever the count, as for osv, whose check finds no region for it. */
static bool user_buffer_whole(const void *ubuf, size_t n, int perm)
{
    if (!user_buffer_ok(ubuf, n))
        return false;
    return as_may_access(&proc_current()->as, (vaddr_t)ubuf, n ? n : 1, perm);
}

/* The open file on fd argument `arg`, or NULL. */
static struct file *arg_file(int arg)
{
    return fd_get(proc_current(), syscall_arg_int(arg));
}

/* Whether p has n fds free: open and pipe check before they make
 * anything, so running out of fds leaves nothing to undo. */
static bool has_free_fds(struct proc *p, int n)
{
    for (int fd = 0; fd < NUM_FILES && n > 0; fd++)
        if (p->files[fd] == NULL)
            n--;
    return n == 0;
}

/* int open(const char *path, int flags, int mode) */
long sys_open(void)
{
    char path[FS_PATH_MAX];
    err_t err = syscall_arg_str(0, path, sizeof(path));
    if (err != ERR_OK)
        return err;
    int flags = syscall_arg_int(1);
    int mode = flags & ~(FS_CREAT | FS_APPEND);
    if (mode != FS_RDONLY && mode != FS_WRONLY && mode != FS_RDWR)
        return ERR_INVAL;
    if ((flags & FS_APPEND) && mode == FS_RDONLY)
        return ERR_INVAL;
    struct proc *p = proc_current();
    if (!has_free_fds(p, 1))
        return ERR_NOMEM;              /* before FS_CREAT makes a file */
    struct file *f;
    err = file_open(path, flags, &f);
    if (err != ERR_OK)
        return err;
    int fd = fd_install(p, f);
    if (fd < 0)
        file_close(f);
    return fd;
}

/* int close(int fd) */
long sys_close(void)
{
    struct file *f = fd_remove(proc_current(), syscall_arg_int(0));
    if (f == NULL)
        return ERR_INVAL;
    file_close(f);
    return ERR_OK;
}

/* ssize_t read(int fd, void *buf, size_t n) */
long sys_read(void)
{
    struct file *f = arg_file(0);
    void *buf = syscall_arg_ptr(1);
    size_t n = syscall_arg(2);
    if (f == NULL)
        return ERR_INVAL;
    if (!user_buffer_whole(buf, n, MEMPERM_W))
        return ERR_FAULT;
    return file_read(f, buf, n);
}

/* ssize_t write(int fd, const void *buf, size_t n) */
long sys_write(void)
{
    struct file *f = arg_file(0);
    const void *buf = syscall_arg_ptr(1);
    size_t n = syscall_arg(2);
    if (f == NULL)
        return ERR_INVAL;
    if (!user_buffer_whole(buf, n, MEMPERM_R))
        return ERR_FAULT;
    return file_write(f, buf, n);
}

/* int fstat(int fd, struct stat *st): as osv, only files and directories
 * have a stat (ERR_INVAL for the console or a pipe), and the pointer is
 * checked before that (after the fd), so a bad one is ERR_FAULT whatever
 * kind of file fd is. The check
 * goes through the fault path like any copy-out (a lazily backed page is
 * filled) and leaves *st as it was, so only a success changes it. */
long sys_fstat(void)
{
    struct file *f = arg_file(0);
    struct stat *ust = syscall_arg_ptr(1);
    if (f == NULL)
        return ERR_INVAL;
    struct stat st = { 0 };
    if (!user_buffer_ok(ust, sizeof(*ust)))
        return ERR_FAULT;
    err_t err = user_prepare_write(ust, sizeof(st));
    if (err != ERR_OK)
        return err;
    err = file_stat(f, &st);
    if (err != ERR_OK)
        return err;
    return copy_to_user(ust, &st, sizeof(st));
}

/* int readdir(int fd, struct dirent *d): the pointer is checked first,
 * as fstat's is (osv checks every pointer before the call), so a bad one
 * is ERR_FAULT at the end of the directory or on a file too, not
 * ERR_END or ERR_FTYPE; a failed call leaves *d as it was. */
long sys_readdir(void)
{
    struct file *f = arg_file(0);
    struct dirent *ud = syscall_arg_ptr(1);
    if (f == NULL)
        return ERR_INVAL;
    if (!user_buffer_ok(ud, sizeof(*ud)))
        return ERR_FAULT;
    err_t err = user_prepare_write(ud, sizeof(*ud));
    if (err != ERR_OK)
        return err;
    return file_readdir(f, ud);
}

/* int dup(int fd) */
long sys_dup(void)
{
    struct file *f = arg_file(0);
    if (f == NULL)
        return ERR_INVAL;
    int fd = fd_install(proc_current(), file_dup(f));
    if (fd < 0)
        file_close(f);                 /* the reference just taken */
    return fd;
}

/* int pipe(int fds[2]) */
long sys_pipe(void)
{
    int *ufds = syscall_arg_ptr(0);
    struct proc *p = proc_current();
    if (!user_buffer_ok(ufds, 2 * sizeof(int)))
        return ERR_FAULT;
    if (!has_free_fds(p, 2))
        return ERR_NOMEM;
    struct file *r, *w;
    err_t err = file_open_pipe(&r, &w);
    if (err != ERR_OK)
        return err;
    int fds[2];
    fds[0] = fd_install(p, r);
    fds[1] = fd_install(p, w);        /* both succeed: two fds were free */
    if ((err = copy_to_user(ufds, fds, sizeof(fds))) != ERR_OK) {
        file_close(fd_remove(p, fds[0]));
        file_close(fd_remove(p, fds[1]));
    }
    return err;
}

/* int chdir(const char *path) */
long sys_chdir(void)
{
    char path[FS_PATH_MAX];
    err_t err = syscall_arg_str(0, path, sizeof(path));
    if (err != ERR_OK)
        return err;
    struct inode *ip;
    if ((err = fs_lookup(path, &ip)) != ERR_OK)
        return err;
    if (inode_ftype(ip) != FTYPE_DIR) {
        inode_put(ip);
        return ERR_FTYPE;
    }
    struct proc *p = proc_current();
    struct inode *old = p->cwd;
    p->cwd = ip;
    if (old != NULL)
        inode_put(old);
    return ERR_OK;
}

/* int link(const char *old, const char *new) */
long sys_link(void)
{
    char oldpath[FS_PATH_MAX], newpath[FS_PATH_MAX];
    err_t err = syscall_arg_str(0, oldpath, sizeof(oldpath));
    if (err == ERR_OK)
        err = syscall_arg_str(1, newpath, sizeof(newpath));
    if (err != ERR_OK)
        return err;
    return fs_link(oldpath, newpath);
}

/* int unlink(const char *path) */
long sys_unlink(void)
{
    char path[FS_PATH_MAX];
    err_t err = syscall_arg_str(0, path, sizeof(path));
    if (err != ERR_OK)
        return err;
    return fs_unlink(path);
}

/* int mkdir(const char *path) */
long sys_mkdir(void)
{
    char path[FS_PATH_MAX];
    err_t err = syscall_arg_str(0, path, sizeof(path));
    if (err != ERR_OK)
        return err;
    return fs_create(path, FTYPE_DIR, NULL);
}

/* int rmdir(const char *path) */
long sys_rmdir(void)
{
    char path[FS_PATH_MAX];
    err_t err = syscall_arg_str(0, path, sizeof(path));
    if (err != ERR_OK)
        return err;
    return fs_rmdir(path);
}

/* long disk_scratch_write(long first, long n): for the benchmarks (fs.h) */
long sys_disk_scratch_write(void)
{
    return fs_scratch_write((long)syscall_arg(0), (long)syscall_arg(1));
}

/* long disk_reads(void): for the tests (bdev.h) */
long sys_disk_reads(void)
{
    return (long)bdev_blocks_read();
}
