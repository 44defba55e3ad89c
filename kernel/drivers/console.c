/*
 * The console device behind fds 0 and 1: output to the UART under one
 * lock, and a cooked line discipline for input, as a terminal would give:
 * typed bytes are echoed, backspace (DEL or ^H) erases, '\r' becomes '\n',
 * and a reader gets a line only once Enter is typed. Autograders that pipe
 * "ls\rquit\r" into QEMU see the same thing a person typing does.
 *
 * Input is flow controlled, so no byte is ever dropped however fast it
 * comes: when the buffer fills, the UART's receive interrupt is turned off
 * and further bytes wait in the UART, which then makes QEMU stop taking
 * input from its host side (a pipe or FIFO fills and the writer blocks).
 * A reader that frees space turns it back on.
 */
#include <kernel/console.h>
#include <kernel/uart.h>
#include <kernel/synch.h>
#include <kernel/sched.h>

#define INPUT_BUF 1024

static struct {
    struct spinlock lock;        /* guards output and the input buffer */
    struct condvar readable;     /* a whole line is waiting */
    char buf[INPUT_BUF];
    uint64_t r, w, e;            /* read, committed (written), edit indices */
    bool stopped;                /* full: the UART's receive interrupt is off */
} cons;

bool console_panicking;

void console_init(void)
{
    spinlock_init(&cons.lock, "console", LOCK_CONSOLE);
    condvar_init(&cons.readable);
}

static void echo(int c)
{
    if (c == '\b') {
        uart_putc('\b');
        uart_putc(' ');
        uart_putc('\b');
    } else {
        uart_putc(c);
    }
}

void console_intr(int c)
{
    spinlock_acquire(&cons.lock);
    switch (c) {
    case 0x7f:
    case '\b':
        if (cons.e != cons.w) {
            cons.e--;
            echo('\b');
        }
        break;
    default:
        /* NUL is ignored (make qemu sends one first, see test/qemu.py). */
        if (c == 0)
            break;
        kassert(!cons.stopped);  /* the UART hands over no byte while full */
        if (c == '\r')
            c = '\n';
        cons.buf[cons.e++ % INPUT_BUF] = c;
        echo(c);
        if (cons.e - cons.r == INPUT_BUF) {
            /* Full: hand the partial line to readers, leave the next bytes
             * in the UART until a reader makes room. */
            cons.stopped = true;
            uart_rx_stop();
        }
        if (c == '\n' || cons.stopped) {
            cons.w = cons.e;
            condvar_broadcast(&cons.readable);
        }
        break;
    }
    spinlock_release(&cons.lock);
}

ssize_t console_read(char *dst, size_t n)
{
    size_t got = 0;
    spinlock_acquire(&cons.lock);
    while (cons.r == cons.w)
        condvar_wait(&cons.readable, &cons.lock);
    while (got < n && cons.r != cons.w) {
        char c = cons.buf[cons.r++ % INPUT_BUF];
        dst[got++] = c;
        if (c == '\n')
            break;
    }
    if (cons.stopped) {
        cons.stopped = false;
        uart_rx_start();
    }
    spinlock_release(&cons.lock);
    return got;
}

ssize_t console_write(const char *src, size_t n)
{
    if (console_panicking) {
        /* The panicking hart may hold the lock, or another hart may: print anyway. */
        for (size_t i = 0; i < n; i++) {
            if (src[i] == '\n')
                uart_putc('\r');
            uart_putc(src[i]);
        }
        return n;
    }
    spinlock_acquire(&cons.lock);
    for (size_t i = 0; i < n; i++) {
        if (src[i] == '\n')
            uart_putc('\r');
        uart_putc(src[i]);
    }
    spinlock_release(&cons.lock);
    return n;
}
