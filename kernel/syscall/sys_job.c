/*
 * System calls that see and stop processes (lib/proc-ext.h): kill, the
 * process list, the console's foreground job, and spawnv. Argument
 * checking here; the work in proc.c and console.c.
 */
#include <kernel/console.h>
#include <kernel/file.h>
#include <kernel/pmem.h>
#include <kernel/proc.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>

/* int kill(int pid) */
long sys_kill(void)
{
    return proc_kill(syscall_arg_int(0));
}

/* Entries per step: what fits in the one kernel page used to collect them. */
#define PROC_LIST_STEP (int)(PG_SIZE / sizeof(struct proc_info))

/* int proc_list(struct proc_info *buf, int max): a page of entries at a
 * time, each step going on after the last pid of the one before. */
long sys_proc_list(void)
{
    struct proc_info *ubuf = syscall_arg_ptr(0);
    int max = syscall_arg_int(1);
    if (max < 0)
        return ERR_INVAL;
    paddr_t page;
    if (pmem_alloc(&page) != ERR_OK)
        return ERR_NOMEM;
    struct proc_info *step = kmap_p2v(page);
    int done = 0;
    pid_t after = 0;
    err_t err = ERR_OK;
    while (done < max) {
        int want = max - done < PROC_LIST_STEP ? max - done : PROC_LIST_STEP;
        int n = proc_list(step, want, after);
        if (n > 0 && (err = copy_to_user(ubuf + done, step, n * sizeof(*step))) != ERR_OK)
            break;
        done += n;
        if (n < want)
            break;
        after = step[n - 1].pid;
    }
    pmem_free(page);
    return err != ERR_OK ? err : done;
}

/* int setfg(int pid) */
long sys_setfg(void)
{
    int pid = syscall_arg_int(0);
    if (pid < 0)
        return ERR_INVAL;
    struct file *in = fd_get(proc_current(), 0);
    if (!in || in->type != FILE_CONSOLE)
        return ERR_PERM;
    if (pid > 0) {
        err_t err = proc_new_job(pid);
        if (err != ERR_OK)
            return err;
    }
    console_set_foreground(pid);
    return ERR_OK;
}

/* int spawnv(char *const argv[]): the words are copied one after another
 * into one buffer, as spawn's string would be after splitting. */
long sys_spawnv(void)
{
    char *const *uargv = syscall_arg_ptr(0);
    char buf[SPAWN_ARGS_MAX];
    char *argv[SPAWN_WORDS_MAX];
    size_t used = 0;
    int argc = 0;
    for (;;) {
        char *uarg;
        err_t err = copy_from_user(&uarg, &uargv[argc], sizeof(uarg));
        if (err != ERR_OK)
            return err;
        if (uarg == NULL)
            break;
        if (argc == SPAWN_WORDS_MAX || used == sizeof(buf))
            return ERR_INVAL;
        ssize_t len = copy_str_from_user(buf + used, uarg, sizeof(buf) - used);
        if (len < 0)
            return len;
        argv[argc++] = buf + used;
        used += len + 1;
    }
    return argc == 0 ? ERR_INVAL : proc_spawnv(argc, argv);
}
