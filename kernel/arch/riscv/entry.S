/*
 * The first instructions of the kernel, run at physical addresses with
 * paging off. OpenSBI enters _entry on one hart (a0 = hart id, a1 = the
 * device tree); the others are started later through SBI HSM at
 * _secondary_entry (a0 = hart id, a1 = our cpu index).
 *
 * Only the first hart to reach _entry boots the kernel. OpenSBI 1.1 can
 * send a hart we start to _entry instead of _secondary_entry (its HSM
 * start marks the hart START_PENDING before writing the start address, so
 * a waiting hart may leave with the default one); such a hart waits until
 * the boot hart publishes its cpu index in hart_index[] and then goes on
 * as a secondary.
 *
 * Both build nothing but satp: boot_pagetable maps all of physical memory
 * at KMAP_BASE with 1 GiB pages (root entries 256..511) plus an identity
 * gigapage for RAM so the instruction after `csrw satp` still runs. Then
 * they jump to the linked (high) addresses and call C.
 */
#include <kernel/config.h>

#define KSTACK_BOOT (4 * 4096)
#define MAX_HARTID 64

    .section .text.entry
    .globl _entry
_entry:
    la t0, boot_claimed
    li t1, 1
    amoswap.w.aq t1, t1, (t0)
    bnez t1, late_hart
    mv s0, a0                   /* hart id */
    mv s1, a1                   /* device tree (physical) */

    /* Clear .bss (physical addresses: la is pc-relative). */
    la t0, __bss_start
    la t1, __bss_end
1:  bgeu t0, t1, 2f
    sd zero, 0(t0)
    addi t0, t0, 8
    j 1b
2:
    /* boot_pagetable[256 + i] = gigapage at i GiB, V R W X G A D. */
    la t0, boot_pagetable
    li t1, 256 * 8
    add t1, t0, t1
    li t2, 0
    li t3, 256
    li t4, 0xEF
3:  slli t5, t2, 28
    or t5, t5, t4
    sd t5, 0(t1)
    addi t1, t1, 8
    addi t2, t2, 1
    blt t2, t3, 3b
    /* Identity map of the GiB holding the kernel (entry 2: 0x80000000). */
    li t5, (2 << 28) | 0xCF
    sd t5, 16(t0)

    mv a0, s0
    mv a1, s1
    li a2, 0                    /* cpu index 0 */
    j enable_paging

late_hart:
    li t0, MAX_HARTID
    bgeu a0, t0, park
    la t0, hart_index
    slli t1, a0, 3
    add t0, t0, t1
1:  fence r, r
    ld a2, 0(t0)
    bltz a2, 1b
    li a1, 0
    j enable_paging
park:
    wfi
    j park

    .globl _secondary_entry
_secondary_entry:
    mv a2, a1                   /* cpu index passed as the HSM opaque */
    li a1, 0

enable_paging:
    la t0, boot_pagetable
    srli t0, t0, 12
    li t1, 8
    slli t1, t1, 60
    or t0, t0, t1
    sfence.vma zero, zero
    csrw satp, t0
    sfence.vma zero, zero

    /* Jump to the same code at its linked address. */
    li t6, 0xFFFFFFC000000000
    la t0, 4f
    add t0, t0, t6
    jr t0
4:
    /* Boot stack of this cpu: boot_stacks + (index + 1) * KSTACK_BOOT. */
    la sp, boot_stacks
    addi t0, a2, 1
    li t1, KSTACK_BOOT
    mul t0, t0, t1
    add sp, sp, t0
    li fp, 0
    csrw sscratch, zero
    call kmain                  /* kmain(hartid, fdt_pa, cpu_index) */
5:  wfi
    j 5b

    .section .data
    .balign 8
boot_claimed:
    .word 0, 0
    .globl hart_index
hart_index:                     /* cpu index of each hart id, -1 until started */
    .rept MAX_HARTID
    .dword -1
    .endr

    .section .bss
    .balign 4096
    .globl boot_pagetable
boot_pagetable:
    .space 4096
    .balign 16
    .globl boot_stacks
boot_stacks:
    .space KSTACK_BOOT * NCPU
