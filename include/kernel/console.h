/*
 * Kernel console output and the panic path.
 *
 * kprintf formats like printf (%d %i %u %x %p %s %c %%, l/ll/z, width, 0)
 * and writes to the UART under one lock, so lines from different harts do
 * not interleave. It may be called with interrupts off or on, from any hart,
 * but not from a UART interrupt handler that already holds the print lock.
 *
 * panic prints "PANIC: <reason>" on every path, the trap registers when a
 * trap frame is known, and a symbolized frame-pointer backtrace, then powers
 * off with a failure status. It never returns. kassert is for kernel
 * invariants only: user input must never reach it.
 */
#ifndef _KERNEL_CONSOLE_H_
#define _KERNEL_CONSOLE_H_

#include <kernel/types.h>
#include <lib/errcode.h>

struct trapframe;

void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Format into buf (at most size bytes, NUL included); returns the length. */
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
/* panic caused by a trap: also prints scause, sepc, stval from tf. */
void panic_trap(struct trapframe *tf, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));

#define kassert(cond)                                                        \
    do {                                                                     \
        if (!(cond))                                                         \
            panic("assertion failed: %s at %s:%d", #cond, __FILE__, __LINE__); \
    } while (0)

/* Console device (fds 0 and 1): cooked line input with echo and backspace. */
void console_init(void);
/* Called by the UART interrupt handler for each received byte. When the
 * byte fills the input buffer it calls uart_rx_stop, and the handler must
 * then hand over no more bytes (they wait in the UART: none is dropped). */
void console_intr(int c);
/* Reads up to n bytes of the next input line into the kernel buffer dst;
 * sleeps until a whole line (ending in '\n') is typed, or until the input
 * buffer is full, in which case the part of a line that filled it counts.
 * Restarts a stopped UART (uart_rx_start). Returns bytes read. */
ssize_t console_read(char *dst, size_t n);
/* Writes n bytes from kernel buffer src to the UART. */
ssize_t console_write(const char *src, size_t n);

#endif /* _KERNEL_CONSOLE_H_ */
