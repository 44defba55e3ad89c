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
    bool panic_at_boot;               /* bootargs panic=boot: panic once the
                                         file system is up (to see one) */
    bool panic_lockorder;             /* bootargs panic=lockorder: take two
                                         locks out of order then (synch.h) */
    paddr_t finisher_base;            /* "sifive,test0": a store powers off
                                         with an exit status; 0 = none */
};

extern struct platform platform;

/* Parses the blob at physical address fdt_pa (read through the direct map),
 * on boot hart boot_hartid: it comes first in hartids, followed by the
 * first NCPU - 1 other harts in device-tree order. Panics if the blob is
 * not a device tree: without it nothing can boot. */
void fdt_parse(paddr_t fdt_pa, uint64_t boot_hartid);

#endif /* _KERNEL_PLATFORM_H_ */
