/*
 * The process table (contract in proc.h): allocating a process, the
 * pid index, and a new process's start. What a new process is filled
 * with (init, spawn, fork) is spawn.c's, and loading a program into it
 * load.c's; its end (exit, wait) is exit.c's; kills are kill.c's, jobs
 * and the process list job.c's. All of them use the table through
 * proc_internal.h.
 *
 * Lifecycle: proc_alloc (ALIVE, in the pid index, no parent yet so no one
 * can wait for it) -> proc_start (on its parent's live list, runnable) ->
 * proc_exit (exit.c, as the rest: EXITING; its thread is freed by the
 * scheduler once off its stack) -> proc_zombie (ZOMBIE, on the parent's
 * zombies list) -> reaped by the parent's wait, which frees the struct.
 * proc_discard undoes a proc_alloc that never started.
 */
#include <kernel/proc.h>
#include <kernel/file.h>
#include <kernel/kmalloc.h>
#include <kernel/lineage.h>
#include <kernel/sched.h>
#include <kernel/thread.h>

#include "proc_internal.h"

static struct kmem_cache *proc_cache;
struct spinlock proc_lock;                   /* proc_internal.h */
struct proc *pid_index[PID_BUCKETS];         /* proc_internal.h */
static pid_t next_pid = 1;                   /* proc_lock */
struct proc *initproc;                       /* proc_internal.h */

/* The cache and lock every later process uses, made before any: no lazy
 * creation two harts could race on. Contract in <kernel/proc.h>. */
void proc_init(void)
{
    spinlock_init(&proc_lock, "proc", LOCK_PROC);
    proc_cache = kmem_cache_create("proc", sizeof(struct proc));
}

/* Through the hart's thread, so a kernel thread (no proc) gets NULL.
 * Contract in <kernel/proc.h>. */
struct proc *proc_current(void)
{
    struct thread *t = thread_current();
    return t ? t->proc : NULL;
}

/* Down pid's chain of the pid index. Contract in proc_internal.h. */
struct proc *pid_lookup(pid_t pid)
{
    struct proc *p = pid_index[(unsigned)pid % PID_BUCKETS];
    while (p && p->pid != pid)
        p = p->pid_next;
    return p;
}

/* Gives p a pid no live or zombie process has, and indexes it. With fewer
 * processes than pids, the loop ends. proc_lock held. */
static void pid_assign(struct proc *p)
{
    do {
        p->pid = next_pid;
        next_pid = next_pid == PID_MAX ? 2 : next_pid + 1;
    } while (pid_lookup(p->pid));
    struct proc **bucket = &pid_index[(unsigned)p->pid % PID_BUCKETS];
    p->pid_next = *bucket;
    *bucket = p;
}

/* Takes p out of the pid index: its pid may be used again. proc_lock held.
 * Contract in proc_internal.h. */
void pid_release(struct proc *p)
{
    struct proc **link = &pid_index[(unsigned)p->pid % PID_BUCKETS];
    while (*link != p)
        link = &(*link)->pid_next;
    *link = p->pid_next;
}

/* Frees the struct of a process nobody can reach any more. Contract in
 * proc_internal.h. */
void proc_free(struct proc *p)
{
    kfree(p->files);
    kmem_cache_free(proc_cache, p);
}

/* A fresh process with an empty address space and a thread; no parent
 * yet. NULL when memory runs out, with nothing left behind. Contract in
 * proc_internal.h. */
struct proc *proc_alloc(void)
{
    struct proc *p = kmem_cache_alloc(proc_cache);     /* zeroed */
    if (!p)
        return NULL;
    p->files = kmalloc(NUM_FILES * sizeof(*p->files)); /* zeroed: every fd free */
    if (!p->files || as_init(&p->as) != ERR_OK || !(p->thread = thread_alloc("user"))) {
        as_destroy(&p->as);
        proc_free(p);
        return NULL;
    }
    p->thread->proc = p;
    list_init(&p->live);
    list_init(&p->zombies);
    condvar_init(&p->child_exited);
    spinlock_acquire(&proc_lock);
    p->state = PROC_ALIVE;
    pid_assign(p);
    spinlock_release(&proc_lock);
    p->as.pid = p->pid;
    return p;
}

/* Undoes proc_alloc and whatever was set up after it (never ran).
 * Contract in proc_internal.h. */
void proc_discard(struct proc *p)
{
    fd_table_release(p);
    as_destroy(&p->as);
    thread_free(p->thread);
    spinlock_acquire(&proc_lock);
    pid_release(p);
    spinlock_release(&proc_lock);
    proc_free(p);
}

/* Makes p the child of parent and lets it run; ERR_NOMEM discards p.
 * Contract in proc_internal.h. */
int proc_start(struct proc *p, struct proc *parent)
{
    int pid = p->pid;
    if (!(p->lineage = lineage_new(parent ? parent->lineage : NULL))) {
        proc_discard(p);
        return ERR_NOMEM;
    }
    spinlock_acquire(&proc_lock);
    p->parent = parent;
    p->job = parent ? parent->job : p->pid;
    if (parent) {
        list_append(&parent->live, &p->sibling);
        if (proc_killed(parent))       /* a job being killed: no escape (proc.h) */
            __atomic_store_n(&p->killed, true, __ATOMIC_RELEASE);
    }
    spinlock_release(&proc_lock);
    if (parent)
        sched_ready_child(p->thread);    /* the parent owes the kick: sched.c */
    else
        sched_ready(p->thread);
    return pid;
}
