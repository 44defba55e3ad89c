/*
 * Processes (contract in proc.h): allocation, the pid index, a new
 * process's start, wait and exit. What a new process is filled with
 * (init, spawn, fork) is spawn.c's, and loading a program into it
 * load.c's (proc_internal.h); kills are kill.c's, jobs and the process
 * list job.c's.
 *
 * Lifecycle: proc_alloc (ALIVE, in the pid index, no parent yet so no one
 * can wait for it) -> proc_start (on its parent's live list, runnable) ->
 * proc_exit (EXITING; its thread is freed by the scheduler once off its
 * stack) -> proc_zombie (ZOMBIE, on the parent's zombies list) -> reaped
 * by the parent's wait, which frees the struct. proc_discard undoes a
 * proc_alloc that never started.
 */
#include <kernel/proc.h>
#include <kernel/console.h>
#include <kernel/file.h>
#include <kernel/fs.h>
#include <kernel/kmalloc.h>
#include <kernel/lineage.h>
#include <kernel/pmem.h>
#include <kernel/sched.h>
#include <kernel/shm.h>
#include <kernel/string.h>
#include <kernel/thread.h>
#include <kernel/trap.h>
#include <kernel/uaccess.h>

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

/* Takes p out of the pid index: its pid may be used again. proc_lock held. */
static void pid_release(struct proc *p)
{
    struct proc **link = &pid_index[(unsigned)p->pid % PID_BUCKETS];
    while (*link != p)
        link = &(*link)->pid_next;
    *link = p->pid_next;
}

/* Frees the struct of a process nobody can reach any more. */
static void proc_free(struct proc *p)
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

/* The zombie child that proc_wait(pid) may reap, or NULL; *none tells
 * whether there is no matching child at all. proc_lock held. */
static struct proc *zombie_child(struct proc *me, int pid, bool *none)
{
    if (pid == -1) {
        *none = list_empty(&me->live) && list_empty(&me->zombies);
        return list_first(&me->zombies, struct proc, sibling);
    }
    struct proc *q = pid_lookup(pid);
    *none = !q || q->parent != me;
    return !*none && q->state == PROC_ZOMBIE ? q : NULL;
}

/* wait(): reaps a zombie child (pid, or any for -1), sleeping on
 * child_exited under proc_lock until one exits. Contract in <kernel/proc.h>. */
int proc_wait(int pid, int *status_user)
{
    struct proc *me = proc_current();
    if (pid == 0 || pid < -1)
        return ERR_CHILD;
    /* The pointer is checked first, by the regions alone: nothing is
     * stored until a child is reaped, so a fork child's copy-on-write
     * stack page is not touched by its waiting parent (an osv test
     * counting the child's faults with info() would see that fault). */
    if (status_user && !as_may_access(&me->as, (vaddr_t)status_user, sizeof(int), MEMPERM_W))
        return ERR_FAULT;
    spinlock_acquire(&proc_lock);
    for (;;) {
        bool none;
        struct proc *q = zombie_child(me, pid, &none);
        if (q) {
            int qpid = q->pid, status = q->exit_status;
            if (status_user) {
                /* The status goes out before the reap: with no frame to
                 * back the page (ERR_NOMEM) the child stays for a retry.
                 * Only this thread reaps this process's children, so q is
                 * still a zombie when the lock is taken again. */
                spinlock_release(&proc_lock);
                err_t err = copy_to_user(status_user, &status, sizeof(status));
                if (err != ERR_OK)
                    return err;
                spinlock_acquire(&proc_lock);
            }
            list_remove(&q->sibling);
            pid_release(q);
            spinlock_release(&proc_lock);
            proc_free(q);
            return qpid;
        }
        if (none) {
            spinlock_release(&proc_lock);
            return ERR_CHILD;
        }
        if (condvar_wait_killable(&me->child_exited, &proc_lock) != ERR_OK) {
            spinlock_release(&proc_lock);
            return ERR_KILLED;
        }
    }
}

/* Moves every process on from (children of an exiting process) to init's
 * list to. Returns whether there were any. proc_lock held. */
static bool adopt(struct list *from, struct list *to)
{
    bool any = !list_empty(from);
    while (!list_empty(from)) {
        struct list_node *n = list_begin(from);
        list_remove(n);
        list_append(to, n);
        list_entry(n, struct proc, sibling)->parent = initproc;
    }
    return any;
}

/* exit(): releases the process's resources, hands its children to init and
 * ends its thread; the scheduler then makes it a zombie (proc_zombie). */
void proc_exit(int status)
{
    struct proc *p = proc_current();
    if (p == initproc)
        panic("init exited with status %d", status);
    fd_table_release(p);
    kfree(p->files);
    p->files = NULL;
    /* The space goes with its root still in this hart's satp, which lets
     * go of it at its next switch, as an idle hart that held it would
     * (vpmap.h): exit and the next thread here cost one satp write, not
     * two (under QEMU each flushes the hart's whole TLB). */
    as_destroy(&p->as);
    shm_exit(p->pid);                      /* after its views went with the address space */
    lineage_exit(p->lineage);

    spinlock_acquire(&proc_lock);
    adopt(&p->live, &initproc->live);
    if (adopt(&p->zombies, &initproc->zombies))
        condvar_broadcast(&initproc->child_exited);
    /* A kill that returned ERR_OK came before this point (both hold
     * proc_lock, and kill only hits PROC_ALIVE): it wins over the status
     * exit was called with, so kill's answer and wait's status agree. */
    p->exit_status = p->killed ? -1 : status;
    p->state = PROC_EXITING;
    /* The scheduler frees the thread once it is off its stack and then
     * calls proc_zombie: the parent sees the zombie only when everything
     * but the struct proc is free, so the frame count after a wait is
     * final (tests compare it). */
    sched_exit(&proc_lock);
}

/* Publishes p's exit to its parent only once its thread and stack are
 * freed, so the frame count after a wait is final (tests compare it). */
void proc_zombie(struct proc *p)
{
    spinlock_acquire(&proc_lock);
    p->state = PROC_ZOMBIE;
    p->thread = NULL;
    list_remove(&p->sibling);
    list_append(&p->parent->zombies, &p->sibling);
    condvar_broadcast(&p->parent->child_exited);
    spinlock_release(&proc_lock);
}
