/*
 * Processes: an address space, open files, a working directory, children.
 *
 * There is no process table: a struct proc comes from a kmem_cache when a
 * process is created and goes back when its parent reaps it, so the number
 * of processes is bounded by memory only, and fork/spawn fail with
 * ERR_NOMEM (never a panic) when it runs out.
 *
 * A process that exits frees everything at once (address space, files,
 * its thread and kernel stack, via the scheduler) and becomes a zombie:
 * the struct proc alone, holding its pid and status, until its parent
 * waits for it. Orphans, live or zombie, are handed to init (pid 1),
 * which reaps them.
 *
 * Pids are unique among live and zombie processes: they count up and, past
 * PID_MAX, start again at 2, skipping any still in use; a pid is free
 * again only once reaped, so a parent never waits for a stranger.
 *
 * Killing (proc_kill, the kill() system call, and Ctrl-C on the console)
 * only sets the process's killed flag and wakes it from a killable sleep
 * (sched.h); the process itself exits with status -1 on its way back to
 * user mode (trap.c): at once from a killable sleep, within a timer tick
 * from a loop in user mode, after the call from any other kernel work. No
 * process is ever torn down from outside, so nothing it holds leaks.
 * A process started by a killed one is killed too, so a job that is being
 * killed cannot escape through a fork or spawn in progress.
 *
 * Jobs: every process has a job id, the pid of its job's leader. init's
 * is 1, and a new process takes its parent's. The shell makes each
 * foreground command (a program, or the process running a pipeline) the
 * leader of a new job (proc_new_job) and makes that job the console's
 * foreground (console.h), whose processes Ctrl-C kills; everything they
 * start joins the job, while the shell, init and background jobs stay out
 * of it.
 *
 * Locking: proc_lock (a spinlock, LOCK_PROC in synch.h: only the
 * scheduler's lock is taken inside it) guards the family links, states,
 * exit statuses and the pid index below; the rest belongs to the process
 * itself: only its own thread touches it (its address space has its own
 * lock, vm.h), and its parent only once it is a zombie.
 *
 * Errors: every call that can fail returns an error code from errcode.h
 * and leaves nothing behind; running out of memory is ERR_NOMEM, never a
 * panic. Only init failing to start or exiting panics.
 */
#ifndef _KERNEL_PROC_H_
#define _KERNEL_PROC_H_

#include <kernel/types.h>
#include <lib/errcode.h>
#include <lib/usyscall.h>
#include <kernel/list.h>
#include <kernel/synch.h>
#include <kernel/vm.h>
#include <lib/proc-ext.h>          /* struct proc_info, SPAWN_ARGS_MAX, SPAWN_WORDS_MAX */

struct file;
struct inode;
struct lineage;
struct thread;

#define PROC_NAME_LEN 32
#define PID_MAX 0x7FFFFFFF     /* largest pid before they start again at 2 */

/* ALIVE from proc_alloc; EXITING from proc_exit until its thread is freed
 * (nothing but the struct may be touched then); ZOMBIE once reapable. */
enum proc_state { PROC_ALIVE, PROC_EXITING, PROC_ZOMBIE };

struct proc {
    /* guarded by proc_lock */
    enum proc_state state;
    pid_t pid;
    struct proc *parent;             /* NULL for init and before proc_start */
    int exit_status;
    pid_t job;                       /* its job's leader (above) */
    bool killed;                     /* set once, never cleared; written under
                                      * proc_lock, read anywhere (proc_killed) */
    struct list_node sibling;        /* in the parent's live or zombies list */
    struct list live;                /* children still running */
    struct list zombies;             /* children that exited, oldest first */
    struct condvar child_exited;     /* the process waits here in proc_wait */
    struct proc *pid_next;           /* chain of the pid index */
    /* owned by the process itself */
    char name[PROC_NAME_LEN];
    struct addrspace as;
    struct thread *thread;           /* NULL once a zombie */
    struct file **files;             /* NUM_FILES slots, NULL = free fd; freed at exit */
    struct inode *cwd;
    /* the node of its place in the tree of processes (lineage.h), from
     * start to exit: RS_FAMILY regions are visible to their creator's
     * descendants, at any depth, even after those between them exited */
    struct lineage *lineage;
    long syscalls;                   /* system calls made (syscount) */
};

struct proc_info;

/* Creates the process allocator and proc_lock: once, on the boot hart,
 * after kmalloc_init and before the first process. */
void proc_init(void);
/* Starts /init as pid 1 (called from the first kernel thread). */
void proc_start_init(void);
/* The process of the running thread; NULL in a kernel thread. */
struct proc *proc_current(void);

/* A spawn's words on their way in (spawn, spawnv): bytes holds them one
 * after another, each NUL-terminated, and argv[0..argc) points at each.
 * Too big for a kernel stack (3 KiB), so it takes a page of its own. */
struct spawn_args {
    int argc;
    char *argv[SPAWN_WORDS_MAX];
    char bytes[SPAWN_ARGS_MAX];
};
/* A spawn_args (argc 0), or NULL when memory runs out; spawn_args_free
 * gives it back (proc_spawn and proc_spawnv do, whatever they return). */
