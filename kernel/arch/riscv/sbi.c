/*
 * SBI calls: ecall into OpenSBI with the extension id in a7 and the
 * function id in a6. The standard extensions TIME, IPI, RFENCE, HSM and
 * SRST, and the legacy console putchar for the lines printed before the
 * UART is found.
 */
#include <kernel/sbi.h>

#define SBI_EXT_TIME 0x54494D45
#define SBI_EXT_IPI 0x735049
#define SBI_EXT_RFENCE 0x52464E43
#define SBI_EXT_HSM 0x48534D
#define SBI_EXT_SRST 0x53525354

struct sbiret {
    long error;
    long value;
};

/* One SBI call: the extension in a7, the function in a6, arguments in
 * a0-a3 (SBI's calling convention); OpenSBI answers with an error code in
 * a0 and a value in a1. */
static struct sbiret sbi_call(long ext, long fid, unsigned long a0, unsigned long a1,
                              unsigned long a2, unsigned long a3)
{
    register unsigned long r0 __asm__("a0") = a0;
    register unsigned long r1 __asm__("a1") = a1;
    register unsigned long r2 __asm__("a2") = a2;
    register unsigned long r3 __asm__("a3") = a3;
    register unsigned long r6 __asm__("a6") = fid;
    register unsigned long r7 __asm__("a7") = ext;
    __asm__ volatile("ecall"
                     : "+r"(r0), "+r"(r1)
                     : "r"(r2), "r"(r3), "r"(r6), "r"(r7)
                     : "memory");
    return (struct sbiret){ (long)r0, (long)r1 };
}

/* The legacy console, the one call outside the standard extensions: only
 * uart_putc uses it, before uart_init has found the UART in the device tree. */
void sbi_console_putchar(int c)
{
    sbi_call(0x01, 0, c, 0, 0, 0);   /* legacy extension 0x01 */
}

/* Sets this hart's next timer interrupt at stime (absolute, in the time
 * CSR's ticks): the firmware writes the compare register, on a hart
 * whose stimecmp the kernel may not write itself (trap.h). */
void sbi_set_timer(uint64_t stime)
{
    sbi_call(SBI_EXT_TIME, 0, stime, 0, 0, 0);
}

/* A supervisor software interrupt on the harts of the mask (ipi.c). */
void sbi_send_ipi(unsigned long hart_mask, unsigned long hart_mask_base)
{
    sbi_call(SBI_EXT_IPI, 0, hart_mask, hart_mask_base, 0, 0);
}

/* Asks the harts of hart_mask (from hart_mask_base) to flush their TLB
 * entries for [start, start + size): the RFENCE extension. Only tlb.c's
 * one flush function calls it. */
void sbi_remote_sfence_vma(unsigned long hart_mask, unsigned long hart_mask_base,
                           unsigned long start, unsigned long size)
{
    sbi_call(SBI_EXT_RFENCE, 1, hart_mask, hart_mask_base, start, size);
}

/* HSM hart_start: the hart begins at start_pa with the MMU off, its hartid
 * in a0 and opaque in a1. Returns SBI's error code (0: started); boot
 * waits for the hart either way (main.c's start_hart). */
long sbi_hart_start(unsigned long hartid, unsigned long start_pa, unsigned long opaque)
{
    return sbi_call(SBI_EXT_HSM, 0, hartid, start_pa, opaque, 0).error;
}

/* Powers off through the SBI system-reset extension; never returns (waits
 * for the power to go if the call does return). */
void sbi_shutdown(bool failure)
{
    /* SRST: type 0 = shutdown, reason 1 = system failure. */
    sbi_call(SBI_EXT_SRST, 0, 0, failure ? 1 : 0, 0, 0);
    for (;;)
        __asm__ volatile("wfi");
}
