/*
 * System calls of named shared memory: copy in and check the arguments,
 * then hand over to kernel/mm/shm.c.
 *
 * Names: a pointer that cannot be read is ERR_FAULT (ERR_NOMEM if no frame
 * could back its page); an empty name or one with no NUL in its first
 * MAX_NAME_LEN bytes is ERR_INVAL.
 */
#include <kernel/shm.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>

/* Copies in the name argument n, refusing the empty name as docs/shm.md says. */
static err_t arg_name(int n, char name[MAX_NAME_LEN])
{
    err_t err = syscall_arg_str(n, name, MAX_NAME_LEN);
    if (err == ERR_OK && name[0] == '\0')
        err = ERR_INVAL;
    return err;
}

/* int shm_create(const char *name, size_t size, int flags) */
long sys_shm_create(void)
{
    char name[MAX_NAME_LEN];
    err_t err = arg_name(0, name);
    return err != ERR_OK ? err : shm_create(name, syscall_arg(1), syscall_arg_int(2));
}

/* int shm_map(const char *name, void **addr, int prot): the result
 * pointer is checked before mapping, so a bad one leaves no view behind,
 * and *addr is stored only on success (a failed map leaves it alone) */
long sys_shm_map(void)
{
    char name[MAX_NAME_LEN];
    void **uaddr = syscall_arg_ptr(1);
    void *addr = NULL;
    err_t err = arg_name(0, name);
    if (err != ERR_OK)
        return err;
    if ((err = user_prepare_write(uaddr, sizeof(addr))) != ERR_OK)
        return err;
    err = shm_map(name, &addr, syscall_arg_int(2));
    if (err == ERR_OK)
        copy_to_user(uaddr, &addr, sizeof(addr));
    return err;
}

/* int shm_unmap(const char *name, void *addr) */
long sys_shm_unmap(void)
{
    char name[MAX_NAME_LEN];
    err_t err = arg_name(0, name);
    return err != ERR_OK ? err : shm_unmap(name, syscall_arg(1));
}

/* The calls whose one argument is the name. */
static long by_name(int (*call)(const char *name))
{
    char name[MAX_NAME_LEN];
    err_t err = arg_name(0, name);
    return err != ERR_OK ? err : call(name);
}

/* int shm_destroy(const char *name) */
long sys_shm_destroy(void)
{
    return by_name(shm_destroy);
}

/* int shm_lock(const char *name) */
long sys_shm_lock(void)
{
    return by_name(shm_lock);
}

/* int shm_unlock(const char *name) */
long sys_shm_unlock(void)
{
    return by_name(shm_unlock);
}

/* int shm_resize(const char *name, size_t size) */
long sys_shm_resize(void)
{
    char name[MAX_NAME_LEN];
    err_t err = arg_name(0, name);
    return err != ERR_OK ? err : shm_resize(name, syscall_arg(1));
}

/* shm_list's step for syscall_list_out: the cursor is a creation serial. */
static int shm_list_step(void *page, int want, void *cursor)
{
    return shm_list(page, want, cursor);
}

/* int shm_list(struct shm_info *buf, int max): a page of entries at a
 * time, each gathered under the table's lock and copied out without it,
 * each step going on after the last region of the one before. A page
 * holds 25 entries and up to SHM_MAX_REGIONS may be live: with one step,
 * the list (and the shm command) stopped at 25 regions (hostile_sync). */
long sys_shm_list(void)
{
    uint64_t before = ~(uint64_t)0;     /* before every region */
    return syscall_list_out(syscall_arg_ptr(0), syscall_arg_int(1), sizeof(struct shm_info),
                            shm_list_step, &before);
}
