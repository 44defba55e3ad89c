/*
 * Open files, file descriptors and pipes.
 *
 * A struct file is one open of something: an inode (file or directory),
 * the console, or one end of a pipe. fds are indexes into a process's
 * table p->files[NUM_FILES] (proc.h) of pointers to open files. dup, fork
 * and spawn share an open file between fds and processes: the file is
 * reference counted and its offset is shared (a read through one fd moves
 * the offset for all), as in Unix.
 *
 * Locking: f->lock (spinlock) guards f->ref. f->offset_lock (sleeplock)
 * guards f->offset and is held across a whole read, write or readdir of an
 * inode file, so users of one open file see each call's bytes as a unit;
 * the copy to or from user memory it covers may fault, so it comes before
 * the address space in the lock order (LOCK_FILE_OFFSET, synch.h), as a
 * pipe's reader and writer locks do (LOCK_PIPE_END). An FS_APPEND write
 * also holds its inode's append lock (LOCK_INODE_APPEND, taken inside
 * offset_lock) from reading the file's end to its last byte, so appends
 * through different open files take turns.
 * The fd table has no lock: only the process's own (single) thread changes
 * it, or its parent before the child runs.
 * Every call below that reads or writes a file, a directory or a pipe may
 * sleep (the disk, a sleeplock, the wait for data or room, a fault on the
 * user buffer), so it is called holding no lock; file_dup, fd_install,
 * fd_get and fd_remove never sleep.
 *
 * Partial transfers: a read or write that faults on the user buffer after
 * moving some bytes returns how many it moved; one that faults on the first
 * byte returns the copy's error (the Unix rule): ERR_FAULT for a bad
 * pointer, ERR_NOMEM for a good one no frame could back (uaccess.h). Either
 * way the bytes not moved stay where they were (in the pipe, or the file
 * offset does not pass them). Callers check that the whole user range lies
 * in user space first; the system calls check too that the caller's
 * regions cover all of it (vm.h's as_may_access, as osv does), so for them
 * only ERR_NOMEM cuts a transfer short.
 */
#ifndef _KERNEL_FILE_H_
#define _KERNEL_FILE_H_

#include <kernel/types.h>
#include <lib/errcode.h>
#include <lib/usyscall.h>
#include <kernel/synch.h>

struct inode;
struct pipe;
struct proc;

enum file_type { FILE_INODE = 1, FILE_CONSOLE, FILE_PIPE };

struct file {
    /* fixed when the file is opened */
    enum file_type type;
    bool readable, writable;
    bool append;                       /* FS_APPEND: each write at the end */
    struct inode *inode;               /* FILE_INODE: holds one reference */
    struct pipe *pipe;                 /* FILE_PIPE */
    /* guarded by lock */
    struct spinlock lock;
    int ref;
    /* guarded by offset_lock (FILE_INODE only) */
    struct sleeplock offset_lock;
    offset_t offset;                   /* byte offset; for a directory, of the next entry */
};

/* Creates the kmem_caches for files and pipes. Once at boot, after
 * kmalloc_init; does not sleep. */
void file_init(void);

/* ------------------------------------------------------------ opening */

/*
 * Opens path with open()'s flags (FS_RDONLY/FS_WRONLY/FS_RDWR, optionally
 * | FS_CREAT, | FS_APPEND (lib/file-ext.h); the caller has checked they
 * are well formed). With FS_CREAT a
 * missing file is created empty (an existing one is opened as it is).
 * Returns a file with one reference in *out.
 * Errors: those of fs_lookup and, with FS_CREAT, fs_open_or_create (fs.h);
 * ERR_FTYPE for a directory opened for writing; ERR_NOMEM (no open file:
 * checked first, so FS_CREAT then makes no file). May sleep.
 */
err_t file_open(const char *path, int flags, struct file **out);

/* A new open file on the console, open for reading or for writing: init's
 * fd 0 reads it and its fd 1 writes it, as osv's stdin and stdout, so a
 * write on fd 0 or a read on fd 1 returns 0 as on any file opened the
 * other way. ERR_NOMEM. */
err_t file_open_console(bool writable, struct file **out);

/* A new pipe: *readf reads from it, *writef writes into it; its buffer
 * is one frame. ERR_NOMEM. */
err_t file_open_pipe(struct file **readf, struct file **writef);

/* ------------------------------------------------------- using a file */

/* Another reference to f; returns f. Never sleeps. */
struct file *file_dup(struct file *f);

/* Drops a reference; the last one closes what the file holds (the inode
 * reference, the pipe end). May sleep; call with no spinlock held. */
