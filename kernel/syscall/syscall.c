/*
 * System call dispatch: the number in a7 picks a handler from the table;
 * the handler's return value becomes a0. Arguments are fetched from the
 * current thread's trap frame by syscall_arg, and strings are copied in by
 * syscall_arg_str, the one place that checks them.
 */
#include <kernel/syscall.h>
#include <kernel/pmem.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/thread.h>
#include <kernel/trap.h>
#include <kernel/uaccess.h>
#include <lib/syscall-num.h>
#include <lib/syscall-num-ext.h>

/* Indexed by number; a hole (a number no call has) is NULL. */
static long (*const syscalls[SYS_MAX])(void) = {
    [SYS_fork] = sys_fork,       [SYS_spawn] = sys_spawn,   [SYS_wait] = sys_wait,
    [SYS_exit] = sys_exit,       [SYS_getpid] = sys_getpid, [SYS_sleep] = sys_sleep,
    [SYS_open] = sys_open,       [SYS_close] = sys_close,   [SYS_read] = sys_read,
    [SYS_write] = sys_write,     [SYS_link] = sys_link,     [SYS_unlink] = sys_unlink,
    [SYS_mkdir] = sys_mkdir,     [SYS_chdir] = sys_chdir,   [SYS_readdir] = sys_readdir,
    [SYS_rmdir] = sys_rmdir,     [SYS_fstat] = sys_fstat,   [SYS_sbrk] = sys_sbrk,
    [SYS_meminfo] = sys_meminfo, [SYS_dup] = sys_dup,       [SYS_pipe] = sys_pipe,
    [SYS_info] = sys_info,       [SYS_halt] = sys_halt,
    [SYS_fork_copy] = sys_fork_copy,
    [SYS_shm_create] = sys_shm_create,
    [SYS_shm_map] = sys_shm_map,
    [SYS_shm_unmap] = sys_shm_unmap,
    [SYS_shm_destroy] = sys_shm_destroy,
    [SYS_shm_lock] = sys_shm_lock,
    [SYS_shm_unlock] = sys_shm_unlock,
    [SYS_shm_resize] = sys_shm_resize,
    [SYS_shm_list] = sys_shm_list,
    [SYS_futex] = sys_futex,
    [SYS_mmap] = sys_mmap,
    [SYS_munmap] = sys_munmap,
    [SYS_syscount] = sys_syscount,
    [SYS_disk_scratch_write] = sys_disk_scratch_write,
    [SYS_kill] = sys_kill,
    [SYS_vminfo] = sys_vminfo,
    [SYS_asid_limit] = sys_asid_limit,
    [SYS_kalloc_fail] = sys_kalloc_fail,
    [SYS_journal_cut] = sys_journal_cut,
    [SYS_disk_reads] = sys_disk_reads,
    [SYS_race_delay] = sys_race_delay,
    [SYS_proc_list] = sys_proc_list,
    [SYS_setfg] = sys_setfg,
    [SYS_spawnv] = sys_spawnv,
};

/* Every call counts, the unknown ones too (syscount, lib/bench.h). */
void syscall_dispatch(struct trapframe *tf)
{
    uint64_t num = tf->a7;
    proc_current()->syscalls++;
    if (num < SYS_MAX && syscalls[num])
        tf->a0 = syscalls[num]();
    else
        tf->a0 = ERR_NOSYS;
    sched_call_done();           /* a kick a fork or spawn before this call owes */
}

/* The RISC-V calling convention's argument registers, as the user stub
 * left them (usys.S passes them through untouched). */
uint64_t syscall_arg(int n)
{
    struct trapframe *tf = thread_current()->tf;
    switch (n) {
    case 0: return tf->a0;
    case 1: return tf->a1;
    case 2: return tf->a2;
    case 3: return tf->a3;
    case 4: return tf->a4;
    default: return tf->a5;
    }
}

/* The length is dropped: every caller wants just the string. */
err_t syscall_arg_str(int n, char *buf, size_t max)
{
    ssize_t len = copy_str_from_user(buf, (const char *)syscall_arg(n), max);
    return len < 0 ? (err_t)len : ERR_OK;
}

/* One kernel page collects each step, as the lists are too long for the
 * kernel stack. Contract in <kernel/syscall.h>. */
long syscall_list_out(void *ubuf, int max, size_t size, syscall_list_step_t next, void *cursor)
{
    if (max < 0)
        return ERR_INVAL;
    if (max == 0)
        return 0;                /* nothing to store: no page needed, even with none free */
    paddr_t page;
    if (pmem_alloc(&page) != ERR_OK)
        return ERR_NOMEM;
    void *step = kmap_p2v(page);
    int per_step = (int)(PG_SIZE / size);
    int done = 0;
    err_t err = ERR_OK;
    while (done < max) {
        int want = max - done < per_step ? max - done : per_step;
        int n = next(step, want, cursor);
        if (n > 0 && (err = copy_to_user((char *)ubuf + (size_t)done * size, step, n * size)) != ERR_OK)
            break;
        done += n;
        if (n < want)
            break;
    }
    pmem_free(page);
    return err != ERR_OK ? err : done;
}
