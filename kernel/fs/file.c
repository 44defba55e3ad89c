/*
 * Open files: what an fd points at. One struct file per open(), pipe end
 * or console open, shared by dup, fork and spawn through its reference
 * count; reads and writes dispatch on its type. Also the per-process fd
 * table helpers. Contract: include/kernel/file.h.
 */
#include <kernel/file.h>
#include <kernel/console.h>
#include <kernel/fs.h>
#include <kernel/kmalloc.h>
#include <kernel/proc.h>
#include <kernel/sched.h>           /* ERR_KILLED */
#include <kernel/string.h>
#include <kernel/uaccess.h>
#include <lib/file-ext.h>

#define CONSOLE_CHUNK 256              /* console bytes bounced through the stack at once */

static struct kmem_cache *file_cache;

/* Creates the slab caches for files and pipes; once at boot. */
void file_init(void)
{
    file_cache = kmem_cache_create("file", sizeof(struct file));
    if (file_cache == NULL)
        panic("file_init: no kmem_cache");
    pipe_init();
}

/* A fresh open file of the given type with one reference, or NULL without
 * memory; the caller fills in the inode or pipe. */
static struct file *file_alloc(enum file_type type, bool readable, bool writable)
{
    struct file *f = kmem_cache_alloc(file_cache);
    if (f == NULL)
        return NULL;
    memset(f, 0, sizeof(*f));
    f->type = type;
    f->readable = readable;
    f->writable = writable;
    spinlock_init(&f->lock, "file", LOCK_FILE);
    sleeplock_init(&f->offset_lock, "file offset", LOCK_FILE_OFFSET);
    f->ref = 1;
    return f;
}

/* ------------------------------------------------------------ opening */

/* open(): looks path up (creating it with FS_CREAT) and wraps the inode in
 * an open file. The open file comes first, so that without memory for it
 * FS_CREAT makes no file. Contract in <kernel/file.h>. */
err_t file_open(const char *path, int flags, struct file **out)
{
    int mode = flags & ~(FS_CREAT | FS_APPEND);
    bool readable = mode == FS_RDONLY || mode == FS_RDWR;
    bool writable = mode == FS_WRONLY || mode == FS_RDWR;
    struct inode *ip;

    struct file *f = file_alloc(FILE_INODE, readable, writable);
    if (f == NULL)
        return ERR_NOMEM;
    err_t err = fs_lookup(path, &ip);
    if (err == ERR_NOTEXIST && (flags & FS_CREAT))
        err = fs_open_or_create(path, &ip);    /* or what another made meanwhile */
    if (err == ERR_OK && writable && inode_ftype(ip) == FTYPE_DIR) {
        inode_put(ip);
        err = ERR_FTYPE;
    }
    if (err != ERR_OK) {
        kmem_cache_free(file_cache, f);
        return err;
    }
    f->inode = ip;
    f->append = (flags & FS_APPEND) != 0;
    *out = f;
    return ERR_OK;
}

/* An open file for the console, for reading or for writing (init's fd 0
 * and fd 1). Contract in <kernel/file.h>. */
err_t file_open_console(bool writable, struct file **out)
{
    struct file *f = file_alloc(FILE_CONSOLE, !writable, writable);
    if (f == NULL)
        return ERR_NOMEM;
    *out = f;
    return ERR_OK;
}

/* pipe(): a new pipe and its read and write ends; nothing is leaked if any
 * allocation fails. Contract in <kernel/file.h>. */
err_t file_open_pipe(struct file **readf, struct file **writef)
{
    struct pipe *p;
    err_t err = pipe_alloc(&p);
    if (err != ERR_OK)
        return err;
    struct file *r = file_alloc(FILE_PIPE, true, false);
    struct file *w = file_alloc(FILE_PIPE, false, true);
    if (r == NULL || w == NULL) {
        if (r != NULL)
            kmem_cache_free(file_cache, r);
        if (w != NULL)
            kmem_cache_free(file_cache, w);
        pipe_close(p, false);
        pipe_close(p, true);
        return ERR_NOMEM;
    }
    r->pipe = w->pipe = p;
    *readf = r;
    *writef = w;
    return ERR_OK;
}

