/*
 * System-call stubs: one function per osv call, 1 to 23 (prototypes in
 * lib/usyscall.h; osv-rv's calls are in usys-ext.S, so a program defining
 * its own mmap or futex still links with these). The RISC-V convention
 * (lib/syscall-num.h): number in a7, arguments already in a0..a5 from the
 * C caller, result back in a0.
 */
#include <lib/syscall-num.h>

#define SYSCALL(name)               \
    .globl name;                    \
    .type name, @function;          \
name:                               \
    li a7, SYS_##name;              \
    ecall;                          \
    ret;                            \
    .size name, . - name

    .text
SYSCALL(fork)
SYSCALL(spawn)
SYSCALL(wait)
SYSCALL(exit)
SYSCALL(getpid)
SYSCALL(sleep)
SYSCALL(open)
SYSCALL(close)
SYSCALL(read)
SYSCALL(write)
SYSCALL(link)
SYSCALL(unlink)
SYSCALL(mkdir)
SYSCALL(chdir)
SYSCALL(readdir)
SYSCALL(rmdir)
SYSCALL(fstat)
SYSCALL(sbrk)
SYSCALL(meminfo)
SYSCALL(dup)
SYSCALL(pipe)
SYSCALL(info)
SYSCALL(halt)
