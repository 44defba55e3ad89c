/*
 * The ns16550a UART at platform.uart_base: polled output, interrupt-driven
 * input (each received byte goes to console_intr).
 */
#ifndef _KERNEL_UART_H_
#define _KERNEL_UART_H_

void uart_init(void);          /* before the first kprintf */
void uart_enable_intr(void);   /* after plic_init */
void uart_putc(int c);         /* waits until the transmitter has room */

#endif /* _KERNEL_UART_H_ */
