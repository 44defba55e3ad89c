/*
 * System calls that see and stop processes (lib/proc-ext.h): kill, the
 * process list, the console's foreground job, and spawnv. Argument
 * checking here; the work in kernel/proc/ (kill.c, job.c, proc.c) and
 * console.c.
 */
#include <kernel/console.h>
#include <kernel/file.h>
#include <kernel/proc.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>

/* int kill(int pid) */
long sys_kill(void)
{
    return proc_kill(syscall_arg_int(0));
}

/* proc_list's step for syscall_list_out: the cursor is the last pid listed. */
static int proc_list_step(void *page, int want, void *cursor)
{
    pid_t *after = cursor;
    int n = proc_list(page, want, *after);
    if (n > 0)
        *after = ((struct proc_info *)page)[n - 1].pid;
    return n;
}

/* int proc_list(struct proc_info *buf, int max): a page of entries at a
 * time, each step going on after the last pid of the one before. */
long sys_proc_list(void)
{
    pid_t after = 0;
    return syscall_list_out(syscall_arg_ptr(0), syscall_arg_int(1), sizeof(struct proc_info),
                            proc_list_step, &after);
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

/* Copies the user's NULL-terminated array of words into a, one after
 * another, as spawn's string would be after splitting: ERR_INVAL past
 * SPAWN_WORDS_MAX words or SPAWN_ARGS_MAX bytes, ERR_FAULT. */
static err_t copy_words(struct spawn_args *a, char *const *uargv)
{
    size_t used = 0;
    for (;;) {
        char *uarg;
        err_t err = copy_from_user(&uarg, &uargv[a->argc], sizeof(uarg));
        if (err != ERR_OK)
            return err;
        if (uarg == NULL)
            return ERR_OK;
        if (a->argc == SPAWN_WORDS_MAX || used == sizeof(a->bytes))
            return ERR_INVAL;
        ssize_t len = copy_str_from_user(a->bytes + used, uarg, sizeof(a->bytes) - used);
        if (len < 0)
            return len;
        a->argv[a->argc++] = a->bytes + used;
        used += len + 1;
    }
}

/* int spawnv(char *const argv[]): the words are gathered in a page of
 * their own (copy_words), then run as spawn's are. */
long sys_spawnv(void)
{
    struct spawn_args *a = spawn_args_alloc();
    if (!a)
        return ERR_NOMEM;
    err_t err = copy_words(a, syscall_arg_ptr(0));
    if (err == ERR_OK && a->argc == 0)
        err = ERR_INVAL;
    if (err != ERR_OK) {
        spawn_args_free(a);
        return err;
    }
    return proc_spawnv(a);         /* frees a */
}
