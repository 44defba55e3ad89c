/*
 * hostile_tables: memory a program gives back comes back whole, page
 * tables included, while the program still runs. A hostile program counts
 * the free frames (info()), takes memory spread over many 2 MiB spans and
 * several GiB, touches one page in each span, gives it all back, and
 * counts again: the count must be where it was, as after an exit. Each
 * step runs in a child (run_step), counting inside it:
 *   - the heap grown by 2.5 GiB in sbrk steps, a page touched every 8 MiB
 *     (a leaf table each, and level-1 tables for the GiBs it reaches),
 *     then shrunk to where it was;
 *   - a shared and a private file mapping of 1.5 GiB each (below the
 *     stack, across a GiB boundary), a page read every 8 MiB, unmapped;
 *   - a 32 MiB region mapped three times, a page stored every 2 MiB in
 *     each view, the views unmapped, the region destroyed.
 * Before the fix the unmap emptied the leaf tables and kept them, and the
 * level-1 tables above them, until the process exited: hundreds of frames
 * a program had given back stayed taken (the runner's leak check, made
 * after exit, never saw them).
 */
// test: timeout=60
#include "shmlib.h"
#include <lib/mman.h>

#define SPAN (2UL << 20)                /* what one leaf table maps */
#define STEP (8UL << 20)                /* a page touched every STEP bytes */
#define HEAP_GROW (128UL << 20)         /* one sbrk: below the free frames */
#define HEAP_BYTES (20 * HEAP_GROW)     /* 2.5 GiB */
#define MAP_BYTES (3UL << 29)           /* 1.5 GiB */
#define REGION "ht_r"
#define REGION_BYTES (SHM_LIMIT_SIZE / 2)   /* room for another test's regions */
#define VIEWS 3

/* The free frames now. */
static long free_now(void)
{
    return (long)usage_now().free_pages;
}

/* Gives this child its own copy of the stack pages the calls below use
 * (a fork child's stack is copy-on-write): a copy made between two counts
 * would look like a frame kept. */
static void own_stack(void)
{
    volatile char pad[3 * PAGE];
    for (int i = 0; i < (int)sizeof(pad); i += PAGE)
        pad[i] = 0;
}

/* The count after a release must equal the one before the take. */
static void expect_back(long before, const char *what)
{
    long after = free_now();
    if (after != before)
        error("%s: free_pages %ld, expected %ld (%ld frames kept)", what, after, before,
              before - after);
}

static void heap_given_back(void)
{
    own_stack();
    char *start = sbrk(0);
    start += -(uintptr_t)start & (PAGE - 1);
    expect(sbrk((int)(start - (char *)sbrk(0))) != (void *)ERR_NOMEM, 1);   /* page aligned */
    *(volatile char *)(start - 1) = 1;  /* the page below is in use: its table stays */
    long before = free_now();
    for (unsigned long grown = 0; grown < HEAP_BYTES; grown += HEAP_GROW)
        expect(sbrk(HEAP_GROW) == (void *)ERR_NOMEM, 0);
    for (unsigned long off = 0; off < HEAP_BYTES; off += STEP)
        start[off] = 1;
    if (free_now() >= before - (long)(HEAP_BYTES / STEP))
        error("the heap's pages took no frames");
    for (unsigned long shrunk = 0; shrunk < HEAP_BYTES; shrunk += HEAP_GROW)
        expect(sbrk(-(int)HEAP_GROW) == (void *)ERR_NOMEM, 0);
    expect((long)sbrk(0), (long)start);
    expect_back(before, "heap grown, touched and shrunk");
}

static void mapping_given_back(int flags)
{
    own_stack();
    int fd = open_ok("/README", FS_RDONLY);
    long before = free_now();
    volatile char *m = NULL;
    expect(mmap(fd, 0, MAP_BYTES, SHM_READ, flags, (void **)&m), ERR_OK);
    long sum = 0;
    for (unsigned long off = 0; off < MAP_BYTES; off += STEP)
        sum += m[off];
    expect(sum, m[0]);                  /* only the first page holds the file */
    expect(munmap((void *)m, MAP_BYTES), ERR_OK);
    expect_back(before, flags == MAP_SHARED ? "a shared mapping read and unmapped"
                                            : "a private mapping read and unmapped");
    expect(close(fd), ERR_OK);
}

static void shared_given_back(void)
{
    mapping_given_back(MAP_SHARED);
}

static void private_given_back(void)
{
    mapping_given_back(MAP_PRIVATE);
}

static void views_given_back(void)
{
    own_stack();
    long before = free_now();
    expect(shm_create(REGION, REGION_BYTES, RS_DEFAULT), ERR_OK);
    char *v[VIEWS];
    for (int i = 0; i < VIEWS; i++) {
        v[i] = map_ok(REGION, SHM_READ | SHM_WRITE);
        for (unsigned long off = 0; off < REGION_BYTES; off += SPAN)
            v[i][off] = (char)i;
    }
    for (int i = 0; i < VIEWS; i++)
        expect(shm_unmap(REGION, v[i]), ERR_OK);
    expect(shm_destroy(REGION), ERR_OK);
    expect_back(before, "views stored to, unmapped and their region destroyed");
}

int main(void)
{
    run_step(heap_given_back, "heap");
    run_step(shared_given_back, "shared mapping");
    run_step(private_given_back, "private mapping");
    run_step(views_given_back, "views");
    pass("hostile_tables");
    return 0;
}
