/*
 * The end of a process (contract in proc.h): exit, becoming a zombie
 * once the scheduler has freed its thread, and the parent's wait, which
 * reaps it and frees its pid (proc.c's table, proc_internal.h). Apart
 * from proc.c because it is the other half of the lifecycle written
 * there: what goes, in which order, so that a parent's wait sees a
 * process with nothing left but its struct.
 */
#include <kernel/proc.h>
#include <kernel/console.h>
#include <kernel/file.h>
#include <kernel/kmalloc.h>
#include <kernel/lineage.h>
#include <kernel/sched.h>
#include <kernel/shm.h>
#include <kernel/uaccess.h>

#include "proc_internal.h"

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
