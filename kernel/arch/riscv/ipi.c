/*
 * Inter-hart interrupts (contract in <kernel/ipi.h>): a store to the
 * ACLINT SSWI's register of the target hart when the device tree names
 * one (fdt.c fills platform.sswi_*), an SBI call otherwise.
 */
#include <kernel/ipi.h>
#include <kernel/platform.h>
#include <kernel/pmem.h>
#include <kernel/sbi.h>

/* The fence orders this hart's earlier stores (the work the target is
 * woken for) before the device store: RISC-V orders memory and device
 * accesses only when told to. The SBI path needs none (the firmware's
 * IPI path orders memory). */
void ipi_send(int cpu)
{
    int slot = platform.sswi_base ? platform.sswi_slot[cpu] : -1;
    if (slot < 0) {
        sbi_send_ipi(1, platform.hartids[cpu]);    /* mask bit 0 = the hart id given as base */
        return;
    }
    __asm__ volatile("fence w, o" ::: "memory");
    volatile uint32_t *reg = kmap_p2v(platform.sswi_base + 4 * (paddr_t)slot);
    *reg = 1;
}
