/*
 * bench_vm: what copy-on-write costs and saves, measured in one boot
 * (make bench). Not a test: it prints numbers and judges none.
 *
 * Times come from rdtime (10 MHz on QEMU virt: 100 ns per tick); each
 * figure is the minimum of several repetitions (the one least disturbed by
 * the host, whose cores other QEMUs may share), and is printed with its
 * ratio to a null system call measured in the same boot, since absolute
 * times on an emulator mean little:
 *   - a null system call (getpid);
 *   - a demand-zero fault (first store to a page reserved by sbrk);
 *   - a copy-on-write fault (a child's first store to a shared page), and
 *     the fault that only makes a page writable again (sole holder);
 *   - a fault on a shared file mapping, with 1,000 and with 25,000 pages
 *     mapped and cached (the page cache's lookup must not grow with it);
 *   - spawn + exit + wait of this program (a child that exits at once:
 *     an argument tells it to), what a shell pays to start a command: the
 *     program's lookup, its ELF headers and pages read from the buffer
 *     cache, the new address space, and its teardown;
 *   - fork with 0, 1, 8 and 32 MiB of touched heap, for the copy-on-write
 *     fork and for fork_copy (the full-copy fork kept for this
 *     comparison): the fork call alone (until it returns in the parent),
 *     and fork + exit + wait (the child's teardown included); and their
 *     ratios.
 * Before each fork the parent writes its whole heap again, so every
 * repetition forks a writable heap, as the first one does.
 *
 * Those writes also leave the host's caches cold for the fork that
 * follows (QEMU's translated code, its TLB, the kernel's data): a tiny
 * fork right after writing 32 MiB takes about as long as a 32 MiB fork.
 * So the ratio that asks whether fork's cost grows with the memory a
 * process touched divides the 32 MiB fork by a tiny fork made in the same
 * state (fork_tiny_cold): each right after the process wrote 32 MiB of
 * fresh pages past its (empty) heap and gave them back. The main
 * figures are also printed as `bench:` lines (benchlib.h) for make bench's
 * table, which holds their targets (test/benchmarks.py): a tiny process is
 * this one with 0 MiB of heap.
 */
#include "vmlib.h"
#include "benchlib.h"
#include <lib/bench.h>
#include <lib/mman.h>
#include <lib/shm.h>

#define MiB (1024L * 1024)
#define FORK_REPS 11    /* forks per fork figure, the fastest kept (7 let a noisy host through:
                         * docs/performance.md) */

static long ns_of(uint64_t ticks) { return (long)(ticks * 100); }   /* 10 MHz */

/* The minimum: the run least disturbed by the host (other QEMUs share its
 * cores) and by the other harts. */
static uint64_t minimum(uint64_t *v, int n)
{
    uint64_t m = v[0];
    for (int i = 1; i < n; i++)
        if (v[i] < m)
            m = v[i];
    return m;
}

/* a / b with one decimal, times 10 */
static long ratio10(long a, long b) { return b ? (a * 10 + b / 2) / b : 0; }

static long null_ns;             /* per null system call, in ns * 1000 */

/* A figure in ns * 1000 as a `bench:` line. */
static void figure(const char *key, long per_milli_ns)
{
    bench_figure(key, per_milli_ns / 10, "ns");
}

/* Prints one figure: ns per operation, as us with two decimals, and the
 * ratio to the null system call with one decimal. per is in ns * 1000. */
static void report(const char *what, long per_milli_ns)
{
    long ns = per_milli_ns / 1000;
    long r = ratio10(per_milli_ns, null_ns);
    printf("bench_vm: %-44s %6ld.%02ld us %8ld.%ld x null syscall\n", what, ns / 1000,
           (ns % 1000) / 10, r / 10, r % 10);
}

static void bench_null_syscall(void)
{
    enum { CALLS = 2000, REPS = 9 };
    uint64_t t[REPS];
    for (int r = 0; r < REPS; r++) {
        uint64_t t0 = rdtime();
        for (int i = 0; i < CALLS; i++)
            getpid();
        t[r] = rdtime() - t0;
    }
    null_ns = ns_of(minimum(t, REPS)) * 1000 / CALLS;
    report("null system call (getpid)", null_ns);
    figure("null_syscall_ns", null_ns);
}

static void bench_demand_zero(void)
{
    enum { PAGES = 512, REPS = 9 };
    uint64_t t[REPS];
    for (int r = 0; r < REPS; r++) {
        char *p = heap_pages(PAGES);
        uint64_t t0 = rdtime();
        for (long i = 0; i < PAGES; i++)
            *(volatile char *)(p + i * PAGE) = 1;
        t[r] = rdtime() - t0;
        heap_set_break(p);           /* gives the frames back: fresh pages next time */
    }
    long per = ns_of(minimum(t, REPS)) * 1000 / PAGES;
    report("demand-zero fault (per page)", per);
    figure("demand_zero_fault_ns", per);
}

