/*
 * What the device tree says about the machine. OpenSBI hands the kernel a
 * flattened device tree in a1; fdt_parse reads it once on the boot hart and
 * fills `platform`, so no other code hard-codes memory size, hart ids or
 * device addresses.
 */
#ifndef _KERNEL_PLATFORM_H_
#define _KERNEL_PLATFORM_H_

#include <kernel/types.h>
#include <kernel/config.h>

#define MAX_VIRTIO 8
#define MAX_MMIO (MAX_VIRTIO + 4)     /* the virtio slots, UART, PLIC, finisher, SSWI */

struct platform {
    paddr_t ram_start, ram_end;       /* first memory bank */
    int nharts;                       /* harts the kernel runs (at most NCPU) */
    int harts_found;                  /* harts the device tree names */
    uint64_t hartids[NCPU];           /* cpu index i runs on hartids[i]; [0] is the boot hart */
    uint64_t timebase_hz;             /* rdtime ticks per second */
    paddr_t uart_base;
    int uart_irq;
    paddr_t plic_base;
    int nvirtio;                      /* virtio-mmio slots, in address order */
    paddr_t virtio_base[MAX_VIRTIO];
    int virtio_irq[MAX_VIRTIO];
    paddr_t fdt_start, fdt_end;       /* the blob itself, kept reserved */
    uint64_t mem_limit;               /* bootargs mem=: bytes of frames the
                                         allocator may hand out; 0 = all */
    int panic_test;                   /* bootargs panic=: PANIC_TEST_* */
    paddr_t finisher_base;            /* "sifive,test0": a store powers off
                                         with an exit status; 0 = none */
    paddr_t sswi_base;                /* ACLINT SSWI ("riscv,aclint-sswi", QEMU
                                         virt with aclint=on): a store of 1 at
                                         sswi_base + 4 * sswi_slot[i] raises a
                                         software interrupt on cpu index i
                                         (ipi.h); 0 = none */
    int sswi_slot[NCPU];              /* -1: that hart has no slot */
    int nmmio;                        /* the registers of the devices above */
    struct {                          /* (what the direct map has besides RAM) */
        paddr_t base;
        uint64_t size;
    } mmio[MAX_MMIO];
};

/* The deliberate panics of the command line's panic=WHAT, which the boot
 * thread runs once the file system is up (kernel/boot/panic_test.c): to
 * see what a panic looks like, and to test the kernel's last resorts. */
#define PANIC_TEST_NONE 0
#define PANIC_TEST_BOOT 1     /* panic=boot: a plain panic() */
#define PANIC_TEST_STACK 2    /* panic=stack: recurse into the stack's guard page */
#define PANIC_TEST_WILD 3     /* panic=wild: load from outside RAM and devices */
#define PANIC_TEST_LOCKORDER 4 /* panic=lockorder: two locks out of order (synch.h) */

extern struct platform platform;

/* Runs the deliberate panic platform.panic_test names; returns at once if
 * there is none. Boot thread only. */
void panic_test(void);

/* Parses the blob at physical address fdt_pa (read through the direct map),
 * on boot hart boot_hartid: it comes first in hartids, followed by the
 * first NCPU - 1 other harts in device-tree order. Panics if the blob is
 * not a device tree: without it nothing can boot. */
void fdt_parse(paddr_t fdt_pa, uint64_t boot_hartid);

/* us microseconds in rdtime ticks, rounded down: multiplied before it is
 * divided, so a clock slower than 1 MHz (a 32768 Hz one) still counts
 * (timebase_hz / 1000000 would be 0 there). Exact for us below 1.8e12 at
 * 10 MHz. */
static inline uint64_t platform_us_ticks(uint64_t us)
{
    return platform.timebase_hz * us / 1000000;
}

#endif /* _KERNEL_PLATFORM_H_ */
