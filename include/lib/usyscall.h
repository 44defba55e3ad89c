/*
 * The osv system-call interface as user programs see it: osv's calls 1 to
 * 23 (numbers in lib/syscall-num.h, stubs in user/lib/usys.S), osv's
 * spellings of shared regions, and the constants and structs that cross
 * the user/kernel boundary. The names, signatures and values are osv's
 * (docs/api.md); osv programs include this header and must compile unmodified.
 *
 * It defines osv's names and no others, since an osv program may define
 * any other name itself (min, true, strcat, shm_create, PG_SIZE, errno,
 * ...): osv-rv's extensions live in headers of their own (lib/shm.h,
 * lib/futex.h, lib/sync.h, lib/mman.h, lib/bench.h, lib/layout.h,
 * lib/stdio-ext.h, lib/string-ext.h).
 *
 * Every pointer argument is checked by the kernel: NULL, kernel-space,
 * unmapped or too-short buffers give ERR_FAULT, never a panic. A good
 * pointer to memory with no frame of its own yet (untouched, or shared
 * copy-on-write after fork) gives ERR_NOMEM if no frame is free: nothing
 * was transferred at that point, and the call may be retried. Unknown or
 * closed fds give ERR_INVAL.
 *
 * The kernel (OSV_KERNEL) includes it too, for the constants and structs
 * only: it does not get the prototypes.
 */
#ifndef _LIB_USYSCALL_H_
#define _LIB_USYSCALL_H_

#include <arch/types.h>
#include <kernel/types.h>
#include <lib/errcode.h>

/* Lowest kernel virtual address (Sv39's upper half, where all physical
 * memory is mapped at KMAP_BASE + pa): a user access at or above it kills
 * the process. */
#define KMAP_BASE 0xFFFFFFC000000000UL
/* Top of the user stack, exclusive: the page at it is never mapped. */
#define USTACK_UPPERBOUND 0x3FFFFFF000UL

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

/* createSharedRegion() flags (osv's; shm_create in lib/shm.h takes them too) */
#define RS_DEFAULT 0
#define RS_PERSIST 0x100    /* outlives every process until destroyed */
#define RS_NOINHERIT 0x200  /* views are not copied into fork children */
#define RS_RDONLY 0x400     /* only the creator may map it writable */
#define RS_FAMILY 0x800     /* only the creator and its descendants find it */

#ifndef OSV_KERNEL

/* ---- processes ---- */

/* Copies the caller. Child pid in the parent, 0 in the child; ERR_NOMEM. */
int fork(void);

/*
 * Starts a new process running the program named by the first word of
 * args (looked up as given, then under "/" if that names no file: nothing
 * there, or a directory); the words of args (split at spaces and tabs)
 * become its argv. The new process is the caller's child and inherits the
 * caller's open fds, as a fork child would.
 * Returns the pid; ERR_FAULT, ERR_NOMEM, ERR_NOTEXIST (no such file, a
 * program path of more than 255 bytes, a directory, or no word at all),
 * ERR_INVAL (args longer than SPAWN_ARGS_MAX bytes with its terminator
 * or of more than SPAWN_WORDS_MAX words, lib/proc-ext.h; or a file that
 * is not a valid RISC-V executable: the rules are in lib/elf.h),
 * ERR_NORES (the kernel's table of in-use inodes is full: too many files
 * open across all processes).
 */
int spawn(const char *args);

/*
 * Waits for the child pid (-1: any child) to exit and reaps it; stores its
 * exit status in *wstatus unless wstatus is NULL.
 * Returns the pid; ERR_FAULT, ERR_CHILD (no such child, or already reaped),
 * ERR_NOMEM (no frame to back *wstatus: no child was reaped, retry).
 */
int wait(int pid, int *wstatus);

/* Ends the caller with status. A process the kernel kills exits with -1. */
void exit(int status) __attribute__((noreturn));

/* The caller's pid. */
int getpid(void);
/* Sleeps for at least seconds; a kill ends the sleep and the process. */
void sleep(unsigned int seconds);

/* ---- files ---- */

/*
 * Opens path. flags: one of FS_RDONLY/FS_WRONLY/FS_RDWR, optionally | FS_CREAT
 * (and | FS_APPEND, osv-rv's: lib/file-ext.h); anything else is ERR_INVAL. mode is unused (pass EMPTY_MODE).
 * Returns the lowest free fd; ERR_FAULT, ERR_NOTEXIST, ERR_NORES, ERR_FTYPE, ERR_NOMEM.
 */
int open(const char *path, int flags, int mode);

/* ERR_OK, ERR_INVAL. */
int close(int fd);

/* Bytes read: 0 at end of file, from a pipe with no writers left, or on an
 * fd not open for reading (osv); ERR_FAULT, ERR_INVAL, ERR_FTYPE (a
 * directory), ERR_NOMEM (nothing was consumed). */
ssize_t read(int fd, void *buf, size_t n);

/* Bytes written (0 on an fd not open for writing, as osv); ERR_FAULT,
 * ERR_INVAL, ERR_END (a pipe with no readers left), ERR_NORES (disk full,
 * or the file at its largest size), ERR_NOMEM. */
ssize_t write(int fd, const void *buf, size_t n);

/* Name changes: ERR_OK; ERR_FAULT or ERR_INVAL (a bad or overlong path);
 * ERR_NOTEXIST; ERR_EXIST (link, mkdir: the new name is taken);
 * ERR_FTYPE (a middle component is not a directory, unlink of a
 * directory, a link to one, chdir to a file, a file named with a
 * trailing '/': "README/"); ERR_NORES (no free inode or disk block). */
int link(const char *old, const char *new);
int unlink(const char *path);
int mkdir(const char *path);
int chdir(const char *path);

/* Next entry of the directory open on fd: ERR_OK, ERR_END past the last,
 * ERR_FTYPE if not a directory; ERR_INVAL for an fd not open. A bad d is
 * ERR_FAULT before the kind of file or the end is looked at (osv). A failed
 * call leaves *d as it was. */
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

/* Prints the caller's address space on the console, from the start of a
 * line: a line naming the pid and program, then one per region in address
 * order (range, permissions, kind, shared or private, resident pages). */
void meminfo(void);

/* ---- fds ---- */

/* Duplicates fd into the lowest free fd and returns it. */
int dup(int fd);

/* A new pipe: fds[0] reads, fds[1] writes. fds is a plain pointer, not
 * int fds[2]: gcc checks an array parameter's size at each call, and an
 * osv program's pipe(NULL) or pipe(bad address) would then not compile
 * under -Werror. */
int pipe(int *fds);

/* ---- system ---- */

/* Fills *sysinfo (page-fault count, frame counts, ...). */
void info(struct sys_info *sysinfo);

/* Powers the machine off (QEMU exits). */
void halt(void);

/* ---- shared regions (osv's spellings) ---- */

/*
 * Named shared regions as osv spells them (user/lib/shm_osv.c, thin
 * wrappers over lib/shm.h's calls): sizes are in pages, flag is RS_*,
 * map() gives a read-write view (a read-only one of an RS_RDONLY region
 * another process created: a store into it kills) and stores its start
 * in *addr. Each returns ERR_OK or the error of the call it wraps
 * (docs/shm.md).
 */
int createSharedRegion(const char *name, int npages, int flag);
int destroySharedRegion(const char *name);
int map(const char *name, void **addr);
int unmap(const char *name, void *addr);
int lockSharedRegion(const char *name);
int unlockSharedRegion(const char *name);

#endif /* !OSV_KERNEL */
#endif /* _LIB_USYSCALL_H_ */
