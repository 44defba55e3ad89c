/*
 * panic: the kernel's last words. Prints "PANIC" with the reason, the trap
 * registers when a trap caused it, and a backtrace whose return addresses
 * are named with the symbol table the build embeds (linker/ksyms.sh), then
 * powers the machine off with a failure status so scripts see it.
 *
 * The backtrace follows frame pointers (-fno-omit-frame-pointer): in every
 * frame, fp-8 holds the return address and fp-16 the caller's fp. A return
 * address is the instruction after the call, which for a call that never
 * returns (panic itself) is the first instruction of the next function:
 * each is named by the byte before it, inside the call. The host turns the
 * addresses into file:line (`make symbolize`, and the test runner).
 * Only frames on the kernel stack the hart was running on are read
 * (cpu->kstack_top: the thread's, or the boot/scheduler stack), each above
 * the last, so a corrupt chain, a user fp or an overflowed stack ends the
 * backtrace rather than faulting in it; a run of one return address (a
 * recursion) is printed once, with its count.
 *
 * A fault while panicking (the panic from the emergency stack after a
 * stack overflow included, see trapvec.S) comes back here on the same
 * hart: it powers off at once, so there is one PANIC and it terminates.
 *
 * The exit status: OpenSBI 1.1 drops SRST's "system failure" reason, so
 * QEMU would exit 0. When the device tree has a "sifive,test0" finisher
 * (QEMU virt's), a store of FAIL with code 1 makes QEMU exit 1; SRST stays
 * the fallback for machines without one.
 */
#include <kernel/console.h>
#include <kernel/platform.h>
#include <kernel/pmem.h>
#include <kernel/riscv.h>
#include <kernel/sbi.h>
#include <kernel/thread.h>
#include <kernel/trap.h>
#include <lib/layout.h>
#include <stdarg.h>

extern const uint64_t ksyms_count;
extern const uint64_t ksyms_addrs[];
extern const char ksyms_names[];

/* Names the function containing pc; returns its start in *start. */
static const char *symbolize(uint64_t pc, uint64_t *start)
{
    uint64_t lo = 0, hi = ksyms_count;
    if (hi == 0 || pc < ksyms_addrs[0])
        return NULL;
    while (hi - lo > 1) {        /* largest address <= pc */
        uint64_t mid = (lo + hi) / 2;
        if (ksyms_addrs[mid] <= pc)
            lo = mid;
        else
            hi = mid;
    }
    const char *name = ksyms_names;
    for (uint64_t i = 0; i < lo; i++)
        while (*name++)
            ;
    *start = ksyms_addrs[lo];
    return name;
}

/* One line of the backtrace; ret: pc is a return address, named by the
 * call before it. */
static void print_pc(const char *label, uint64_t pc, bool ret)
{
    uint64_t start = 0;
    const char *name = symbolize(ret ? pc - 1 : pc, &start);
    if (name)
        kprintf("  %s 0x%lx %s+0x%lx\n", label, pc, name, pc - start);
    else
        kprintf("  %s 0x%lx ?\n", label, pc);
}

/* The end of a run of `count` frames returning to one address. */
static void print_repeats(int count)
{
    if (count > 0)
        kprintf("  ... the same %d more time%s\n", count, count == 1 ? "" : "s");
}

/* Walks the frame-pointer chain from fp, within the bounds the file's
 * header gives, printing at most 24 distinct lines. */
static void backtrace(uint64_t fp)
{
    uint64_t top = mycpu()->kstack_top, bottom = top - (1UL << KSTACK_SHIFT);
    uint64_t last = 0;
    int lines = 0, repeats = 0;
    kprintf("backtrace:\n");
    for (int depth = 0; fp >= bottom + 16 && fp <= top && (fp & 7) == 0; depth++) {
        uint64_t ra = ((uint64_t *)fp)[-1];
        uint64_t prev = ((uint64_t *)fp)[-2];
        /* A new thread enters thread_start with fp 0 (its context is
         * zeroed): that frame is the bottom, its ra thread_entry's. */
        if (ra < KMAP_BASE || prev == 0)
            break;
        if (ra == last) {
            repeats++;
        } else {
            print_repeats(repeats);
            repeats = 0;
            if (++lines > 24)
                return;
            char label[8];
            ksnprintf(label, sizeof(label), "#%d", depth);
            print_pc(label, ra, true);
            last = ra;
        }
        if (prev <= fp)          /* stacks grow down: callers are higher */
            break;
        fp = prev;
    }
    print_repeats(repeats);
}

#define FINISHER_FAIL 0x3333      /* sifive,test: power off, status in bits 16.. */

/* Powers off so that QEMU exits with status 1. */
static void __attribute__((noreturn)) power_off_failed(void)
{
    if (platform.finisher_base)
        *(volatile uint32_t *)kmap_p2v(platform.finisher_base) = (1 << 16) | FINISHER_FAIL;
    sbi_shutdown(true);
}

/* Harts in a panic (bit per cpu index), for the fault while panicking. */
static uint64_t panicking[CPU_WORDS];

/* The one body of panic and panic_trap. Interrupts go off first, so
 * nothing else runs on this hart; console_panicking lets the output pass
 * a console lock that may never be released. */
static void __attribute__((noreturn)) panic_common(struct trapframe *tf, const char *fmt, va_list ap)
{
    intr_off();
    int id = mycpu()->id;
    if (__atomic_fetch_or(&panicking[id / 64], 1UL << (id % 64), __ATOMIC_RELAXED) & (1UL << (id % 64)))
        power_off_failed();
    console_panicking = true;
    kprintf_line("PANIC on hart %ld: ", (long)mycpu()->hartid);
    kvprintf(fmt, ap);
    kprintf("\n");
    if (tf) {
        kprintf("  scause 0x%lx (%s) sepc 0x%lx stval 0x%lx\n", tf->scause, trap_cause_name(tf->scause),
                tf->sepc, tf->stval);
        print_pc("at", tf->sepc, false);
        backtrace(tf->s0);
    } else {
        backtrace(read_fp());
    }
    power_off_failed();
}

/* Prints the message and stops the kernel (panic_common); never returns. */
void panic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    panic_common(NULL, fmt, ap);
}

/* panic for an unexpected trap: also prints the trap registers from tf. */
void panic_trap(struct trapframe *tf, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    panic_common(tf, fmt, ap);
}
