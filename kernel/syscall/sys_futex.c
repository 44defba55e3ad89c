/*
 * The futex system call: the two operations of <lib/futex.h> on a user
 * word, handed over to kernel/sync/futex.c, which checks the address.
 */
#include <kernel/futex.h>
#include <kernel/syscall.h>

/* int futex(int *uaddr, int op, int val, unsigned int timeout_ms) */
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
