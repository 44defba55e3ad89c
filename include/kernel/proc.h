/*
 * Processes: an address space, open files, a working directory, children.
 *
 * The process table is an array of NPROC slots under ptable_lock (first in
 * the lock order). A process that exits becomes a zombie holding only its
 * pid, status and kernel stack until its parent waits for it; orphans are
 * given to init (pid 1), which reaps them.
 */
#ifndef _KERNEL_PROC_H_
#define _KERNEL_PROC_H_

#include <kernel/types.h>
#include <lib/errcode.h>
#include <lib/usyscall.h>
#include <kernel/synch.h>
#include <kernel/vm.h>

struct file;
struct inode;
struct lineage;
struct thread;

#define PROC_NAME_LEN 32
#define SPAWN_ARGS_MAX 256     /* bytes of a spawn string, NUL included */

enum proc_state { PROC_UNUSED, PROC_ALIVE, PROC_ZOMBIE };

struct proc {
    /* guarded by ptable_lock */
    enum proc_state state;
    pid_t pid;
    struct proc *parent;
    int exit_status;
    bool killed;
    /* owned by the process itself */
    char name[PROC_NAME_LEN];
    struct addrspace as;
    struct thread *thread;
    struct file *files[NUM_FILES];   /* fd table; NULL = free */
    struct inode *cwd;
    /* the node of its place in the tree of processes (lineage.h), from
     * start to exit: RS_FAMILY regions are visible to their creator's
     * descendants, at any depth, even after those between them exited */
    struct lineage *lineage;
    long syscalls;                   /* system calls made (syscount) */
};

void proc_init(void);
/* Starts /init as pid 1 (called from the first kernel thread). */
void proc_start_init(void);
struct proc *proc_current(void);

/* Creates a process from the program named in args (a command line);
 * the child inherits the caller's open files and cwd. Returns pid or error. */
int proc_spawn(const char *args);
/* fork: the child's private memory is copy-on-write, or copied at once
 * when eager (the boot-milestone fork, kept for the benchmarks). */
int proc_fork(bool eager);
int proc_wait(int pid, int *status_user);
void proc_exit(int status) __attribute__((noreturn));
/* Prints the killed: line and exits with -1. */
void proc_kill_current(const char *cause, uint64_t addr, uint64_t pc) __attribute__((noreturn));

#endif /* _KERNEL_PROC_H_ */
