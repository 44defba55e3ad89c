/*
 * The PLIC routes device interrupts to harts. We give every registered
 * source priority 1 and enable it in one hart's supervisor context, that
 * of the hart that registered it, as Linux routes each source to one hart:
 * enabled on every hart, each interrupt woke every idle hart, which then
 * found nothing to claim, and under QEMU each such wakeup is host CPU
 * time (half the CPU of the disk-bound tests, two thirds of sh_script's).
 * The handler wakes threads and kicks idle harts as any wakeup does. On
 * QEMU virt the supervisor context of hart h is number 2h+1 (2h is its
 * machine-mode context).
 */
#include <kernel/plic.h>
#include <kernel/platform.h>
#include <kernel/pmem.h>
#include <kernel/thread.h>
#include <kernel/console.h>

#define MAX_IRQ 128
#define PRIORITY(irq) (4 * (irq))
#define ENABLE(ctx) (0x2000 + 0x80 * (ctx))
#define THRESHOLD(ctx) (0x200000 + 0x1000 * (ctx))
#define CLAIM(ctx) (0x200004 + 0x1000 * (ctx))

/* Filled by plic_register_irq at boot, before the source is enabled, and
 * only read after: no lock. */
static struct {
    irq_handler_t handler;
    void *arg;
} handlers[MAX_IRQ];

/* A PLIC register, through the kernel's direct map of the device. */
static inline volatile uint32_t *reg(uint64_t offset)
{
    return (volatile uint32_t *)((char *)kmap_p2v(platform.plic_base) + offset);
}

/* This hart's supervisor context (QEMU virt numbering, above). */
static int my_context(void)
{
    return 2 * mycpu()->hartid + 1;
}

/* Threshold 0 lets every priority above 0 through, for the sources
 * plic_register_irq enables on this hart. */
void plic_init_hart(void)
{
    *reg(THRESHOLD(my_context())) = 0;
}

/* Priority 1 makes the source deliverable at all (0 disables it). */
void plic_register_irq(int irq, irq_handler_t handler, void *arg)
{
    if (irq <= 0 || irq >= MAX_IRQ)
        panic("plic_register_irq: bad irq %d", irq);
    handlers[irq].arg = arg;
    handlers[irq].handler = handler;
    *reg(PRIORITY(irq)) = 1;
    reg(ENABLE(my_context()))[irq / 32] |= 1U << (irq % 32);    /* this hart only */
}

/* The hart a source is enabled on claims it (0: nothing pending, e.g. a
 * spurious wakeup). Completion re-arms the source. */
void plic_handle(void)
{
    int ctx = my_context();
    uint32_t irq = *reg(CLAIM(ctx));
    if (irq == 0)
        return;                  /* nothing pending (each source has one hart) */
    if (irq < MAX_IRQ && handlers[irq].handler)
        handlers[irq].handler(handlers[irq].arg);
    *reg(CLAIM(ctx)) = irq;      /* complete */
}
