/*
 * Process and memory system calls: argument checking, then the work in
 * kernel/proc/ (spawn.c, exit.c) and vm.c.
 */
#include <kernel/console.h>
#include <kernel/fs.h>
#include <kernel/pgfault.h>
#include <kernel/pmem.h>
#include <kernel/proc.h>
#include <kernel/sbi.h>
#include <kernel/sched.h>
#include <kernel/shm.h>
#include <kernel/filemap.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>
#include <kernel/vm.h>
#include <kernel/vpmap.h>


/* int fork(void) */
long sys_fork(void)
{
    return proc_fork(false);
}

/* int fork_copy(void): fork with every page copied at once, for the
 * benchmarks to compare with copy-on-write (lib/bench.h) */
long sys_fork_copy(void)
{
    return proc_fork(true);
}

/* int spawn(const char *args): the command line is copied in whole (at
 * most SPAWN_ARGS_MAX bytes with its NUL, else ERR_INVAL) into a page of
 * its own and split into words by spawn.c */
long sys_spawn(void)
{
    struct spawn_args *a = spawn_args_alloc();
    if (!a)
        return ERR_NOMEM;
    err_t err = syscall_arg_str(0, a->bytes, sizeof(a->bytes));
    if (err != ERR_OK) {
        spawn_args_free(a);
        return err;
    }
    return proc_spawn(a);          /* frees a */
}

/* int wait(int pid, int *wstatus) */
long sys_wait(void)
{
    return proc_wait(syscall_arg_int(0), syscall_arg_ptr(1));
}

/* void exit(int status) */
long sys_exit(void)
{
    proc_exit(syscall_arg_int(0));
}

/* int getpid(void) */
long sys_getpid(void)
{
    return proc_current()->pid;
}

/* void sleep(unsigned int seconds): killable, so a sleeping process
 * dies at once when killed */
long sys_sleep(void)
{
    unsigned int seconds = (unsigned int)syscall_arg(0);
    return sched_sleep_until(sched_deadline_ms((uint64_t)seconds * 1000));
}

/* void *sbrk(int increment): the old break, or an error code */
long sys_sbrk(void)
{
    vaddr_t old;
    err_t err = as_sbrk(&proc_current()->as, (long)syscall_arg_int(0), &old);
    return err == ERR_OK ? (long)old : err;
}

/* void meminfo(void): the caller's memregions on the console, from the
 * start of a line even if the caller left one open */
long sys_meminfo(void)
{
    struct proc *p = proc_current();
    char name[PROC_NAME_LEN];
    proc_console_name(p, name);
    kprintf_line("meminfo: pid %d (%s)\n", p->pid, name);
    as_print(&p->as);
    return ERR_OK;
}

/* void info(struct sys_info *info) */
long sys_info(void)
{
    struct sys_info *uinfo = syscall_arg_ptr(0);
    struct sys_info info;
    vpmap_kstack_reclaim();      /* dead threads' stack frames count as free */
    while (vpmap_idle_kick())    /* and dead spaces' roots held by idle harts */
        sched_yield();
    /* Twice: the first copy-out takes any page fault the caller's buffer
     * needs (a fork child's first store to its copy-on-write stack may be
     * this one), the second reports counters that include it, so two
     * calls in a row differ only by what the caller did between them. */
    for (int pass = 0; pass < 2; pass++) {
        info = (struct sys_info){
            .num_pgfault = pgfault_count,
            .free_pages = pmem_free_pages(),
            .total_pages = pmem_total_pages(),
            .cow_copies = cow_copy_count,
        };
        shm_stats(&info.shm_regions, &info.shm_pages);
        err_t err = copy_to_user(uinfo, &info, sizeof(info));
        if (err != ERR_OK)
            return err;
    }
    return ERR_OK;
}

/* void halt(void): file mappings and the journal reach the disk before
 * the power goes */
long sys_halt(void)
{
    kprintf("[halt] requested by pid %d\n", proc_current()->pid);
    filemap_sync_all();                /* MAP_SHARED writes reach their files */
    fs_shutdown();                     /* every returned write is on disk */
    sbi_shutdown(false);
}

/* long syscount(void): the caller's system calls so far, this one
 * included (lib/bench.h) */
long sys_syscount(void)
{
    return proc_current()->syscalls;
}
