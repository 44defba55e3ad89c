/*
 * Making processes (contract in proc.h): init's start, spawn and fork.
 * Each takes a fresh process from proc.c (proc_alloc), fills it (a
 * program through load.c, or a copy of the parent) and starts it as the
 * caller's child (proc_start), or discards it whole on a failure
 * (proc_discard): proc_internal.h has their contracts. Apart from proc.c,
 * which keeps the table and starts a process, because this is what a new
 * process is filled with: a program, or a copy of its parent.
 */
#include <kernel/proc.h>
#include <kernel/console.h>
#include <kernel/file.h>
#include <kernel/fs.h>
#include <kernel/pmem.h>
#include <kernel/string.h>
#include <kernel/thread.h>
#include <kernel/trap.h>

#include "proc_internal.h"

/* Splits a->bytes in place into words at spaces and tabs, set in a->argv;
 * ERR_INVAL for more than SPAWN_WORDS_MAX of them. */
static err_t split_args(struct spawn_args *a)
{
    char *s = a->bytes;
    a->argc = 0;
    for (;;) {
        while (*s == ' ' || *s == '\t')
            *s++ = '\0';
        if (!*s)
            return ERR_OK;
        if (a->argc == SPAWN_WORDS_MAX)
            return ERR_INVAL;
        a->argv[a->argc++] = s;
        while (*s && *s != ' ' && *s != '\t')
            s++;
    }
}

/* Creates the first process from /init with the console as fds 0 (for
 * reading) and 1 (for writing) and / as its cwd, and starts it. Panics on
 * failure: nothing can run without it. */
void proc_start_init(void)
{
    char name[] = "init";
    char *argv[] = { name };
    struct proc *p = proc_alloc();
    if (!p)
        panic("no memory for init");
    err_t err = proc_load(p, 1, argv);
    if (err != ERR_OK)
        panic("cannot load /init: error %d", err);
    /* 0 and 1 only, as osv: a program's first open gets 2. Reading on 0
     * and writing on 1, as osv's stdin and stdout. */
    if (file_open_console(false, &p->files[0]) != ERR_OK ||
        file_open_console(true, &p->files[1]) != ERR_OK)
        panic("cannot open the console for init");
    p->cwd = fs_root();
    initproc = p;
    if (proc_start(p, NULL) < 0)
        panic("no memory for init");
}

_Static_assert(sizeof(struct spawn_args) <= PG_SIZE, "struct spawn_args must fit in a page");

/* A page from pmem: kmalloc's largest class (2048 bytes) is too small.
 * Contract in <kernel/proc.h>. */
struct spawn_args *spawn_args_alloc(void)
{
    paddr_t pa;
    if (pmem_alloc(&pa) != ERR_OK)
        return NULL;
    struct spawn_args *a = kmap_p2v(pa);
    a->argc = 0;
    return a;
}

/* The page spawn_args_alloc took. Contract in <kernel/proc.h>. */
void spawn_args_free(struct spawn_args *a)
{
    pmem_free(kmap_v2p(a));
}

/* spawn(): splits the command line into words and runs proc_spawnv.
 * Contract in <kernel/proc.h>. */
int proc_spawn(struct spawn_args *a)
{
    err_t err = split_args(a);
    if (err != ERR_OK) {
        spawn_args_free(a);
        return err;
    }
    return proc_spawnv(a);
}

/* A new process running argv[0], inheriting the caller's files and cwd; on
 * failure it is discarded whole. a goes before the child is started, so
 * the child never sees its page still taken. Contract in <kernel/proc.h>. */
int proc_spawnv(struct spawn_args *a)
{
    struct proc *p = proc_alloc();
    err_t err = ERR_NOMEM;
    if (p) {
        fd_table_copy(p, proc_current());
        err = proc_load(p, a->argc, a->argv);
    }
    spawn_args_free(a);
    if (err != ERR_OK) {
        if (p)
            proc_discard(p);
        return err;
    }
    return proc_start(p, proc_current());
}

/* fork(): copies the caller's files, address space and registers into a new
 * process that returns 0. The parent's flush (as_copy) comes after the
 * child is queued: a polling hart may start the child while this one
 * flushes (sched_ready_child), and the parent refills its TLB on the way
 * back to user mode (under QEMU a flush empties all of it). Contract in
 * <kernel/proc.h>. */
int proc_fork(bool eager)
{
    struct proc *parent = proc_current();
    struct proc *p = proc_alloc();
    if (!p)
        return ERR_NOMEM;
    fd_table_copy(p, parent);
    bool flush;
    if (as_copy(&p->as, &parent->as, eager, &flush) != ERR_OK) {
        if (flush)
            as_flush(&parent->as);
        proc_discard(p);
        return ERR_NOMEM;
    }
    *p->thread->tf = *parent->thread->tf;
    p->thread->tf->a0 = 0;                 /* fork returns 0 in the child */
    fp_save(p->thread->fpregs);            /* the hart's FP registers are the parent's */
    strlcpy(p->name, parent->name, sizeof(p->name));
    strlcpy(p->thread->name, parent->name, sizeof(p->thread->name));
    int pid = proc_start(p, parent);
    if (flush)
        as_flush(&parent->as);
    return pid;
}