/* A fault on each page of a shared mapping of pages pages of /README (a
 * file of 150 bytes: past its end every page reads zero), each adding its
 * page to the file's page cache: ns * 1000 per page, the best of a few
 * mappings. Each lookup searches the pages cached so far, so the cost per
 * page shows how the search grows with them (a list's grew with each). */
static long mapped_fault(long pages)
{
    enum { REPS = 3 };
    uint64_t t[REPS];
    int fd = open("/README", FS_RDONLY, EMPTY_MODE);
    if (fd < 0)
        error("open /README = %d", fd);
    for (int r = 0; r < REPS; r++) {
        const volatile char *view;
        expect(mmap(fd, 0, pages * PAGE, SHM_READ, MAP_SHARED, (void **)&view), ERR_OK);
        uint64_t t0 = rdtime();
        for (long i = 0; i < pages; i++)
            (void)view[i * PAGE];
        t[r] = rdtime() - t0;
        expect(munmap((void *)view, pages * PAGE), ERR_OK);   /* the cache goes with it */
    }
    expect(close(fd), ERR_OK);
    return ns_of(minimum(t, REPS)) * 1000 / pages;
}

static void bench_mapped_faults(void)
{
    long small = mapped_fault(1000), big = mapped_fault(25000);
    report("mapped-file fault, 1000 pages mapped", small);
    report("mapped-file fault, 25000 pages mapped", big);
    figure("mmap_fault_small_ns", small);
    figure("mmap_fault_big_ns", big);
}

static void bench_cow_fault(void)
{
    enum { PAGES = 512, REPS = 9 };
    uint64_t copy[REPS], sole[REPS];
    char *p = heap_pages(PAGES);
    write_pages(p, PAGES, 1);
    struct channel result;
    chan_open(&result);
    for (int r = 0; r < REPS; r++) {
        write_pages(p, PAGES, 1);
        int pid = fork_ok();
        if (pid == 0) {
            warm_up_stack();
            uint64_t t0 = rdtime();
            for (long i = 0; i < PAGES; i++)
                *(volatile char *)(p + i * PAGE + 8) = 2;
            uint64_t dt = rdtime() - t0;
            if (write(result.fds[1], &dt, sizeof(dt)) != sizeof(dt))
                exit(1);
            exit(0);
        }
        uint64_t dt = 0;
        if (read(result.fds[0], &dt, sizeof(dt)) != sizeof(dt))
            error("no time from the child");
        expect(wait_for(pid), 0);
        copy[r] = dt;
        /* The child is gone: our pages are read-only with one holder. */
        uint64_t t0 = rdtime();
        for (long i = 0; i < PAGES; i++)
            *(volatile char *)(p + i * PAGE + 8) = 3;
        sole[r] = rdtime() - t0;
    }
    chan_close(&result);
    heap_set_break(p);
    long per_copy = ns_of(minimum(copy, REPS)) * 1000 / PAGES;
    long per_sole = ns_of(minimum(sole, REPS)) * 1000 / PAGES;
    report("copy-on-write fault, copying (per page)", per_copy);
    report("copy-on-write fault, sole holder (per page)", per_sole);
    figure("cow_fault_copy_ns", per_copy);
    figure("cow_fault_sole_ns", per_sole);
}

/* spawn of this program as a child that exits at once + wait, the
 * fastest of REPS (the first may find the program's blocks on the disk). */
static void bench_spawn(void)
{
    enum { REPS = 11 };
    uint64_t t[REPS];
    for (int r = 0; r < REPS; r++) {
        uint64_t t0 = rdtime();
        int pid = spawn("/bench_vm child");
        if (pid < 0)
            error("spawn(\"/bench_vm child\") = %d", pid);
        int status = wait_for(pid);
        t[r] = rdtime() - t0;
        if (status != 0)
            error("the spawned child exited with %d", status);
    }
    long per = ns_of(minimum(t, REPS)) * 1000;
    report("spawn + exit + wait (this program)", per);
    figure("spawn_exit_wait_ns", per);
}

/* fork (or fork_copy): the time until fork returns in the parent, and
 * the time until the child has exited and been reaped. With scratch
 * pages, the parent first writes that many fresh pages past its heap and
 * gives them back, so the fork meets the host as a fork right after
 * writing that much memory does (header comment). */
struct fork_times {
    uint64_t call, cycle;
};

