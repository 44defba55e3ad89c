/*
 * System call dispatch and argument fetching, in one place.
 *
 * A handler is `long sys_NAME(void)`; it reads its arguments from the
 * current thread's trap frame with the helpers below, checks them, and
 * returns a value or an error code from errcode.h, which becomes a0. The
 * table of handlers is in kernel/syscall/syscall.c; an unknown number
 * returns ERR_NOSYS.
 */
#ifndef _KERNEL_SYSCALL_H_
#define _KERNEL_SYSCALL_H_

#include <kernel/types.h>
#include <lib/errcode.h>

struct trapframe;

void syscall_dispatch(struct trapframe *tf);

/* Raw argument n (0..5). */
uint64_t syscall_arg(int n);
static inline int syscall_arg_int(int n) { return (int)syscall_arg(n); }
static inline void *syscall_arg_ptr(int n) { return (void *)syscall_arg(n); }
/* Copies string argument n into buf (size max, terminator included).
 * Returns ERR_OK, ERR_FAULT (bad pointer), ERR_NOMEM (a good pointer to a
 * page no frame could back), ERR_INVAL (too long). */
err_t syscall_arg_str(int n, char *buf, size_t max);

#endif /* _KERNEL_SYSCALL_H_ */
