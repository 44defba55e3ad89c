/*
 * ns16550a UART driver. Output is polled: QEMU's UART drains instantly,
 * and polling keeps kprintf usable with interrupts off (panic, early boot).
 * Input is interrupt driven: the receive interrupt hands bytes to the
 * console line discipline (console.c), which stops and restarts it for
 * flow control (uart_rx_stop, uart_rx_start).
 */
#include <kernel/uart.h>
#include <kernel/console.h>
#include <kernel/platform.h>
#include <kernel/plic.h>
#include <kernel/pmem.h>
#include <kernel/sbi.h>

#define RBR 0   /* receive buffer (read) */
#define THR 0   /* transmit holding (write) */
#define IER 1   /* interrupt enable */
#define FCR 2   /* FIFO control */
#define LCR 3   /* line control */
#define LSR 5   /* line status */
#define IER_RX 0x01          /* receive-data-available interrupt */
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY 0x20

static volatile uint8_t *uart; /* set by uart_init, then constant */
static bool rx_on;           /* IER_RX is set; changed under the console lock */
static char last_sent = '\n';  /* the last byte output: nothing yet is a line's start;
                              * written under the console lock (but in a panic) */

/* The UART's registers are bytes at base + r (QEMU's ns16550a has a stride
 * of 1); volatile through uart, so each access reaches the device. */
static inline uint8_t reg_read(int r) { return uart[r]; }
static inline void reg_write(int r, uint8_t v) { uart[r] = v; }

/* Polled output works from here on, before interrupts and allocation,
 * so the first boot lines can be printed. */
void uart_init(void)
{
    uart = kmap_p2v(platform.uart_base);
    reg_write(IER, 0x00);        /* no interrupts while we set it up */
    reg_write(LCR, 0x80);        /* divisor latch: 38400 baud (QEMU ignores it) */
    reg_write(0, 0x03);
    reg_write(1, 0x00);
    reg_write(LCR, 0x03);        /* 8 bits, no parity, one stop bit */
    /* Enable the FIFOs without clearing them: bytes typed (or piped in)
     * while the firmware and kernel booted are waiting there. */
    reg_write(FCR, 0x01);
}

/* Hands the received bytes to the console until none is left or the
 * console stops reception (its buffer is full): the rest stay in the UART. */
static void uart_intr(void *arg)
{
    (void)arg;
    while (__atomic_load_n(&rx_on, __ATOMIC_RELAXED) && (reg_read(LSR) & LSR_DATA_READY))
        console_intr(reg_read(RBR));
}

/* At boot, before any reader: no console lock needed yet. */
void uart_enable_intr(void)
{
    plic_register_irq(platform.uart_irq, uart_intr, NULL);
    uart_rx_start();
}

/* Usually called from uart_intr itself (through console_intr, on the
 * byte that filled the console's buffer): rx_on ends its loop at once,
 * and the masked interrupt keeps further bytes in the UART. */
void uart_rx_stop(void)
{
    __atomic_store_n(&rx_on, false, __ATOMIC_RELAXED);
    reg_write(IER, 0x00);
}

/* With bytes waiting, turning the interrupt on raises it at once. */
void uart_rx_start(void)
{
    __atomic_store_n(&rx_on, true, __ATOMIC_RELAXED);
    reg_write(IER, IER_RX);
}

/* Before uart_init (the device tree not read yet) the firmware prints
 * for us, so even the earliest panic is seen. */
void uart_putc(int c)
{
    __atomic_store_n(&last_sent, (char)c, __ATOMIC_RELAXED);
    if (!uart) {
        sbi_console_putchar(c);
        return;
    }
    while ((reg_read(LSR) & LSR_THR_EMPTY) == 0)
        ;
    reg_write(THR, (uint8_t)c);
}

/* Every byte goes through uart_putc, the console's echo of typed input
 * included, so the last one tells where the output stands. */
bool uart_mid_line(void)
{
    return __atomic_load_n(&last_sent, __ATOMIC_RELAXED) != '\n';
}