static struct fork_times fork_once(int (*forker)(void), char *heap, long pages, int tag,
                                   long scratch)
{
    write_pages(heap, pages, tag);       /* a writable heap, as before the first fork */
    if (scratch) {
        char *p = heap_pages(scratch);
        write_pages(p, scratch, tag);
        heap_set_break(p);
    }
    uint64_t t0 = rdtime();
    int pid = forker();
    uint64_t t1 = rdtime();
    if (pid < 0)
        error("fork of %ld heap pages = %d", pages, pid);
    if (pid == 0)
        exit(0);
    int status = wait_for(pid);
    uint64_t t2 = rdtime();
    if (status != 0)
        error("child exited with %d", status);
    struct fork_times t = {t1 - t0, t2 - t0};
    return t;
}

/* fork and fork_copy in turn, FORK_REPS times each (so that host noise
 * hits both alike); minima in ns * 1000. */
static void fork_latency(char *heap, long pages, long cow[2], long copy[2])
{
    uint64_t t[4][FORK_REPS];
    for (int r = 0; r < FORK_REPS; r++) {
        struct fork_times a = fork_once(fork, heap, pages, r, 0);
        struct fork_times b = fork_once(fork_copy, heap, pages, r, 0);
        t[0][r] = a.call;
        t[1][r] = a.cycle;
        t[2][r] = b.call;
        t[3][r] = b.cycle;
    }
    cow[0] = ns_of(minimum(t[0], FORK_REPS)) * 1000;
    cow[1] = ns_of(minimum(t[1], FORK_REPS)) * 1000;
    copy[0] = ns_of(minimum(t[2], FORK_REPS)) * 1000;
    copy[1] = ns_of(minimum(t[3], FORK_REPS)) * 1000;
}

/* The tiny fork, each repetition right after the process wrote 32 MiB
 * and gave them back: the minimum of the calls, in ns * 1000. */
static long fork_tiny_cold(void)
{
    uint64_t t[FORK_REPS];
    char *heap = heap_pages(0);
    for (int r = 0; r < FORK_REPS; r++)
        t[r] = fork_once(fork, heap, 0, r, 32 * MiB / PAGE).call;
    return ns_of(minimum(t, FORK_REPS)) * 1000;
}

int main(int argc, char **argv)
{
    (void)argv;
    if (argc > 1)
        return 0;                   /* bench_spawn's child */
    long f0 = free_pages();         /* the runner checks for leaks after exit */
    printf("bench_vm: rdtime at 10 MHz, minimum of several runs; %ld frames free\n", f0);
    warm_up_stack();
    bench_null_syscall();
    bench_demand_zero();
    bench_cow_fault();
    bench_spawn();

    static const long sizes[] = {0, 1, 8, 32};
    static const char *const call_keys[] = {"fork_tiny_ns", "fork_1m_ns", "fork_8m_ns",
                                            "fork_32m_ns"};
    static const char *const cycle_keys[] = {"fork_exit_wait_tiny_ns", "fork_exit_wait_1m_ns",
                                             "fork_exit_wait_8m_ns", "fork_exit_wait_32m_ns"};
    long cow[4][2], copy[4][2];          /* [size][call, cycle] */
    for (int s = 0; s < 4; s++) {
        long pages = sizes[s] * MiB / PAGE;
        char *heap = heap_pages(pages);
        fork_latency(heap, pages, cow[s], copy[s]);
        heap_set_break(heap);
        printf("bench_vm: -- %ld MiB of touched heap (%ld pages)\n", sizes[s], pages);
        report("fork, copy-on-write", cow[s][0]);
        report("fork_copy, full copy", copy[s][0]);
        report("fork + exit + wait, copy-on-write", cow[s][1]);
        report("fork_copy + exit + wait, full copy", copy[s][1]);
    }
    for (int s = 0; s < 4; s++) {
        long call = ratio10(copy[s][0], cow[s][0]), cycle = ratio10(copy[s][1], cow[s][1]);
        printf("bench_vm: fork_copy / fork at %2ld MiB: %ld.%ld x (call), %ld.%ld x (with exit "
               "and wait)\n", sizes[s], call / 10, call % 10, cycle / 10, cycle % 10);
    }
    for (int s = 0; s < 4; s++) {
        figure(call_keys[s], cow[s][0]);
        figure(cycle_keys[s], cow[s][1]);
    }
    figure("fork_copy_32m_ns", copy[3][0]);

    long cold = fork_tiny_cold();
    printf("bench_vm: -- 0 MiB, right after writing 32 MiB and giving them back\n");
    report("fork, copy-on-write", cold);
    figure("fork_tiny_cold_ns", cold);
    bench_mapped_faults();           /* last: its 98 MiB of pages come and go */
    return 0;
}
