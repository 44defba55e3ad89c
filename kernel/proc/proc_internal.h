/*
 * What the files of kernel/proc/ share about processes, inside kernel/proc/
 * only: the rest of the kernel goes through proc.h. proc.c owns the
 * process table (proc_lock, the pid index, init), which kill.c and job.c
 * read, and a process's start; spawn.c fills a process proc.c made and
 * starts it, through load.c for a program; exit.c ends it and reaps it.
 */
#ifndef _KERNEL_PROC_PROC_INTERNAL_H_
#define _KERNEL_PROC_PROC_INTERNAL_H_

#include <kernel/proc.h>

/* proc.c: the process table, which every file here reads under proc_lock. */

#define PID_BUCKETS 512

/* The lock proc.h describes: family links, states, exit statuses and the
 * pid index below. */
extern struct spinlock proc_lock;
/* Every live, exiting and zombie process, started or not, hashed by pid
 * (bucket pid % PID_BUCKETS, chained by pid_next); proc_lock. A walk over
 * all buckets is O(processes + PID_BUCKETS). */
extern struct proc *pid_index[PID_BUCKETS];
/* init (pid 1): set once, before it starts, by proc_start_init, and never
 * changed; it never exits. */
extern struct proc *initproc;

/* The process with this pid, live, exiting or zombie, or NULL. proc_lock
 * held. */
struct proc *pid_lookup(pid_t pid);

/* proc.c: a process's making (for spawn.c) and freeing (for exit.c). */

/* A fresh process: ALIVE, with a pid in the pid index, an empty address
 * space, a table of free fds and a thread not yet runnable, but no
 * parent, so no one can wait for it, kill it or list it (kill.c, job.c).
 * NULL when memory runs out, with nothing left behind. */
struct proc *proc_alloc(void);
/* Undoes proc_alloc and whatever the caller set up after it (open files,
 * the address space's contents), for a process that never started: its
 * pid is free again and nothing is left behind. */
void proc_discard(struct proc *p);
/* Makes p, from proc_alloc and filled, the child of parent (NULL for
 * init) in parent's job, killed at once if parent is (proc.h), and queues
 * its thread (sched_ready_child, or sched_ready for init). Returns p's
 * pid; ERR_NOMEM when no lineage node can be had, p then discarded. Takes
 * proc_lock. */
int proc_start(struct proc *p, struct proc *parent);
/* Takes p out of the pid index, so its pid may be given again: at a reap
 * (proc_wait) or proc_discard. proc_lock held. */
void pid_release(struct proc *p);
/* Frees the struct of p, out of the pid index and its parent's lists, and
 * its fd table if still there: nobody can reach p any more. */
void proc_free(struct proc *p);

/* load.c: a program into a new process (for spawn.c). */

/*
 * Loads the program argv[0] into p, a process proc_alloc made that has
 * not started: the file as named or, for a relative name that names no
 * file there, under "/". argv holds argc words, at most SPAWN_WORDS_MAX,
 * whose bytes fit in SPAWN_ARGS_MAX, so they fit on the stack page; p is
 * named after the last part of argv[0]. Errors are proc_spawnv's
 * (proc.h): ERR_NOTEXIST (argc 0, no such file, a directory, a name too
 * long for a path), ERR_INVAL (not a program lib/elf.h allows),
 * ERR_NORES (the table of in-use inodes full), ERR_NOMEM; p's address
 * space may then hold part of the program, and the caller discards p.
 * May sleep (it reads the file); it takes no lock of p's, which runs
 * nowhere yet (elf_load's rule, elf.h).
 */
err_t proc_load(struct proc *p, int argc, char *const argv[]);

#endif /* _KERNEL_PROC_PROC_INTERNAL_H_ */
