/*
 * Processes (contract in proc.h): the process table, spawn, fork, wait,
 * exit, and the killed: path.
 *
 * Lifecycle of a slot: UNUSED -> ALIVE (proc_alloc; invisible to wait
 * until its parent is set) -> ZOMBIE (exit: everything freed but the
 * thread and its kernel stack) -> UNUSED (the parent's wait frees the
 * thread). Orphans are handed to init, which reaps them.
 */
#include <kernel/proc.h>
#include <kernel/console.h>
#include <kernel/elf.h>
#include <kernel/file.h>
#include <kernel/fs.h>
#include <kernel/lineage.h>
#include <kernel/pmem.h>
#include <kernel/riscv.h>
#include <kernel/sched.h>
#include <kernel/shm.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/thread.h>
#include <kernel/trap.h>
#include <kernel/uaccess.h>
#include <kernel/vpmap.h>
#include <lib/layout.h>

#define MAX_ARGS 32

static struct proc ptable[NPROC];
static struct spinlock ptable_lock;
static struct condvar child_exited;      /* parents waiting in proc_wait */
static int next_pid = 1;
static struct proc *initproc;

void fp_save(uint64_t *regs);

void proc_init(void)
{
    spinlock_init(&ptable_lock, "ptable");
    condvar_init(&child_exited);
}

struct proc *proc_current(void)
{
    struct thread *t = thread_current();
    return t ? t->proc : NULL;
}

/* A fresh process with an empty address space and a thread; no parent yet. */
static struct proc *proc_alloc(void)
{
    struct proc *p = NULL;
    spinlock_acquire(&ptable_lock);
    for (int i = 0; i < NPROC; i++)
        if (ptable[i].state == PROC_UNUSED) {
            p = &ptable[i];
            p->state = PROC_ALIVE;
            p->pid = next_pid++;
            break;
        }
    spinlock_release(&ptable_lock);
    if (!p)
        return NULL;
    p->parent = NULL;
    p->killed = false;
    p->exit_status = 0;
    p->cwd = NULL;
    p->syscalls = 0;
    memset(p->files, 0, sizeof(p->files));
    p->thread = NULL;
    if (as_init(&p->as) != ERR_OK || !(p->thread = thread_alloc("user"))) {
        as_destroy(&p->as);
        spinlock_acquire(&ptable_lock);
        p->state = PROC_UNUSED;
        spinlock_release(&ptable_lock);
        return NULL;
    }
    p->thread->proc = p;
    p->as.pid = p->pid;
    return p;
}

/* Undoes proc_alloc and whatever was set up after it (never ran). */
static void proc_discard(struct proc *p)
{
    for (int fd = 0; fd < NUM_FILES; fd++)
        if (p->files[fd])
            file_close(p->files[fd]);
    if (p->cwd)
        inode_put(p->cwd);
    as_destroy(&p->as);
    thread_free(p->thread);
    spinlock_acquire(&ptable_lock);
    p->state = PROC_UNUSED;
    spinlock_release(&ptable_lock);
}

/* Gives the child the parent's open files and directory. */
static void inherit_files(struct proc *child, struct proc *parent)
{
    for (int fd = 0; fd < NUM_FILES; fd++)
        if (parent->files[fd])
            child->files[fd] = file_dup(parent->files[fd]);
    child->cwd = parent->cwd ? inode_dup(parent->cwd) : fs_root();
}

/* Makes p the child of parent and lets it run; ERR_NOMEM discards p. */
static int proc_start(struct proc *p, struct proc *parent)
{
    int pid = p->pid;
    if (!(p->lineage = lineage_new(parent ? parent->lineage : NULL))) {
        proc_discard(p);
        return ERR_NOMEM;
    }
    spinlock_acquire(&ptable_lock);
    p->parent = parent;
    spinlock_release(&ptable_lock);
    sched_ready(p->thread);
    return pid;
}

/* Splits args in place into at most MAX_ARGS words; returns the count. */
static int split_args(char *args, char *argv[MAX_ARGS])
{
    int argc = 0;
    char *s = args;
    while (*s && argc < MAX_ARGS) {
        while (*s == ' ' || *s == '\t')
            *s++ = '\0';
        if (!*s)
            break;
        argv[argc++] = s;
        while (*s && *s != ' ' && *s != '\t')
            s++;
    }
    if (*s)
        *s = '\0';               /* more words than MAX_ARGS: drop the rest */
    return argc;
}

