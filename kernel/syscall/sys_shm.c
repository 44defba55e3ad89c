/*
 * System calls of named shared memory, futexes and file mappings: copy in
 * and check the arguments, then hand over to shm.c, futex.c and filemap.c.
 *
 * Names: a pointer that cannot be read is ERR_FAULT (ERR_NOMEM if no frame
 * could back its page); an empty name or one with no NUL in its first
 * MAX_NAME_LEN bytes is ERR_INVAL.
 */
#include <kernel/file.h>
#include <kernel/filemap.h>
#include <kernel/futex.h>
#include <kernel/pmem.h>
#include <kernel/proc.h>
#include <kernel/shm.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>

static err_t arg_name(int n, char name[MAX_NAME_LEN])
{
    err_t err = syscall_arg_str(n, name, MAX_NAME_LEN);
    if (err == ERR_OK && name[0] == '\0')
        err = ERR_INVAL;
    return err;
}

long sys_shm_create(void)
{
    char name[MAX_NAME_LEN];
    err_t err = arg_name(0, name);
    return err != ERR_OK ? err : shm_create(name, syscall_arg(1), syscall_arg_int(2));
}

long sys_shm_map(void)
{
    char name[MAX_NAME_LEN];
    void **uaddr = syscall_arg_ptr(1);
    void *addr = NULL;
    err_t err = arg_name(0, name);
    if (err != ERR_OK)
        return err;
    /* Check the result pointer before mapping, so a bad one leaves nothing. */
    if ((err = copy_to_user(uaddr, &addr, sizeof(addr))) != ERR_OK)
        return err;
    err = shm_map(name, &addr, syscall_arg_int(2));
    if (err == ERR_OK)
        copy_to_user(uaddr, &addr, sizeof(addr));
    return err;
}

long sys_shm_unmap(void)
{
    char name[MAX_NAME_LEN];
    err_t err = arg_name(0, name);
    return err != ERR_OK ? err : shm_unmap(name, syscall_arg(1));
}

long sys_shm_destroy(void)
{
    char name[MAX_NAME_LEN];
    err_t err = arg_name(0, name);
    return err != ERR_OK ? err : shm_destroy(name);
}

long sys_shm_lock(void)
{
    char name[MAX_NAME_LEN];
    err_t err = arg_name(0, name);
    return err != ERR_OK ? err : shm_lock(name);
}

long sys_shm_unlock(void)
{
    char name[MAX_NAME_LEN];
    err_t err = arg_name(0, name);
    return err != ERR_OK ? err : shm_unlock(name);
}

long sys_shm_resize(void)
{
    char name[MAX_NAME_LEN];
    err_t err = arg_name(0, name);
    return err != ERR_OK ? err : shm_resize(name, syscall_arg(1));
}

/* Entries per call: what fits in the one kernel page used to collect them. */
#define SHM_LIST_MAX (int)(PG_SIZE / sizeof(struct shm_info))

long sys_shm_list(void)
{
    struct shm_info *ubuf = syscall_arg_ptr(0);
    int max = syscall_arg_int(1);
    if (max < 0)
        return ERR_INVAL;
    if (max > SHM_LIST_MAX)
        max = SHM_LIST_MAX;
    paddr_t page;
    if (pmem_alloc(&page) != ERR_OK)
        return ERR_NOMEM;
    struct shm_info *info = kmap_p2v(page);
    int n = shm_list(info, max);
    err_t err = copy_to_user(ubuf, info, n * sizeof(*info));
    pmem_free(page);
    return err != ERR_OK ? err : n;
}

long sys_futex(void)
{
    int *uaddr = syscall_arg_ptr(0);
    int op = syscall_arg_int(1), val = syscall_arg_int(2);
    unsigned int timeout_ms = (unsigned int)syscall_arg(3);
    switch (op) {
    case FUTEX_WAIT: return futex_wait(uaddr, val, timeout_ms);
    case FUTEX_WAKE: return futex_wake(uaddr, val);
    default: return ERR_INVAL;
    }
}

long sys_mmap(void)
{
    struct file *f = fd_get(proc_current(), syscall_arg_int(0));
    void **uaddr = syscall_arg_ptr(5);
    vaddr_t addr = 0;
    if (!f)
        return ERR_INVAL;
    err_t err = copy_to_user(uaddr, &addr, sizeof(addr));
    if (err != ERR_OK)
        return err;
    err = filemap_mmap(f, (offset_t)syscall_arg(1), syscall_arg(2), syscall_arg_int(3),
                             syscall_arg_int(4), &addr);
    if (err == ERR_OK)
        copy_to_user(uaddr, &addr, sizeof(addr));
    return err;
}

long sys_munmap(void)
{
    return filemap_munmap(syscall_arg(0), syscall_arg(1));
}

long sys_syscount(void)
{
    return proc_current()->syscalls;
}
