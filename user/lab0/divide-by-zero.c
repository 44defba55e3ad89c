/*
 * divide-by-zero: an integer division or remainder by zero ends a lab
 * program, as the x86 trap (#DE) ended it on osv. RISC-V's division
 * never traps (x / 0 is -1, x % 0 is x), so a lab program used to run on
 * with those; now gcc plants a check before each division that traps
 * when the divisor is 0 (OSV_CFLAGS), and the kernel kills the program as
 * it kills any that faults: one killed: line, status -1. Each child
 * divides by a zero the compiler cannot see and, were it to live on,
 * would exit 7; a division by anything else keeps C's meaning.
 */
// test: expect-killed=4
#include <lib/test.h>

static int zero;                        /* in memory: never folded */

/* Runs the division `what` in a child and checks that it died with -1. */
static void
expect_killed(int what)
{
    int pid = fork();
    if (pid < 0)
        error("fork failed: %d", pid);
    if (pid == 0) {
        long r = 0;
        if (what == 0)
            r = 100 / zero;
        else if (what == 1)
            r = 100 % zero;
        else if (what == 2)
            r = 100L / (long)zero;
        else
            r = 100U % (unsigned)zero;
        printf("divide-by-zero: case %d went on with %ld\n", what, r);
        exit(7);
    }
    int status = 0;
    if (wait(pid, &status) != pid)
        error("wait for child %d", what);
    if (status != -1)
        error("case %d: a division by zero exited %d, not killed (-1)", what, status);
}

int
main(void)
{
    for (int what = 0; what < 4; what++)
        expect_killed(what);
    int seven = zero + 7;
    if (100 / seven != 14 || 100 % seven != 2 || -100 / seven != -14 || -100 % seven != -2)
        error("division by 7 gave %d rem %d", 100 / seven, 100 % seven);
    pass("divide-by-zero");
    exit(0);
}