void file_close(struct file *f);

/*
 * Reads up to n bytes into the user buffer ubuf. Inode files read at the
 * offset and advance it (0 at the end of the file); the console returns at
 * most one line, waiting for it; a pipe waits until it holds data and
 * returns what is there (0 once empty with no writer left). A file not
 * open for reading (FS_WRONLY, a pipe's write end) reads 0 bytes, as in
 * osv, whose programs check it.
 * Errors: ERR_FTYPE for a directory (use readdir); ERR_FAULT; ERR_NOMEM;
 * ERR_KILLED when the process is killed while a pipe or the console read
 * waits (sched.h: the program never sees it).
 */
ssize_t file_read(struct file *f, void *ubuf, size_t n);

/*
 * Writes n bytes from the user buffer ubuf. Inode files write at the
 * offset (growing the file) and advance it, the offset first moved to the
 * file's end if it was opened FS_APPEND (appends to one file, through any
 * open files, take turns: none overwrites another); a pipe waits for room until
 * everything is written, or the process is killed; the console stops between chunks of a large
 * write when the process is killed (its few hundred KB/s would keep a
 * killed writer going for minutes). A file not open for writing (FS_RDONLY, a
 * directory, a pipe's read end) writes 0 bytes, as in osv.
 * Errors: ERR_END for a pipe with no
 * reader left (when nothing was written); ERR_FAULT; ERR_NORES (disk full);
 * ERR_NOMEM (no kernel memory, or no frame for the user's page);
 * ERR_KILLED (killed before a pipe or console write moved a byte).
 */
ssize_t file_write(struct file *f, const void *ubuf, size_t n);

/* Fills the kernel struct *st from an inode file's inode, under its lock
 * (may sleep). ERR_INVAL for the console and pipes, which have none
 * (osv's answer). */
err_t file_stat(struct file *f, struct stat *st);

/* Stores the next entry of a directory, at the file's offset, in the user
 * struct *ud and moves the offset past it, holding offset_lock across the
 * copy (may sleep). ERR_OK; ERR_END past the last; ERR_FTYPE if f is not
 * a directory (a file, the console, a pipe); ERR_FAULT or ERR_NOMEM if
 * *ud cannot be written (the offset then stays, so the entry is not
 * lost). */
err_t file_readdir(struct file *f, struct dirent *ud);

/* --------------------------------------------------------- fd tables */

/* Puts f in the lowest free fd of p and returns the fd; ERR_NOMEM when
 * all NUM_FILES are in use (osv's answer). Takes over the caller's
 * reference to f on success. */
int fd_install(struct proc *p, struct file *f);

/* The file open on fd, or NULL if fd is out of range or not open. No new
 * reference: valid until the process itself closes fd. */
struct file *fd_get(struct proc *p, int fd);

/* Takes fd out of p's table and returns its file (the table's reference
 * passes to the caller), or NULL if fd is not open. */
struct file *fd_remove(struct proc *p, int fd);

/* fork and spawn: gives child a reference to each of parent's open files,
 * at the same fds, and to its working directory. Never fails. */
void fd_table_copy(struct proc *child, struct proc *parent);

/* exit: closes every fd of p and drops its working directory (may sleep;
 * call before the process becomes a zombie, with no spinlock held). */
void fd_table_release(struct proc *p);

/* ---------------------------------------------------- pipes (pipe.c) */
/*
 * A pipe is a one-frame ring buffer with counts of open read and write
 * ends; file.c holds one struct file per end. Readers are served one at a
 * time (a sleeplock), and so are writers, so a reader can copy straight out
 * of the ring to user memory without the pipe's spinlock: no one else
 * consumes those bytes, and a writer only fills the free part.
 */

/* Sets up the pipe kmem_cache (file_init calls it). */
void pipe_init(void);
/* A new pipe with one read end and one write end open. ERR_NOMEM. */
err_t pipe_alloc(struct pipe **out);
/* file_read / file_write on a pipe end (see those): each takes its end's
 * sleeplock (killable) and then waits, killable too, for data or room;
 * ERR_KILLED if the process is killed before a byte moved. */
ssize_t pipe_read(struct pipe *p, void *ubuf, size_t n);
ssize_t pipe_write(struct pipe *p, const void *ubuf, size_t n);
/* Closes one end (the write end if writable); wakes whoever waits on the
 * other; frees the pipe when both sides are closed. Takes the pipe's
 * spinlock only: never sleeps. */
void pipe_close(struct pipe *p, bool writable);

#endif /* _KERNEL_FILE_H_ */
