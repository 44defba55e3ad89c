/*
 * Program entry. The kernel starts a user program at _start with
 * a0 = argc, a1 = argv and sp 16-byte aligned below USTACK_UPPERBOUND;
 * we run main(argc, argv) and exit with what it returns.
 */
    .section .text.start
    .globl _start
    .type _start, @function
_start:
    mv s0, zero         /* no caller frame: stops frame-pointer backtraces */
    mv ra, zero
    call main           /* a0, a1 are still argc, argv */
    call exit           /* a0 = main's return value; exit does not return */
1:  j 1b
    .size _start, . - _start