/* The program a command names: as given, then under "/". */
static err_t find_program(const char *name, struct inode **ip)
{
    err_t err = fs_lookup(name, ip);
    if (err == ERR_NOTEXIST && name[0] != '/') {
        char path[FS_PATH_MAX];
        if (ksnprintf(path, sizeof(path), "/%s", name) >= (int)sizeof(path))
            return ERR_NOTEXIST;
        err = fs_lookup(path, ip);
    }
    if (err == ERR_OK && inode_ftype(*ip) != FTYPE_FILE) {
        inode_put(*ip);
        return ERR_NOTEXIST;
    }
    if (err == ERR_FTYPE || err == ERR_INVAL)
        err = ERR_NOTEXIST;
    return err;
}

/* Copies argv onto the top stack page and points the trap frame at main. */
static err_t setup_stack(struct proc *p, int argc, char *argv[], vaddr_t entry)
{
    struct addrspace *as = &p->as;
    /* One page now; the fault path grows it down to USTACK_PAGES. */
    vaddr_t page_va = USTACK_UPPERBOUND - PG_SIZE;
    err_t err = as_map_region(as, page_va, USTACK_UPPERBOUND, MEMPERM_R | MEMPERM_W, "stack", &as->stack);
    if (err != ERR_OK)
        return err;
    paddr_t pa;
    if (pmem_alloc_zero(&pa) != ERR_OK)
        return ERR_NOMEM;
    if ((err = vpmap_map(as->root, page_va, pa, MEMPERM_R | MEMPERM_W | VPMAP_USER)) != ERR_OK) {
        pmem_free(pa);
        return err;
    }
    char *page = kmap_p2v(pa);
    uint64_t off = PG_SIZE, uargv[MAX_ARGS + 1];
    for (int i = argc - 1; i >= 0; i--) {
        size_t len = strlen(argv[i]) + 1;
        off -= len;
        memcpy(page + off, argv[i], len);
        uargv[i] = page_va + off;
    }
    uargv[argc] = 0;
    off = (off & ~7UL) - (argc + 1) * sizeof(uint64_t);
    memcpy(page + off, uargv, (argc + 1) * sizeof(uint64_t));
    struct trapframe *tf = p->thread->tf;
    memset(tf, 0, sizeof(*tf));
    tf->a0 = argc;
    tf->a1 = page_va + off;
    tf->sp = page_va + (off & ~15UL);
    tf->sepc = entry;
    tf->sstatus = SSTATUS_SPIE | SSTATUS_FS_INITIAL;   /* user mode, interrupts on */
    memset(p->thread->fpregs, 0, sizeof(p->thread->fpregs));
    return ERR_OK;
}

/* Loads the program named by the command line args into p. */
static err_t proc_load(struct proc *p, char *args)
{
    char *argv[MAX_ARGS];
    int argc = split_args(args, argv);
    if (argc == 0)
        return ERR_NOTEXIST;
    struct inode *ip;
    err_t err = find_program(argv[0], &ip);
    if (err != ERR_OK)
        return err;
    vaddr_t entry;
    err = elf_load(&p->as, ip, &entry);
    inode_put(ip);
    if (err != ERR_OK)
        return err;
    const char *base = argv[0];
    for (const char *s = argv[0]; *s; s++)
        if (*s == '/' && s[1])
            base = s + 1;
    strlcpy(p->name, base, sizeof(p->name));
    strlcpy(p->thread->name, base, sizeof(p->thread->name));
    return setup_stack(p, argc, argv, entry);
}

void proc_start_init(void)
{
    char args[] = "init";
    struct proc *p = proc_alloc();
    if (!p)
        panic("no memory for init");
    err_t err = proc_load(p, args);
    if (err != ERR_OK)
        panic("cannot load /init: error %d", err);
    struct file *console;
    if (file_open_console(&console) != ERR_OK)
        panic("cannot open the console for init");
    p->files[0] = console;             /* 0 and 1 only, as osv: a program's first open gets 2 */
    p->files[1] = file_dup(console);
    p->cwd = fs_root();
    initproc = p;
    if (proc_start(p, NULL) < 0)
        panic("no memory for init");
}

