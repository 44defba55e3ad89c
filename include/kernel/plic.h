/*
 * The platform-level interrupt controller. Device drivers register a
 * handler for their interrupt number; the trap path claims the pending
 * interrupt, calls its handler (interrupts off, on the one hart the source
 * is routed to: the one that registered it) and completes it. Handlers
 * must not sleep.
 */
#ifndef _KERNEL_PLIC_H_
#define _KERNEL_PLIC_H_

typedef void (*irq_handler_t)(void *arg);

void plic_init_hart(void);     /* on every hart: its priority threshold */
/* Routes irq to handler(arg) and enables it on the calling hart only (one
 * hart per source: an interrupt wakes that hart, not every idle one). */
void plic_register_irq(int irq, irq_handler_t handler, void *arg);
/* Called from the trap path on a supervisor external interrupt. */
void plic_handle(void);

#endif /* _KERNEL_PLIC_H_ */
