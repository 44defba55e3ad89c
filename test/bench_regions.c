/*
 * bench_regions: what fork costs per mapping, with few and with many
 * (make bench; reported, never judged).
 *
 * A worker process times fork + exit + wait (until wait returns in the
 * parent: the copy of the address space, the child's teardown, the
 * reaping) with only its own regions (text, data, heap, stack), then with
 * FEW and with MANY more one-page mappings: half of them views of one
 * shared region, half private mappings of /README, each touched once, so
 * that fork copies their page-table entries and the views' records. The
 * cost per mapping is the cycle's time less the bare cycle's, divided by
 * the number of mappings: flat when fork and exit are linear in the
 * regions (each region copied, and torn down, in a constant time), and
 * growing with the count when a step walks the region list per region
 * (fork used to: 4000 mappings cost 20 times as much per mapping as 200).
 * Each cycle is the best of REPS. The worker exits with its mappings, so
 * nothing is unmapped one by one (munmap finds a region by a walk).
 */
// test: timeout=300
#include "vmlib.h"
#include "benchlib.h"
#include <lib/mman.h>
#include <lib/shm.h>

#define FEW 200
#define MANY 4000
#define REPS 7
#define REGION "bench_regions"

/* The best of REPS fork + exit + wait cycles, in rdtime ticks. */
static uint64_t fork_cycle(void)
{
    uint64_t best = ~0UL;
    for (int r = 0; r < REPS; r++) {
        uint64_t t0 = rdtime();
        int pid = fork_ok();
        if (pid == 0)
            exit(0);
        expect(wait_for(pid), 0);
        uint64_t dt = rdtime() - t0;
        if (dt < best)
            best = dt;
    }
    return best;
}

/* Maps mappings have..want-1: even ones views of REGION, odd ones private
 * mappings of fd, each touched (a store into the view, a load of the
 * file's first byte). */
static void map_more(int fd, int have, int want)
{
    for (int i = have; i < want; i++) {
        volatile char *m;
        if (i % 2 == 0) {
            expect(shm_map(REGION, (void **)&m, SHM_READ | SHM_WRITE), ERR_OK);
            m[0] = 1;
        } else {
            expect(mmap(fd, 0, PAGE, SHM_READ, MAP_PRIVATE, (void **)&m), ERR_OK);
            (void)m[0];
        }
    }
}

/* The worker: the three cycles, the figures (per mapping in ns). */
static int worker(void)
{
    int fd = open_ok("/README", FS_RDONLY);
    expect(shm_create(REGION, PAGE, 0), ERR_OK);
    uint64_t bare = fork_cycle();
    map_more(fd, 0, FEW);
    uint64_t few = fork_cycle();
    map_more(fd, FEW, MANY);
    uint64_t many = fork_cycle();
    printf("bench_regions: fork + exit + wait: %ld us bare, %ld us with %d mappings, %ld us "
           "with %d\n", (long)(bare / 10), (long)(few / 10), FEW, (long)(many / 10), MANY);
    bench_time("fork_exit_wait_bare_ns", bare, 1);
    bench_time("fork_exit_wait_few_regions_ns", few, 1);
    bench_time("fork_exit_wait_many_regions_ns", many, 1);
    bench_time("fork_per_region_few_ns", few > bare ? few - bare : 0, FEW);
    bench_time("fork_per_region_many_ns", many > bare ? many - bare : 0, MANY);
    return 0;
}

int main(void)
{
    in_child(worker, "timing forks with many mappings");
    expect(shm_destroy(REGION), ERR_NOTEXIST);     /* gone with its creator */
    return 0;
}
