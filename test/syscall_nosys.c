/*
 * syscall_nosys: the system-call dispatcher's edges, through raw ecalls.
 *
 * An unknown number (0, SYS_MAX, which moves as calls are added, huge,
 * negative, one whose low 32 bits are 0) returns ERR_NOSYS and leaves the
 * process running; a known number made by hand behaves as its library
 * wrapper does, and callee-saved registers survive the call (the trap
 * frame is restored).
 */
#include "testlib.h"
#include <lib/syscall-num.h>
#include <lib/syscall-num-ext.h>     /* SYS_MAX */
#include <lib/stddef.h>

static long raw_syscall(long number, long arg0, long arg1)
{
    register long a0 asm("a0") = arg0;
    register long a1 asm("a1") = arg1;
    register long a7 asm("a7") = number;
    asm volatile("ecall" : "+r"(a0), "+r"(a1) : "r"(a7) : "memory");
    return a0;
}

/* Callee-saved registers s2..s11 hold known values across an ecall. */
static int saved_registers_survive(void)
{
    register long s2 asm("s2") = 0x1111;
    register long s3 asm("s3") = 0x2222;
    register long s11 asm("s11") = 0x3333;
    register long a7 asm("a7") = SYS_getpid;
    register long a0 asm("a0") = 0;
    asm volatile("ecall" : "+r"(a0), "+r"(s2), "+r"(s3), "+r"(s11) : "r"(a7) : "memory", "a1");
    return s2 == 0x1111 && s3 == 0x2222 && s11 == 0x3333 && a0 == getpid();
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    static const long bad[] = {
        0, SYS_MAX, 99, 4096, 0x7fffffff, -1, -23, 1L << 40, 0x7fffffffffffffffL,
    };

    for (unsigned i = 0; i < NELEM(bad); i++) {
        long r = raw_syscall(bad[i], 0, 0);
        if (r != ERR_NOSYS)
            error("syscall number %ld returned %ld, expected ERR_NOSYS", bad[i], r);
    }

    /* Known numbers by hand. */
    expect(raw_syscall(SYS_getpid, 0, 0), getpid());
    expect(raw_syscall(SYS_close, -1, 0), ERR_INVAL);
    expect(raw_syscall(SYS_wait, -1, 0), ERR_CHILD);         /* no child */

    if (!saved_registers_survive())
        error("registers changed across an ecall");

    pass("syscall_nosys");
    return 0;
}
