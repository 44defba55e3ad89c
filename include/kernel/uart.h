/*
 * The ns16550a UART at platform.uart_base: polled output, interrupt-driven
 * input (each received byte goes to console_intr).
 *
 * Flow control: uart_rx_stop turns the receive interrupt off and the
 * handler takes no further byte, so input waits in the UART (and QEMU then
 * stops reading its host side); uart_rx_start turns it back on. Both are
 * called by the console under its lock, which orders them.
 */
#ifndef _KERNEL_UART_H_
#define _KERNEL_UART_H_

#include <kernel/types.h>

/* Once fdt_parse has found the UART; output before it goes through the
 * firmware (uart_putc), so fdt_parse's own lines and panics are seen. */
void uart_init(void);
void uart_enable_intr(void);   /* once fdt_parse has found the PLIC */
void uart_putc(int c);         /* waits until the transmitter has room */
/* Whether the output so far ends in the middle of a line (its last byte,
 * echo included, is not '\n'): a program printed without a newline.
 * Exact under the console lock, which every uart_putc holds until a panic. */
bool uart_mid_line(void);
void uart_rx_stop(void);       /* console lock held */
void uart_rx_start(void);      /* console lock held */

#endif /* _KERNEL_UART_H_ */
