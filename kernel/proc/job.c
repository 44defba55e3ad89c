/*
 * Jobs and the process list (contract in proc.h): proc_new_job regroups
 * a child's subtree into a job of its own (what Ctrl-C kills), and
 * proc_list is ps's snapshot of the process table. Both only walk the
 * tree or the pid index under proc_lock (proc_internal.h) and change
 * nothing but job ids, so they stand apart from the files that make and
 * end processes (proc.c, spawn.c, exit.c).
 */
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/thread.h>

#include "proc_internal.h"

/* The next process after p in a walk of the tree of live processes below
 * root (p's children first, then its siblings, then its ancestors'
 * siblings), or NULL at the end: no recursion, however deep the tree.
 * proc_lock held. */
static struct proc *next_below(struct proc *p, struct proc *root)
{
    struct proc *child = list_first(&p->live, struct proc, sibling);
    if (child)
        return child;
    for (; p != root; p = p->parent)
        if (p->sibling.next != list_end(&p->parent->live))
            return list_entry(p->sibling.next, struct proc, sibling);
    return NULL;
}

/* Makes the caller's child pid and its live descendants a job of their
 * own (what Ctrl-C kills). Contract in <kernel/proc.h>. */
int proc_new_job(int pid)
{
    if (pid <= 0)
        return ERR_INVAL;
    spinlock_acquire(&proc_lock);
    struct proc *leader = pid_lookup(pid);
    bool child = leader && leader->parent == proc_current();
    for (struct proc *p = child ? leader : NULL; p; p = next_below(p, leader))
        p->job = pid;
    spinlock_release(&proc_lock);
    return child ? ERR_OK : ERR_CHILD;
}

/* What ps shows of p's state. proc_lock held (so p's thread is not freed).
 * An exiting process is still running until the scheduler has freed its
 * thread and stack (proc_zombie): shown a zombie before that, a test that
 * waited for the zombie (await_state) and then counted free frames saw
 * them come back later (nomem_pointers). */
static int info_state(struct proc *p)
{
    if (p->state == PROC_ZOMBIE)
        return PROC_INFO_ZOMBIE;
    if (p->state == PROC_EXITING)
        return PROC_INFO_RUNNING;
    switch (sched_thread_state(p->thread)) {
    case THREAD_RUNNING: return PROC_INFO_RUNNING;
    case THREAD_SLEEPING: return PROC_INFO_SLEEPING;
    default: return PROC_INFO_READY;
    }
}

/* For ps: the processes above pid after, in pid order, as one consistent
 * snapshot under proc_lock. Contract in <kernel/proc.h>. */
int proc_list(struct proc_info *out, int max, pid_t after)
{
    int n = 0;
    spinlock_acquire(&proc_lock);
    /* Keeps out[0..n) sorted by pid: the max smallest pids above after. */
    for (int b = 0; b < PID_BUCKETS; b++) {
        for (struct proc *p = pid_index[b]; p; p = p->pid_next) {
            if (p->pid <= after || !(p->parent || p == initproc))
                continue;
            if (n == max && (max == 0 || p->pid > out[n - 1].pid))
                continue;
            int i = n < max ? n++ : n - 1;
            for (; i > 0 && out[i - 1].pid > p->pid; i--)
                out[i] = out[i - 1];
            out[i] = (struct proc_info){
                .pid = p->pid,
                .parent = p->parent ? p->parent->pid : 0,
                .job = p->job,
                .state = info_state(p),
            };
            strlcpy(out[i].name, p->name, sizeof(out[i].name));
        }
    }
    spinlock_release(&proc_lock);
    return n;
}