/* ------------------------------------------------------- using a file */

/* One more reference to f (dup, fork). f->lock guards the count. */
struct file *file_dup(struct file *f)
{
    spinlock_acquire(&f->lock);
    f->ref++;
    spinlock_release(&f->lock);
    return f;
}

/* Drops a reference; the last one releases the inode or pipe end and
 * frees the file. Contract in <kernel/file.h>. */
void file_close(struct file *f)
{
    spinlock_acquire(&f->lock);
    int ref = --f->ref;
    spinlock_release(&f->lock);
    if (ref > 0)
        return;
    if (f->type == FILE_INODE)
        inode_put(f->inode);
    else if (f->type == FILE_PIPE)
        pipe_close(f->pipe, f->writable);
    kmem_cache_free(file_cache, f);
}

/* Reads at most one line (or CONSOLE_CHUNK bytes of it) from the console.
 * A line leaves the console's buffer as it is read and cannot go back, so
 * the user's buffer gets its frames first: with none free, the read is
 * ERR_NOMEM having consumed nothing, as api.md promises. Copied only
 * after the read, the line was lost when the copy needed a frame
 * (console_nomem). */
static ssize_t console_read_user(void *ubuf, size_t n)
{
    char kbuf[CONSOLE_CHUNK];
    if (n == 0)
        return 0;
    if (n > sizeof(kbuf))
        n = sizeof(kbuf);
    err_t err = user_prepare_write(ubuf, n);
    if (err != ERR_OK)
        return err;
    ssize_t got = console_read(kbuf, n);
    if (got > 0 && (err = copy_to_user(ubuf, kbuf, (size_t)got)) != ERR_OK)
        return err;                    /* not for want of a frame: they are there */
    return got;
}

/* Writes n user bytes to the console through a small kernel buffer; returns
 * what was written before a bad address or a kill, or the error if nothing
 * was. The UART takes about 350 KB/s and a write never waits in a killable
 * sleep, so the kill is looked for between chunks: without it a killed
 * process (kill, Ctrl-C) went on writing a large buffer to the end, some
 * 12 s per 4 MiB, unstoppable. */
static ssize_t console_write_user(const void *ubuf, size_t n)
{
    char kbuf[CONSOLE_CHUNK];
    size_t done = 0;
    while (done < n) {
        if (proc_killed(proc_current()))
            return done > 0 ? (ssize_t)done : ERR_KILLED;
        size_t m = n - done < sizeof(kbuf) ? n - done : sizeof(kbuf);
        err_t err = copy_from_user(kbuf, (const uint8_t *)ubuf + done, m);
        if (err != ERR_OK)
            return done > 0 ? (ssize_t)done : err;
        console_write(kbuf, m);
        done += m;
    }
    return (ssize_t)done;
}

/* read(): dispatches on the file type; offset_lock serializes readers of a
 * shared offset. Contract in <kernel/file.h>. */
ssize_t file_read(struct file *f, void *ubuf, size_t n)
{
    if (!f->readable)
        return 0;                      /* osv's answer, for pipes too */
    switch (f->type) {
    case FILE_INODE: {
        if (inode_ftype(f->inode) == FTYPE_DIR)
            return ERR_FTYPE;
        sleeplock_acquire(&f->offset_lock);
        ssize_t got = inode_read(f->inode, ubuf, true, f->offset, n);
        if (got > 0)
            f->offset += got;
        sleeplock_release(&f->offset_lock);
        return got;
    }
    case FILE_CONSOLE:
        return console_read_user(ubuf, n);
    case FILE_PIPE:
        return pipe_read(f->pipe, ubuf, n);
    }
    return ERR_INVAL;
}

