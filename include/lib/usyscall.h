/*
 * The osv system-call interface as user programs see it: one C prototype
 * per kernel call (numbers in lib/syscall-num.h, stubs in user/lib/usys.S),
 * and the constants and structs that cross the user/kernel boundary.
 * The names, signatures and values are osv's (API.md); osv programs include
 * this header and must compile unmodified.
 *
 * Every pointer argument is checked by the kernel: NULL, kernel-space,
 * unmapped or too-short buffers give ERR_FAULT, never a panic. Unknown or
 * closed fds give ERR_INVAL.
 *
 * This header must not define PG_SIZE or errno: osv programs declare
 * variables with those names.
 *
 * The kernel (OSV_KERNEL) and host tools (OSV_HOST_TOOL) include it too,
 * for the constants and structs only: they get neither the prototypes
 * nor lib/stddef.h, whose NULL and min() they may define their own way.
 */
#ifndef _LIB_USYSCALL_H_
#define _LIB_USYSCALL_H_

#include <lib/types.h>
#include <lib/errcode.h>
#include <lib/layout.h>     /* KMAP_BASE, USTACK_UPPERBOUND */
#if !defined(OSV_KERNEL) && !defined(OSV_HOST_TOOL)
#define _LIB_USYSCALL_PROTOTYPES_
#include <lib/stddef.h>     /* NULL, as osv programs expect */
#endif

/* File types, in struct stat's ftype. */
#define FTYPE_DIR 1
#define FTYPE_FILE 2
#define FTYPE_DEV 3

#define FNAME_LEN 28        /* bytes in dirent.name: a name is at most 27 bytes */
#define NUM_FILES 128       /* open files per process */
#define MAX_NAME_LEN 128    /* shared-region names, terminator included */
#define EMPTY_MODE 0        /* open()'s mode argument; osv ignores it */

/* open() flags: exactly one access mode, optionally FS_CREAT. */
#define FS_RDONLY 0x000
#define FS_WRONLY 0x001
#define FS_RDWR 0x002
#define FS_CREAT 0x100      /* create the file if it does not exist */

/* fstat() fills this. */
struct stat {
    int ftype;              /* FTYPE_DIR, FTYPE_FILE or FTYPE_DEV */
    int inode_num;
    size_t size;            /* bytes */
};

/* readdir() fills one of these per entry; "." and ".." are never reported. */
struct dirent {
    char name[FNAME_LEN];   /* NUL-terminated */
    int inode_num;
};

/* info() fills this. */
struct sys_info {
    size_t num_pgfault;     /* page faults since boot, every cause; MUST stay first (osv) */
    /* osv-rv additions follow, never before num_pgfault */
    size_t free_pages, total_pages;   /* physical frames */
    size_t shm_regions, shm_pages;    /* live named regions and their resident frames */
    size_t cow_copies;                /* frames copied by copy-on-write faults */
};

/* ---- named shared memory, futexes, file mappings (osv-rv) ---- */

/* shm_map / mmap protection */
#define SHM_READ 1
#define SHM_WRITE 2

/* shm_create flags */
#define RS_DEFAULT 0
#define RS_PERSIST 0x100    /* outlives every process until shm_destroy */
#define RS_NOINHERIT 0x200  /* views are not copied into fork children */
#define RS_RDONLY 0x400     /* only the creator may map it writable */
#define RS_FAMILY 0x800     /* only the creator and its descendants find it */

/* mmap flags */
#define MAP_SHARED 1        /* writes reach the file by munmap, exit or halt */
#define MAP_PRIVATE 2       /* copy-on-write; never reaches the file */

/* futex ops */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1

/* shm_list() fills one of these per live named region. */
struct shm_info {
    char name[MAX_NAME_LEN];
    size_t size;            /* bytes */
    size_t resident;        /* frames allocated so far */
    int flags;              /* RS_* */
    int views;              /* views mapped, in every process */
    int holders;            /* processes holding it (creator or a view) */
    int creator;            /* pid */
};

#ifdef _LIB_USYSCALL_PROTOTYPES_

/* ---- processes ---- */

/* Copies the caller. Child pid in the parent, 0 in the child; ERR_NOMEM. */
int fork(void);

/*
 * Starts a new process running the program named by the first word of
 * args (looked up as given, then under "/"); the words of args become its
 * argv. The new process is the caller's child and inherits the caller's
 * open fds, as a fork child would.
 * Returns the pid; ERR_FAULT, ERR_NOMEM, ERR_NOTEXIST.
 */
int spawn(const char *args);

