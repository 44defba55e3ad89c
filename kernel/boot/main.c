/*
 * kmain: where every hart lands after entry.S. The boot hart (cpu 0) reads
 * the device tree, brings up memory, devices and the scheduler, starts the
 * other harts through SBI HSM (at most NCPU in all, the boot hart always
 * among them; hartstart.h for the protocol), and hands over to a first
 * kernel thread that mounts the file system and starts /init. Every hart
 * then runs the scheduler loop for good.
 */
#include <kernel/bcache.h>
#include <kernel/bdev.h>
#include <kernel/console.h>
#include <kernel/file.h>
#include <kernel/fs.h>
#include <kernel/filemap.h>
#include <kernel/futex.h>
#include <kernel/hartstart.h>
#include <kernel/shm.h>
#include <kernel/kmalloc.h>
#include <kernel/lineage.h>
#include <kernel/platform.h>
#include <kernel/plic.h>
#include <kernel/pmem.h>
#include <kernel/proc.h>
#include <kernel/riscv.h>
#include <kernel/sbi.h>
#include <kernel/sched.h>
#include <kernel/thread.h>
#include <kernel/trap.h>
#include <kernel/uart.h>
#include <kernel/vm.h>
#include <kernel/vpmap.h>

extern char __kernel_end[];
extern char _secondary_entry[];

/* How long the boot hart waits for a hart it started to reach entry.S.
 * Starting takes milliseconds, but with many harts QEMU may be slow: the
 * others are still in OpenSBI's start-up on the same host cores. */
#define START_WAIT_SECONDS 5

/* The first kernel thread: work that must be able to sleep. */
static void boot_thread(void *arg)
{
    (void)arg;
    fs_init();
    panic_test();
    kprintf("[boot] file system mounted; starting /init\n");
    proc_start_init();
}

/* What every hart does before it runs threads: its trap vector and timer,
 * its PLIC threshold; then it tells the boot hart it is up. */
static void hart_up(void)
{
    trap_init_hart();
    plic_init_hart();
    kprintf("[hart %ld] up\n", (long)mycpu()->hartid);
    __atomic_store_n(&hart_start_state[mycpu()->id], HART_UP, __ATOMIC_RELEASE);
}

/* Gives c its emergency stack (trapvec.S), before it runs a thread. */
static void set_emergency_stack(struct cpu *c)
{
    vaddr_t top;
    if (vpmap_emergency_stack_alloc(&top) != ERR_OK)
        panic("no memory for an emergency stack");
    c->emergency_top = top;
}

/* The acquire pairs with the starting hart's release, so what it did
 * before saying HART_UP is visible here. */
static uint32_t start_state(int index)
{
    return __atomic_load_n(&hart_start_state[index], __ATOMIC_ACQUIRE);
}

/*
 * Starts cpu index `index` on hart platform.hartids[index] and waits until
 * it is up, or until it has not reached entry.S in START_WAIT_SECONDS: then
 * it is abandoned (hartstart.h) and the kernel goes on without it.
 */