int proc_spawn(const char *args)
{
    char buf[SPAWN_ARGS_MAX];
    strlcpy(buf, args, sizeof(buf));
    struct proc *p = proc_alloc();
    if (!p)
        return ERR_NOMEM;
    inherit_files(p, proc_current());
    err_t err = proc_load(p, buf);
    if (err != ERR_OK) {
        proc_discard(p);
        return err;
    }
    return proc_start(p, proc_current());
}

int proc_fork(bool eager)
{
    struct proc *parent = proc_current();
    struct proc *p = proc_alloc();
    if (!p)
        return ERR_NOMEM;
    inherit_files(p, parent);
    if (as_copy(&p->as, &parent->as, eager) != ERR_OK) {
        proc_discard(p);
        return ERR_NOMEM;
    }
    *p->thread->tf = *parent->thread->tf;
    p->thread->tf->a0 = 0;                 /* fork returns 0 in the child */
    fp_save(p->thread->fpregs);            /* the hart's FP registers are the parent's */
    strlcpy(p->name, parent->name, sizeof(p->name));
    strlcpy(p->thread->name, parent->name, sizeof(p->thread->name));
    return proc_start(p, parent);
}

int proc_wait(int pid, int *status_user)
{
    struct proc *me = proc_current();
    int zero = 0;
    if (pid == 0 || pid < -1)
        return ERR_CHILD;
    /* Store to the status pointer before anything is reaped: a bad one, or
     * one no frame can back yet (ERR_NOMEM), leaves the child for a retry.
     * Once stored to, the page stays writable (this thread is the address
     * space's only one), so the store after the reap cannot fail. */
    err_t err = status_user ? copy_to_user(status_user, &zero, sizeof(zero)) : ERR_OK;
    if (err != ERR_OK)
        return err;
    spinlock_acquire(&ptable_lock);
    for (;;) {
        bool have_child = false;
        for (int i = 0; i < NPROC; i++) {
            struct proc *q = &ptable[i];
            if (q->state == PROC_UNUSED || q->parent != me || (pid != -1 && q->pid != pid))
                continue;
            have_child = true;
            if (q->state != PROC_ZOMBIE)
                continue;
            int qpid = q->pid, status = q->exit_status;
            thread_free(q->thread);        /* waits until q's thread is off its stack */
            q->thread = NULL;
            q->parent = NULL;
            q->state = PROC_UNUSED;
            spinlock_release(&ptable_lock);
            if (status_user)
                copy_to_user(status_user, &status, sizeof(status));
            return qpid;
        }
        if (!have_child) {
            spinlock_release(&ptable_lock);
            return ERR_CHILD;
        }
        condvar_wait(&child_exited, &ptable_lock);
    }
}

void proc_exit(int status)
{
    struct proc *p = proc_current();
    if (p == initproc)
        panic("init exited with status %d", status);
    for (int fd = 0; fd < NUM_FILES; fd++)
        if (p->files[fd]) {
            file_close(p->files[fd]);
            p->files[fd] = NULL;
        }
    if (p->cwd) {
        inode_put(p->cwd);
        p->cwd = NULL;
    }
    /* Leave the address space before freeing its page table. */
    vpmap_activate(vpmap_kernel_root());
    as_destroy(&p->as);
    shm_exit(p->pid);                      /* after its views went with the address space */
    lineage_exit(p->lineage);

    spinlock_acquire(&ptable_lock);
    for (int i = 0; i < NPROC; i++)
        if (ptable[i].state != PROC_UNUSED && ptable[i].parent == p)
            ptable[i].parent = initproc;
    p->exit_status = status;
    p->state = PROC_ZOMBIE;
    condvar_broadcast(&child_exited);
    sched_exit(&ptable_lock);
}

void proc_kill_current(const char *cause, uint64_t addr, uint64_t pc)
{
    struct proc *p = proc_current();
    kprintf("killed: pid %d (%s): %s at 0x%lx, pc 0x%lx\n", p->pid, p->name, cause, addr, pc);
    proc_exit(-1);
}