/*
 * Waits for the child pid (-1: any child) to exit and reaps it; stores its
 * exit status in *wstatus unless wstatus is NULL.
 * Returns the pid; ERR_FAULT, ERR_CHILD (no such child, or already reaped).
 */
int wait(int pid, int *wstatus);

/* Ends the caller with status. A process the kernel kills exits with -1. */
void exit(int status) __attribute__((noreturn));

int getpid(void);
void sleep(unsigned int seconds);

/* ---- files ---- */

/*
 * Opens path. flags: one of FS_RDONLY/FS_WRONLY/FS_RDWR, optionally | FS_CREAT;
 * anything else is ERR_INVAL. mode is unused (pass EMPTY_MODE).
 * Returns the lowest free fd; ERR_FAULT, ERR_NOTEXIST, ERR_NORES, ERR_FTYPE, ERR_NOMEM.
 */
int open(const char *path, int flags, int mode);

/* ERR_OK, ERR_INVAL. */
int close(int fd);

/* Bytes read: 0 at end of file, from a pipe with no writers left, or on an
 * fd not open for reading (osv); ERR_FAULT, ERR_INVAL. */
ssize_t read(int fd, void *buf, size_t n);

/* Bytes written (0 on an fd not open for writing, as osv); ERR_FAULT,
 * ERR_INVAL, ERR_END (a pipe with no readers left). */
ssize_t write(int fd, const void *buf, size_t n);

int link(const char *old, const char *new);
int unlink(const char *path);
int mkdir(const char *path);
int chdir(const char *path);

/* Next entry of the directory open on fd: ERR_OK, ERR_END past the last, ERR_FTYPE if not a directory. */
int readdir(int fd, struct dirent *d);

/* ERR_NOTEMPTY if the directory still has entries. */
int rmdir(const char *path);

/* Files and directories only: ERR_INVAL for the console or a pipe (after
 * st is checked: a bad st is ERR_FAULT). */
int fstat(int fd, struct stat *st);

/* ---- memory ---- */

/*
 * Moves the end of the heap by increment bytes (negative shrinks and frees).
 * Returns the previous break; (void *)ERR_NOMEM on failure. A shrink below
 * the heap's start changes nothing and returns the current break (osv).
 */
void *sbrk(int increment);

/* Prints the caller's address space (regions, ranges, permissions, resident pages) on the console. */
void meminfo(void);

/* ---- fds ---- */

/* Duplicates fd into the lowest free fd and returns it. */
int dup(int fd);

/* A new pipe: fds[0] reads, fds[1] writes. */
int pipe(int fds[2]);

/* ---- system ---- */

/* Fills *sysinfo (page-fault count, frame counts, ...). */
void info(struct sys_info *sysinfo);

/* Powers the machine off (QEMU exits). */
void halt(void);

/* ---- osv-rv extensions ---- */

/* fork, but the child gets a copy of every page at once instead of
 * copy-on-write sharing: the fork of the first milestone, kept so the
 * benchmarks can compare the two in one boot. */
int fork_copy(void);

/* Named shared memory (sizes in bytes, rounded up to pages). See
 * docs/shm.md for a guide and the lifetime rules. */
int shm_create(const char *name, size_t size, int flags);
int shm_map(const char *name, void **addr, int prot);
int shm_unmap(const char *name, void *addr);
int shm_destroy(const char *name);
int shm_lock(const char *name);
int shm_unlock(const char *name);
int shm_resize(const char *name, size_t size);
/* Fills up to max entries about the live named regions the caller may
 * find (RS_FAMILY ones only within the family); returns how many. */
int shm_list(struct shm_info *buf, int max);

/* FUTEX_WAIT: sleep while *uaddr == val (ERR_AGAIN if not equal at the
 * call; ERR_TIMEDOUT after timeout_ms if nonzero). FUTEX_WAKE: wake up to
 * val waiters; returns how many. */
int futex(int *uaddr, int op, int val, unsigned int timeout_ms);

/* Maps length bytes of the file open on fd from offset (page aligned). */
int mmap(int fd, offset_t offset, size_t length, int prot, int flags, void **addr);
int munmap(void *addr, size_t length);

/* System calls this process has made so far (for benchmarks). */
long syscount(void);

/* osv's spellings (user/lib/shm_osv.c): sizes in pages, map() read-write. */
int createSharedRegion(const char *name, int npages, int flag);
int destroySharedRegion(const char *name);
int map(const char *name, void **addr);
int unmap(const char *name, void *addr);
int lockSharedRegion(const char *name);
int unlockSharedRegion(const char *name);

#endif /* _LIB_USYSCALL_PROTOTYPES_ */
#endif /* _LIB_USYSCALL_H_ */
