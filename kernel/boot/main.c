/*
 * kmain: where every hart lands after entry.S. The boot hart (cpu 0) reads
 * the device tree, brings up memory, devices and the scheduler, starts the
 * other harts through SBI HSM, and hands over to a first kernel thread that
 * mounts the file system and starts /init. Every hart then runs the
 * scheduler loop for good.
 */
#include <kernel/bcache.h>
#include <kernel/bdev.h>
#include <kernel/console.h>
#include <kernel/file.h>
#include <kernel/fs.h>
#include <kernel/filemap.h>
#include <kernel/futex.h>
#include <kernel/shm.h>
#include <kernel/kmalloc.h>
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
#include <kernel/vpmap.h>

extern char __kernel_end[];
extern char _secondary_entry[];
extern volatile int64_t hart_index[];   /* entry.S: cpu index by hart id */

#define MAX_HARTID 64

static volatile int harts_up;

/* The first kernel thread: work that must be able to sleep. */
static void boot_thread(void *arg)
{
    (void)arg;
    fs_init();
    kprintf("[boot] file system mounted; starting /init\n");
    proc_start_init();
}

static void hart_up(void)
{
    trap_init_hart();
    plic_init_hart();
    kprintf("[hart %ld] up\n", (long)mycpu()->hartid);
    __atomic_fetch_add(&harts_up, 1, __ATOMIC_SEQ_CST);
}

static void boot_main(uint64_t hartid, paddr_t fdt_pa)
{
    fdt_parse(fdt_pa);
    uart_init();
    console_init();
    kprintf("\n[boot] osv-rv: boot hart %ld, %d harts, memory 0x%lx-0x%lx\n", (long)hartid,
            platform.nharts, platform.ram_start, platform.ram_end);
    if (platform.mem_limit)
        kprintf("[boot] mem=%ldK: at most %ld frames\n", (long)(platform.mem_limit >> 10),
                (long)(platform.mem_limit / PG_SIZE));
    pmem_init(platform.ram_start, platform.ram_end, kmap_v2p(__kernel_end),
              platform.mem_limit / PG_SIZE);
    pmem_reserve(platform.fdt_start, platform.fdt_end);
    kmalloc_init();
    vpmap_kstack_init();
    sched_init();
    proc_init();
    shm_init();
    futex_init();
    filemap_init();
    plic_init();
    uart_enable_intr();
    bdev_init();
    bcache_init();
    file_init();
    kprintf("[boot] %ld free pages of %ld\n", (long)pmem_free_pages(), (long)pmem_total_pages());
    hart_up();

    /* Start the others one at a time; each takes the next cpu index. */
    for (int i = 0; i < platform.nharts; i++) {
        uint64_t id = platform.hartids[i];
        if (id == hartid || id >= MAX_HARTID)
            continue;
        int index = harts_up;
        cpus[index].id = index;
        cpus[index].hartid = id;
        __atomic_store_n(&hart_index[id], index, __ATOMIC_SEQ_CST);
        long err = sbi_hart_start(id, kmap_v2p(_secondary_entry), index);
        /* Even on an error the hart may be on its way (see entry.S). */
        uint64_t deadline = rdtime() + 2 * platform.timebase_hz;
        while (harts_up == index && rdtime() < deadline)
            ;
        if (harts_up == index)
            kprintf("[boot] hart %ld did not start (SBI error %ld)\n", (long)id, err);
    }
    vpmap_drop_identity();
    if (!thread_create("boot", boot_thread, NULL))
        panic("no memory for the boot thread");
}

void kmain(uint64_t hartid, paddr_t fdt_pa, int cpu_index)
{
    struct cpu *c = &cpus[cpu_index];
    c->id = cpu_index;
    c->hartid = hartid;
    __asm__ volatile("mv tp, %0" ::"r"(c));
    if (cpu_index == 0)
        boot_main(hartid, fdt_pa);
    else
        hart_up();
    sched_loop();
}
