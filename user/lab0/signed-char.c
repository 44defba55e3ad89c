/*
 * signed-char: a plain char is signed in lab programs, as on osv's x86_64
 * (RISC-V's C ABI makes it unsigned; the Makefile builds lab programs
 * with -fsigned-char). A test written on osv that stores 0xff in a char
 * and compares it with -1, or checks a byte read back with `< 0`, or
 * prints a char with %d, must see what it saw there.
 *
 * It checks: a char holding 0xff equals -1 and is negative; an int taken
 * from it is -1; a byte 0x80 that went through a pipe is read back
 * negative and equals -128.
 */
#include <lib/test.h>

int
main(void)
{
    char c = (char)0xff;
    if (c != -1 || c >= 0)
        error("a char holding 0xff is %d, not -1: char is unsigned", c);
    int widened = c;
    if (widened != -1)
        error("a char holding 0xff widened to %d, not -1", widened);

    int fds[2];
    char out = (char)0x80, in = 0;
    if (pipe(fds) != ERR_OK || write(fds[1], &out, 1) != 1 || read(fds[0], &in, 1) != 1)
        error("a byte through a pipe");
    close(fds[0]);
    close(fds[1]);
    if (in >= 0 || in != -128)
        error("the byte 0x80 read back is %d, not -128", in);
    pass("signed-char");
    exit(0);
}
