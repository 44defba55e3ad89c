/*
 * sem_order: sem_post performs its increment of the count before its load
 * of the waiter count, as RISC-V's memory model (RVWMO) sees it.
 *
 * Why: sem_wait adds itself to the waiters, then sleeps in the kernel if
 * the count is still 0; sem_post adds to the count, then wakes someone if
 * the waiters are not 0. That is the store-buffering pattern: if either
 * side's load may be performed before its own store, each can miss the
 * other's store, and the waiter sleeps through the post for good. The
 * kernel's side is ordered (its load is sequentially consistent), so the
 * post's must be too. A real RISC-V hart may reorder them; QEMU on an x86
 * host never does (its atomics are locked instructions there), so no run
 * can show the race, and this test reads the machine code instead: after
 * the first atomic memory operation (the increment) in sem_post, the AMO
 * must carry the acquire bit, or a fence ordering earlier accesses before
 * later reads must come before the next load.
 */
#include "testlib.h"
#include <lib/sync.h>
#include <stdbool.h>

#define OPCODE_LOAD 0x03
#define OPCODE_FENCE 0x0f
#define OPCODE_AMO 0x2f
#define AMO_FUNCT5_LR 0x02
#define AMO_FUNCT5_SC 0x03
#define AMO_AQ (1u << 26)
#define FENCE_PRED_RW (3u << 24)       /* predecessor set: R, W */
#define FENCE_SUCC_R (1u << 21)        /* successor set: R */
#define MAX_INSNS 64                   /* sem_post is far shorter */

/* An instruction (16 or 32 bits) and its length in bytes. */
static uint32_t fetch(const uint16_t *pc, int *len)
{
    if ((pc[0] & 3) != 3) {
        *len = 2;
        return pc[0];
    }
    *len = 4;
    return pc[0] | (uint32_t)pc[1] << 16;
}

static bool is_load(uint32_t insn, int len)
{
    if (len == 4)
        return (insn & 0x7f) == OPCODE_LOAD;
    int quadrant = insn & 3, funct3 = (insn >> 13) & 7;
    /* c.lw, c.ld (quadrant 0) and c.lwsp, c.ldsp (quadrant 2) */
    return (quadrant == 0 || quadrant == 2) && (funct3 == 2 || funct3 == 3);
}

static bool is_amo(uint32_t insn, int len)
{
    int funct5 = insn >> 27;
    return len == 4 && (insn & 0x7f) == OPCODE_AMO && funct5 != AMO_FUNCT5_LR &&
           funct5 != AMO_FUNCT5_SC;
}

static bool orders_writes_before_reads(uint32_t insn, int len)
{
    return len == 4 && (insn & 0x707f) == OPCODE_FENCE && (insn & FENCE_PRED_RW) &&
           (insn & FENCE_SUCC_R);
}

int main(void)
{
    const uint16_t *pc = (const uint16_t *)(uintptr_t)&sem_post;
    int len, n = 0;
    uint32_t insn = 0;
    for (; n < MAX_INSNS && !is_amo(insn = fetch(pc, &len), len); n++)
        pc += len / 2;
    if (n == MAX_INSNS)
        error("no atomic increment in sem_post's first %d instructions", MAX_INSNS);
    bool ordered = (insn & AMO_AQ) != 0;
    for (pc += len / 2; !ordered && n < MAX_INSNS; n++, pc += len / 2) {
        insn = fetch(pc, &len);
        if (is_load(insn, len))
            error("sem_post may load the waiter count before its increment of the count is "
                  "performed (instruction 0x%x at %p)", insn, (const void *)pc);
        ordered = orders_writes_before_reads(insn, len);
    }
    if (!ordered)
        error("neither a load nor a fence after sem_post's increment in %d instructions", MAX_INSNS);
    pass("sem_order: sem_post's increment is ordered before its load of the waiter count");
    return 0;
}
