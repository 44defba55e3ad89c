/*
 * The first instructions of the kernel, run at physical addresses with
 * paging off. OpenSBI enters _entry on one hart (a0 = hart id, a1 = the
 * device tree); the others are started later through SBI HSM at
 * _secondary_entry (a0 = hart id, a1 = our cpu index).
 *
 * Only the first hart to reach _entry boots the kernel. OpenSBI 1.1 can
 * send a hart we start to _entry instead of _secondary_entry (its HSM
 * start marks the hart START_PENDING before writing the start address, so
 * a waiting hart may leave with the default one); such a hart finds its
 * cpu index by its hart id in hart_start_id[] and then goes on as a
 * secondary. Either way a secondary first claims its index (hartstart.h):
 * if the boot hart has given up on it, it parks here for good.
 *
 * The boot hart fills boot_pagetable for a start: all of the first 256
 * GiB of physical memory at KMAP_BASE in 1 GiB pages (root entries
 * 256..511), readable, writable and executable, plus an identity gigapage
 * for RAM so the instruction after `csrw satp` still runs. That is only
 * until C knows the machine: vpmap_kernel_map then replaces the kernel
 * half with RAM and the devices (vpmap.c), before any other hart starts.
 * Then it jumps to the linked (high) addresses and calls C on boot_stack;
 * a secondary only turns paging on with that table and calls C on the
 * stack the boot hart gave it. kmain gets the stack's top as well
 * (cpu->kstack_top, which trapvec.S checks sp against).
 */
#include <kernel/config.h>
#include <kernel/hartstart.h>

#define KSTACK_BOOT (1 << KSTACK_SHIFT) /* as large as any kernel stack: trapvec.S */

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

/* A started hart that came in here: its index i is the one with
 * hart_start_id[i] == a0 among those not idle. */
late_hart:
    la t0, hart_start_state
    la t1, hart_start_id
    li a2, 1
    li t2, NCPU
1:  bgeu a2, t2, late_hart      /* not published yet: look again */
    slli t3, a2, 2
    add t3, t3, t0
    lw t4, 0(t3)
    fence r, r
    beqz t4, 2f                 /* HART_IDLE */
    slli t3, a2, 3
    add t3, t3, t1
    ld t4, 0(t3)
    beq t4, a0, claim
2:  addi a2, a2, 1
    j 1b

    .globl _secondary_entry
_secondary_entry:
    mv a2, a1                   /* cpu index passed as the HSM opaque */

/* hart_start_state[a2]: HART_STARTING -> HART_ARRIVED, or park. */
claim:
    la t0, hart_start_state
    slli t1, a2, 2
    add t0, t0, t1
    li t1, HART_STARTING
    li t2, HART_ARRIVED
3:  lr.w.aqrl t3, (t0)
    bne t3, t1, park
    sc.w.aqrl t3, t2, (t0)
    bnez t3, 3b
    li a1, 0
    j enable_paging
park:
    wfi
    j park

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
    /* cpu 0 runs on boot_stack, cpu i on hart_start_sp[i]. */
    la sp, boot_stack + KSTACK_BOOT
    beqz a2, 5f
    la t0, hart_start_sp
    slli t1, a2, 3
    add t0, t0, t1
    ld sp, 0(t0)
5:  li fp, 0
    csrw sscratch, zero
    mv a3, sp
    call kmain                  /* kmain(hartid, fdt_pa, cpu_index, stack top) */
6:  wfi
    j 6b

    .section .data
    .balign 8
boot_claimed:
    .word 0, 0

    .section .bss
    .balign 8
    .globl hart_start_state, hart_start_id, hart_start_sp
hart_start_state:               /* hartstart.h; all HART_IDLE */
    .space 4 * NCPU
    .balign 8
hart_start_id:
    .space 8 * NCPU
hart_start_sp:
    .space 8 * NCPU
    .balign 4096
    .globl boot_pagetable, boot_stack_guard
boot_pagetable:
    .space 4096
boot_stack_guard:               /* left unmapped by vpmap_kernel_map */
    .space 4096
boot_stack:                     /* cpu 0's */
    .space KSTACK_BOOT
