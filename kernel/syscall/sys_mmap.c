/*
 * The file-mapping system calls, mmap and munmap: the fd and the result
 * pointer are checked here, everything else by kernel/mm/filemap.c.
 */
#include <kernel/file.h>
#include <kernel/filemap.h>
#include <kernel/proc.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>

/* int mmap(int fd, offset_t offset, size_t length, int prot, int flags,
 * void **addr): the result pointer is checked before mapping, so a bad
 * one leaves no mapping behind, and *addr is stored only on success */
long sys_mmap(void)
{
    struct file *f = fd_get(proc_current(), syscall_arg_int(0));
    void **uaddr = syscall_arg_ptr(5);
    vaddr_t addr = 0;
    if (!f)
        return ERR_INVAL;
    err_t err = user_prepare_write(uaddr, sizeof(addr));
    if (err != ERR_OK)
        return err;
    err = filemap_mmap(f, (offset_t)syscall_arg(1), syscall_arg(2), syscall_arg_int(3),
                             syscall_arg_int(4), &addr);
    if (err == ERR_OK)
        copy_to_user(uaddr, &addr, sizeof(addr));
    return err;
}

/* int munmap(void *addr, size_t length) */
long sys_munmap(void)
{
    return filemap_munmap(syscall_arg(0), syscall_arg(1));
}
