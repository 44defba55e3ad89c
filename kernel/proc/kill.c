/*
 * Killing processes (contract in proc.h): kill(pid), Ctrl-C's kill of a
 * job, and a fatal fault's kill of the current process with its killed:
 * line. A kill only marks the process and wakes it from a killable sleep;
 * it exits on its own way back to user mode (proc.h says why), so nothing
 * here tears a process down. Apart from proc.c because a kill only reads
 * the process table (proc_internal.h) and marks a process: its end is
 * exit.c's, as the current process's here (proc_kill_current).
 */
#include <kernel/proc.h>
#include <kernel/console.h>
#include <kernel/sched.h>
#include <kernel/string.h>

#include "proc_internal.h"

/* Kills p (live, started). proc_lock held. */
static void kill_locked(struct proc *p)
{
    __atomic_store_n(&p->killed, true, __ATOMIC_RELEASE);
    sched_wake_killable(p->thread);
}

/* Whether p is a started process that has not exited. proc_lock held. */
static bool running(struct proc *p)
{
    return p->state == PROC_ALIVE && (p->parent || p == initproc);
}

/* kill(): marks the process killed and wakes it from a killable sleep, so
 * it exits soon. Contract in <kernel/proc.h>. */
int proc_kill(int pid)
{
    if (pid <= 0)
        return ERR_INVAL;
    if (pid == 1)
        return ERR_PERM;
    spinlock_acquire(&proc_lock);
    struct proc *p = pid_lookup(pid);
    bool found = p && running(p);
    if (found)
        kill_locked(p);
    spinlock_release(&proc_lock);
    return found ? ERR_OK : ERR_NOTEXIST;
}

/* Ctrl-C: kills every live process of the job. Contract in <kernel/proc.h>. */
int proc_kill_job(pid_t job)
{
    int n = 0;
    spinlock_acquire(&proc_lock);
    for (int b = 0; b < PID_BUCKETS; b++)
        for (struct proc *p = pid_index[b]; p; p = p->pid_next)
            if (p->job == job && p != initproc && running(p) && !proc_killed(p)) {
                kill_locked(p);
                n++;
            }
    spinlock_release(&proc_lock);
    return n;
}

/* p's name as the kernel's lines show it (killed:, meminfo's): any name
 * may be a program's, but api.md promises that no kernel line other than
 * a panic's holds PANIC, ERROR, passed or Assertion, which graders scan
 * the console for, and a control byte could end the line early or move
 * the cursor. So a control byte becomes '?' and those words change case
 * (panic, error, PASSED, aSSERTION), which cannot make any of them anew.
 * Contract in <kernel/proc.h>. */
void proc_console_name(struct proc *p, char out[PROC_NAME_LEN])
{
    static const char *const words[] = { "PANIC", "ERROR", "passed", "Assertion" };
    strlcpy(out, p->name, PROC_NAME_LEN);
    for (char *s = out; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            *s = '?';
    for (size_t w = 0; w < NELEM(words); w++) {
        size_t len = strlen(words[w]);
        for (char *s = out; *s; s++)
            if (strncmp(s, words[w], len) == 0)
                for (size_t i = 0; i < len; i++)
                    s[i] ^= 'a' ^ 'A';  /* ASCII letters differ in case by this bit */
    }
}

/* A fatal user fault: says why on the console, on a line of its own
 * (docs/api.md's format), then exits with -1. */
void proc_kill_current(const char *cause, uint64_t addr, uint64_t pc)
{
    struct proc *p = proc_current();
    char name[PROC_NAME_LEN];
    proc_console_name(p, name);
    kprintf_line("killed: pid %d (%s): %s at 0x%lx, pc 0x%lx\n", p->pid, name, cause, addr, pc);
    proc_exit(-1);
}