struct spawn_args *spawn_args_alloc(void);
void spawn_args_free(struct spawn_args *a);

/* spawn(): a->bytes holds a command line (NUL-terminated), which is split
 * in place into words at spaces and tabs, set in a->argv; then as
 * proc_spawnv. ERR_INVAL, with no process made, for more than
 * SPAWN_WORDS_MAX words. Frees a. May sleep, as proc_spawnv. */
int proc_spawn(struct spawn_args *a);
/* Creates a process running the program a->argv[0] with the words of a
 * (a->argc of them, 0 to SPAWN_WORDS_MAX, their bytes in a->bytes) as its
 * argv; the child inherits the caller's open files and cwd. Frees a, and
 * before the child can run: a child counting free frames at once (the
 * runner's `free`, a test's first look) must not find a's page still
 * taken by its parent. Returns the pid; ERR_NOTEXIST for no word or no
 * such program, ERR_INVAL for a file that is not a valid executable,
 * ERR_NORES when the table of in-use inodes is full, ERR_NOMEM when
 * memory runs out; a failure leaves nothing behind. May sleep (it reads
 * the program from the disk); call it holding no lock. */
int proc_spawnv(struct spawn_args *a);
/* fork: a child of the caller with a copy of its address space (private
 * memory copy-on-write, or copied at once when eager: fork_copy, kept for
 * the benchmarks to compare; shared views as as_copy says, vm.h), its open
 * files and cwd (fd_table_copy), its name, job and registers, returning 0
 * from the call. Returns the child's pid, or ERR_NOMEM with nothing left
 * behind. Sleeps (it takes the caller's as->lock). */
int proc_fork(bool eager);
/* Reaps a zombie child (pid, or any with -1), sleeping until one exits;
 * stores its status at status_user (unless NULL) and returns its pid.
 * ERR_CHILD if there is no such child, ERR_FAULT for a bad pointer,
 * ERR_NOMEM when no frame can back *status_user (the child stays, for a
 * retry), ERR_KILLED if the caller is killed while it sleeps; nothing is
 * reaped on an error. O(1) but for the sleep: the children are kept on the
 * parent, zombies apart, and a pid is found through the pid index. */
int proc_wait(int pid, int *status_user);
/* Frees everything but the struct proc, hands the children (live and
 * zombie) to init and becomes a zombie for its parent: O(own children).
 * Sleeps (closing files and views, shm_exit); called holding no lock. */
void proc_exit(int status) __attribute__((noreturn));
/* The scheduler's last step of an exit, once p's thread and kernel stack
 * are freed: p becomes a zombie its parent can reap. Takes proc_lock. */
void proc_zombie(struct proc *p);
/* p's name for the kernel's console lines (killed:, meminfo's) into out:
 * control bytes as '?', and the words PANIC, ERROR, passed and Assertion
 * with their case flipped, so that no program's name puts them in a kernel line
 * (docs/api.md). Never sleeps. */
void proc_console_name(struct proc *p, char out[PROC_NAME_LEN]);
/* Whether p has been killed (any context, no lock needed). */
static inline bool proc_killed(struct proc *p)
{
    return __atomic_load_n(&p->killed, __ATOMIC_ACQUIRE);
}
/* kill(pid): kills the live process pid (above). Any process may kill any
 * other, itself included, but init. ERR_OK; ERR_INVAL for pid <= 0;
 * ERR_PERM for init (pid 1); ERR_NOTEXIST if no process of that pid is
 * alive (zombies and exiting processes have already exited). Takes
 * proc_lock and the scheduler's; never sleeps. */
int proc_kill(int pid);
/* Kills every live process of job (init never); returns how many were
 * not killed already: 0 for a job that is gone or already dying, so a
 * Ctrl-C typed right behind the one that killed it is held for the next
 * command (console.c) instead of spent on it. Safe in an interrupt
 * handler (Ctrl-C): takes proc_lock and the scheduler's lock only.
 * O(processes). */
int proc_kill_job(pid_t job);
/* Makes the caller's child pid (live or zombie) the leader of a new job
 * whose id is pid, with all of its live descendants. ERR_OK; ERR_INVAL for
 * pid <= 0; ERR_CHILD if pid is not a child of the caller. Takes
 * proc_lock; never sleeps. */
int proc_new_job(int pid);
/* Fills up to max entries of out (kernel memory) about the processes
 * whose pid is above after, in pid order; returns how many. Processes
 * being created (fork or spawn not yet returned) are left out. Takes
 * proc_lock (and the scheduler's, for each state); never sleeps. */
int proc_list(struct proc_info *out, int max, pid_t after);
/* Prints the killed: line and exits with -1 (proc_exit: sleeps). */
void proc_kill_current(const char *cause, uint64_t addr, uint64_t pc) __attribute__((noreturn));

#endif /* _KERNEL_PROC_H_ */
