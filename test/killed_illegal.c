/*
 * killed_illegal: an instruction user mode may not run kills the program
 * with -1, and its killed: line says what it was, at its pc. Three
 * children run one each: `csrr sstatus` and `sret` (privileged
 * instructions: a supervisor CSR, a supervisor return) and a zero word
 * (no instruction at all). The killed_cause scenario reads their lines:
 * they said "illegal instruction at 0x100025f3", the instruction's
 * encoding where the line gives an address, which a student read as one.
 */
// test: expect-killed=3
#include "testlib.h"

/* Runs one instruction user mode may not run; reached only if it ran. */
static int privileged_csr(void)
{
    unsigned long x;
    __asm__ volatile("csrr %0, sstatus" : "=r"(x));
    return 7;
}

/* sret: a return only supervisor mode may make. */
static int privileged_sret(void)
{
    __asm__ volatile("sret");
    return 7;
}

/* A zero word: no instruction at all (c.unimp). */
static int zero_word(void)
{
    __asm__ volatile(".word 0");
    return 7;
}

int main(void)
{
    expect(child_status(privileged_csr), -1);
    expect(child_status(privileged_sret), -1);
    expect(child_status(zero_word), -1);
    pass("killed_illegal");
    return 0;
}
