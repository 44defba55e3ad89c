/*
 * meminfo_show: the helper of the meminfo_rows scenario (test/scenarios.py).
 * It gives its address space known regions, prints what meminfo() must
 * show for each, one `meminfo_show: expect START END PERM RESIDENT` line
 * per region, then calls meminfo(); the scenario finds each expected row
 * among meminfo's. The regions: a heap of 3 pages, 2 of them touched; a
 * read-only view of a 2-page shared region, 1 page read. The heap grew
 * by 4 pages and shrank by 1 first, so its end is the shrunk one. It
 * leaves a line open before meminfo(), whose table must still begin a
 * line.
 */
// test: helper
#include "testlib.h"
#include <lib/shm.h>

#define PAGE 4096UL
#define NAME "meminfo_show"

static void expect_row(uintptr_t start, uintptr_t end, const char *perm, int resident)
{
    printf("meminfo_show: expect 0x%lx 0x%lx %s %d\n", start, end, perm, resident);
}

int main(void)
{
    /* The heap starts empty, on a page boundary after the program. */
    uintptr_t base = (uintptr_t)sbrk(0);
    expect(base % PAGE, 0);
    char *heap = sbrk(4 * PAGE);
    if (heap == (char *)ERR_NOMEM)
        error("sbrk failed");
    expect(sbrk(-(int)PAGE) == heap + 4 * PAGE, 1);   /* 3 pages left */
    heap[0] = 1;
    heap[2 * PAGE] = 1;
    expect_row(base, base + 3 * PAGE, "rw-", 2);

    void *view = NULL;
    shm_destroy(NAME);
    expect(shm_create(NAME, 2 * PAGE, RS_DEFAULT), ERR_OK);
    expect(shm_map(NAME, &view, SHM_READ), ERR_OK);
    volatile char *v = view;
    expect(v[PAGE + 5], 0);
    expect_row((uintptr_t)view, (uintptr_t)view + 2 * PAGE, "r--", 1);

    printf("meminfo_show: the table follows");     /* no newline: meminfo ends the line */
    meminfo();
    expect(shm_unmap(NAME, view), ERR_OK);
    expect(shm_destroy(NAME), ERR_OK);
    pass("meminfo_show");
    return 0;
}