/* write(): dispatches on the file type; offset_lock keeps the offset
 * update atomic with the write, and an append holds the inode's append
 * lock from reading the file's end to its last byte: without it two
 * appenders through different open files could read the same end and
 * write over each other. Contract in <kernel/file.h>. */
ssize_t file_write(struct file *f, const void *ubuf, size_t n)
{
    if (!f->writable)
        return 0;                      /* osv's answer, for pipes too */
    switch (f->type) {
    case FILE_INODE: {
        sleeplock_acquire(&f->offset_lock);
        if (f->append) {
            sleeplock_acquire(&f->inode->append);
            f->offset = inode_size(f->inode);
        }
        ssize_t put = inode_write(f->inode, ubuf, true, f->offset, n);
        if (put > 0)
            f->offset += put;
        if (f->append)
            sleeplock_release(&f->inode->append);
        sleeplock_release(&f->offset_lock);
        return put;
    }
    case FILE_CONSOLE:
        return console_write_user(ubuf, n);
    case FILE_PIPE:
        return pipe_write(f->pipe, ubuf, n);
    }
    return ERR_INVAL;
}

/* fstat(): only inodes have a stat. Contract in <kernel/file.h>. */
err_t file_stat(struct file *f, struct stat *st)
{
    if (f->type != FILE_INODE)
        return ERR_INVAL;
    inode_stat(f->inode, st);
    return ERR_OK;
}

/* readdir(): the next entry of a directory file, advancing its offset only
 * if the copy to user space succeeded. Contract in <kernel/file.h>. */
err_t file_readdir(struct file *f, struct dirent *ud)
{
    if (f->type != FILE_INODE)
        return ERR_FTYPE;
    struct dirent d;
    sleeplock_acquire(&f->offset_lock);
    offset_t next = f->offset;
    err_t err = dir_next_entry(f->inode, &next, &d);
    if (err == ERR_OK)
        err = copy_to_user(ud, &d, sizeof(d));
    if (err == ERR_OK)
        f->offset = next;
    sleeplock_release(&f->offset_lock);
    return err;
}

/* --------------------------------------------------------- fd tables */

/* Puts f in p's lowest free descriptor slot (POSIX's rule); ERR_NOMEM when
 * the table is full. Contract in <kernel/file.h>. */
int fd_install(struct proc *p, struct file *f)
{
    for (int fd = 0; fd < NUM_FILES; fd++) {
        if (p->files[fd] == NULL) {
            p->files[fd] = f;
            return fd;
        }
    }
    return ERR_NOMEM;
}

/* The file at fd in p, or NULL for a bad or unused descriptor. */
struct file *fd_get(struct proc *p, int fd)
{
    if (fd < 0 || fd >= NUM_FILES)
        return NULL;
    return p->files[fd];
}

/* Takes the file at fd out of p's table (close), handing the caller its
 * reference; NULL if fd was not open. */
struct file *fd_remove(struct proc *p, int fd)
{
    struct file *f = fd_get(p, fd);
    if (f != NULL)
        p->files[fd] = NULL;
    return f;
}

/* fork and spawn: the child shares each open file and the working
 * directory. Contract in <kernel/file.h>. */
void fd_table_copy(struct proc *child, struct proc *parent)
{
    for (int fd = 0; fd < NUM_FILES; fd++)
        child->files[fd] = parent->files[fd] != NULL ? file_dup(parent->files[fd]) : NULL;
    child->cwd = parent->cwd != NULL ? inode_dup(parent->cwd) : NULL;
}

/* exit: closes every descriptor and drops the working directory. */
void fd_table_release(struct proc *p)
{
    for (int fd = 0; fd < NUM_FILES; fd++) {
        struct file *f = fd_remove(p, fd);
        if (f != NULL)
            file_close(f);
    }
    if (p->cwd != NULL) {
        inode_put(p->cwd);
        p->cwd = NULL;
    }
}