static void start_hart(int index)
{
    uint64_t id = platform.hartids[index];
    vaddr_t stack;
    if (vpmap_kstack_alloc(&stack, NULL) != ERR_OK)
        panic("no kernel stack for hart %ld", (long)id);
    set_emergency_stack(&cpus[index]);
    cpus[index].id = index;
    cpus[index].hartid = id;
    hart_start_id[index] = id;
    hart_start_sp[index] = stack + KSTACK_PAGES * PG_SIZE;
    __atomic_store_n(&hart_start_state[index], HART_STARTING, __ATOMIC_RELEASE);
    long err = sbi_hart_start(id, kmap_v2p(_secondary_entry), index);
    /* Even on an error the hart may be on its way (see entry.S). */
    uint64_t deadline = rdtime() + START_WAIT_SECONDS * platform.timebase_hz;
    while (start_state(index) == HART_STARTING && rdtime() < deadline)
        ;
    uint32_t starting = HART_STARTING;
    if (__atomic_compare_exchange_n(&hart_start_state[index], &starting, HART_ABANDONED, false,
                                    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        vpmap_kstack_free(stack, NULL);
        vpmap_kstack_free(cpus[index].emergency_top - 1, NULL);
        cpus[index].emergency_top = 0;
        kprintf("[boot] hart %ld did not start in %d s (SBI error %ld); going on without it\n",
                (long)id, START_WAIT_SECONDS, err);
        return;
    }
    /* It arrived: it is on its way to kmain, on the identity map. */
    while (start_state(index) != HART_UP)
        ;
}

/* The first lines on the console: what the device tree gave us, what the
 * kernel leaves unused of it (harts past NCPU, RAM past mem=), and how its
 * harts interrupt each other (ipi.h). */
static void print_machine(uint64_t hartid)
{
    kprintf("\n[boot] osv-rv: boot hart %ld, %d harts, memory 0x%lx-0x%lx\n", (long)hartid,
            platform.nharts, platform.ram_start, platform.ram_end);
    if (platform.harts_found > platform.nharts)
        kprintf("[boot] the device tree names %d harts; the kernel runs at most %d (NCPU), "
                "the others stay stopped\n", platform.harts_found, NCPU);
    if (platform.mem_limit)
        kprintf("[boot] mem=%ldK: at most %ld frames\n", (long)(platform.mem_limit >> 10),
                (long)(platform.mem_limit / PG_SIZE));
    int slots = 0;
    for (int i = 0; i < platform.nharts; i++)
        slots += platform.sswi_base && platform.sswi_slot[i] >= 0;
    if (slots == platform.nharts)
        kprintf("[boot] IPIs through the ACLINT SSWI at 0x%lx\n", platform.sswi_base);
    else
        kprintf("[boot] IPIs through SBI for %d of %d harts (no ACLINT SSWI slot)\n",
                platform.nharts - slots, platform.nharts);
}

/* How the harts that came up set their timers (trap.h): stimecmp on
 * all, or SBI for how many. After start_hart, since each hart probes as
 * it comes up; an abandoned hart is not counted. */
static void print_timer(void)
{
    int up = 0, sbi = 0;
    for (int i = 0; i < platform.nharts; i++)
        if (start_state(i) == HART_UP) {
            up++;
            sbi += !cpus[i].stimecmp;
        }
    if (sbi == 0)
        kprintf("[boot] timer through stimecmp (Sstc)\n");
    else
        kprintf("[boot] timer through SBI for %d of %d harts (no Sstc)\n", sbi, up);
}

/* Frames first (past the kernel image, minus the device tree), then the
 * kernel's own page table over them, then the allocators built on both:
 * from here on the kernel may allocate. */
static void memory_init(void)
{
    pmem_init(platform.ram_start, platform.ram_end, kmap_v2p(__kernel_end),
              platform.mem_limit / PG_SIZE);
    pmem_reserve(platform.fdt_start, platform.fdt_end);
    vpmap_kernel_map();
    kmalloc_init();
    vm_init();
    thread_init();
    vpmap_kstack_init();
    set_emergency_stack(mycpu());
}

/* The tables every later caller assumes exist (made here, once, so no
 * two harts ever race to make one), then the devices, whose interrupts
 * may come as soon as they are on. */
static void subsystems_init(void)
{
    sched_init();
    proc_init();
    lineage_init();
    shm_init();
    futex_init();
    filemap_init();
    uart_enable_intr();
    bdev_init();
    bcache_init();
    file_init();
}

/* The boot hart's bring-up, in dependency order (docs/boot.md walks it);
 * the other harts start only once everything they could touch exists. */
static void boot_main(uint64_t hartid, paddr_t fdt_pa)
{
    fdt_parse(fdt_pa, hartid);
    uart_init();
    console_init();
    print_machine(hartid);
    memory_init();
    subsystems_init();
    kprintf("[boot] %ld free pages of %ld\n", (long)pmem_free_pages(), (long)pmem_total_pages());
    kmem_cache_seal();           /* every cache exists before another hart runs */
    hart_up();

    /* One at a time: cpu index i is hart hartids[i], whenever it comes. */
    for (int i = 1; i < platform.nharts; i++)
        start_hart(i);
    print_timer();
    vpmap_drop_identity();
    if (!thread_create("boot", boot_thread, NULL))
        panic("no memory for the boot thread");
}

/* tp must point at the hart's struct cpu before anything calls mycpu(),
 * and kstack_top be set before the first trap can come. */
void kmain(uint64_t hartid, paddr_t fdt_pa, int cpu_index, uint64_t stack_top)
{
    struct cpu *c = &cpus[cpu_index];
    c->id = cpu_index;
    c->hartid = hartid;
    c->kstack_top = stack_top;   /* before any trap: trapvec.S checks sp against it */
    __asm__ volatile("mv tp, %0" ::"r"(c));
    if (cpu_index == 0)
        boot_main(hartid, fdt_pa);
    else
        hart_up();
    sched_loop();
}
