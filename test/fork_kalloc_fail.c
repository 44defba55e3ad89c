/*
 * fork_kalloc_fail: fork when one of its kernel allocations fails, each of
 * them in turn (kalloc_fail, lib/bench.h). The process holds three views
 * of a shared region, two of one size and one of another (the region
 * counts a process's views of one size in one record), and a few open
 * files, so fork copies the fd table, the address space's regions and the
 * region's records of the child's views. Each fork must either fail with
 * ERR_NOMEM, leaving the region with the parent's views and hold alone
 * (the child's views that were recorded before the failure uncounted
 * exactly), or succeed whole: a child whose views the region records
 * (they count for shm_list, shm_resize and shm_destroy), which runs and
 * exits. The loop ends at the first fork that makes fewer allocations
 * than asked to fail. All frames come back (the runner's leak check).
 */
#include "shmlib.h"
#include <lib/bench.h>

#define NAME "fkf"
#define MAX_ALLOCS 200            /* far more than a fork makes */
#define VIEWS 3

/* The region's views and holders must be these (shm_list). */
static void expect_region(int views, int holders, const char *what)
{
    struct shm_info i = region_info(NAME);
    if (i.views != views || i.holders != holders)
        error("%s: %d views, %d holders; expected %d, %d", what, i.views, i.holders, views,
              holders);
}

int main(void)
{
    expect(shm_create(NAME, PAGE, RS_DEFAULT), ERR_OK);
    volatile int *go = map_ok(NAME, SHM_READ | SHM_WRITE);
    void *more[VIEWS - 1];
    more[0] = map_ok(NAME, SHM_READ);
    expect(shm_resize(NAME, 2 * PAGE), ERR_OK);
    more[1] = map_ok(NAME, SHM_READ);
    int fds[2];
    expect(pipe(fds), ERR_OK);
    int readme = open_ok("/README", FS_RDONLY);
    expect_region(VIEWS, 1, "before");
    int failed = 0, n;
    for (n = 1; n <= MAX_ALLOCS; n++) {
        *go = 0;
        expect(kalloc_fail(n), 0);
        int pid = fork();
        int left = pid == 0 ? 0 : kalloc_fail(0);
        if (pid == 0) {
            while (*go == 0)
                ;                 /* until the parent has counted the views */
            exit(7);
        }
        if (pid < 0) {
            expect(pid, ERR_NOMEM);
            expect(left, 0);      /* it was our injected failure */
            expect_region(VIEWS, 1, "after a failed fork");
            failed++;
            continue;
        }
        expect_region(2 * VIEWS, 2, "with the child");   /* its views are recorded */
        *go = 1;
        expect(wait_for(pid), 7);
        expect_region(VIEWS, 1, "after the child");
        if (left > 0)
            break;                /* fork made fewer than n allocations */
    }
    if (n > MAX_ALLOCS)
        error("fork still failed with %d allocations to go", MAX_ALLOCS);
    printf("fork_kalloc_fail: fork made %d kernel allocations; %d failures made it fail\n",
           n - 1, failed);
    expect(close(readme), ERR_OK);
    expect(close(fds[0]), ERR_OK);
    expect(close(fds[1]), ERR_OK);
    for (int i = 0; i < VIEWS - 1; i++)
        expect(shm_unmap(NAME, more[i]), ERR_OK);
    expect(shm_unmap(NAME, (void *)go), ERR_OK);
    expect(shm_destroy(NAME), ERR_OK);
    pass("fork_kalloc_fail");
    return 0;
}
