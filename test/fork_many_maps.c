/*
 * fork_many_maps: a fork child of a process with thousands of mappings
 * gets every one of them, at the same address, with the same permission
 * and the right bytes, and takes no frame with it when it goes.
 *
 * An owner process makes N one-page mappings, four kinds in turn: views
 * of four shared regions (each region's first byte its own letter; every
 * other view read-only), private writable mappings of a 16-page file (the
 * page at i % 16, each with the owner's own store of i in it), shared
 * read-only mappings of the same file, and private read-only ones the
 * owner never touches (the child faults them in). Fork copies the region
 * list at its tail and judges spans with a cursor (vm.c: fork used to
 * search the list for every region's place). The child checks each
 * mapping's bytes, and its permission with read() from a pipe into it
 * (ERR_FAULT for a read-only one, nothing consumed); it stores into a
 * writable view, which the owner then sees, and finds shm_list counting
 * the owner's views of a region and its own (views of one process and
 * size share a record now, with a count); a grandchild storing into a
 * read-only view the owner had touched is killed. Once the child is
 * reaped the owner has exactly the frames it had before the fork, and
 * once the owner has exited the test has the frames it started with.
 */
// test: expect-killed=1
#include "shmlib.h"
#include <lib/mman.h>
#include <lib/shm.h>

#define N 3000
#define FILE_PAGES 16
#define REGIONS 4
#define PATH "/fork_many_maps.dat"  /* not "/fork_many_maps": the program itself */
#define PERM_AT 100                 /* where the child's read() lands in a mapping */

enum kind { VIEW, PRIVATE_RW, SHARED_RO, PRIVATE_RO, KINDS };

static volatile char *maps[N];
static const char *const names[REGIONS] = {"fmm0", "fmm1", "fmm2", "fmm3"};

static enum kind kind_of(int i) { return (enum kind)(i % KINDS); }
static int region_of(int i) { return (i / KINDS / 2) % REGIONS; }
static bool view_writable(int i) { return (i / KINDS) % 2 == 0; }
static int page_of(int i) { return (i / KINDS) % FILE_PAGES; }
static bool writable(int i) { return kind_of(i) == PRIVATE_RW || (kind_of(i) == VIEW && view_writable(i)); }

static char file_byte(size_t off) { return (char)('a' + off / PAGE); }

/* How many of the N mappings are views of fmm0. */
static int views_of_first(void)
{
    int n = 0;
    for (int i = 0; i < N; i++)
        n += kind_of(i) == VIEW && region_of(i) == 0;
    return n;
}

/* What mapping i's first byte holds. */
static char first_byte(int i)
{
    return kind_of(i) == VIEW ? (char)('A' + region_of(i)) : file_byte(page_of(i) * PAGE);
}

static void map_all(int fd)
{
    for (int i = 0; i < N; i++) {
        void *m = NULL;
        offset_t off = page_of(i) * PAGE;
        switch (kind_of(i)) {
        case VIEW:
            expect(shm_map(names[region_of(i)], &m,
                           view_writable(i) ? SHM_READ | SHM_WRITE : SHM_READ), ERR_OK);
            break;
        case PRIVATE_RW:
            expect(mmap(fd, off, PAGE, SHM_READ | SHM_WRITE, MAP_PRIVATE, &m), ERR_OK);
            break;
        case SHARED_RO:
            expect(mmap(fd, off, PAGE, SHM_READ, MAP_SHARED, &m), ERR_OK);
            break;
        default:
            expect(mmap(fd, off, PAGE, SHM_READ, MAP_PRIVATE, &m), ERR_OK);
            break;
        }
        maps[i] = m;
    }
}

/* The fork child: every mapping's bytes and permission (a step number on
 * failure). */
static int check_all(void)
{
    int p[2];
    if (pipe(p) != ERR_OK || write(p[1], "x", 1) != 1)
        return 1;
    for (int i = 0; i < N; i++) {
        if (maps[i][0] != first_byte(i))
            return 2;
        if (kind_of(i) == PRIVATE_RW && *(volatile int *)(maps[i] + 8) != i)
            return 3;
        int got = read(p[0], (char *)maps[i] + PERM_AT, 1);
        if (got != (writable(i) ? 1 : ERR_FAULT))
            return 4;
        if (got == 1 && write(p[1], "x", 1) != 1)
            return 5;
    }
    if (region_views(names[0]) != 2 * views_of_first())
        return 6;                  /* the owner's views and ours, each counted */
    maps[0][1] = 'C';              /* a writable view of fmm0: the owner sees it */
    close(p[0]);
    close(p[1]);
    return 0;
}

/* The owner: makes the mappings, touches all but the untouched kind,
 * forks the checker, then a child that must be killed. */
static int owner(void)
{
    int fd = open_ok(PATH, FS_RDONLY);
    for (int j = 0; j < REGIONS; j++)
        expect(shm_create(names[j], PAGE, 0), ERR_OK);
    map_all(fd);
    for (int i = 0; i < N; i++) {
        if (kind_of(i) == VIEW && view_writable(i))
            maps[i][0] = (char)('A' + region_of(i));
        if (kind_of(i) == PRIVATE_RW)
            *(volatile int *)(maps[i] + 8) = i;
        if (kind_of(i) != PRIVATE_RO)
            (void)maps[i][0];
    }
    expect(region_views(names[0]), views_of_first());
    struct usage before = usage_now();
    in_child(check_all, "checking every mapping");
    if (maps[0][1] != 'C')
        error("the child's store into a shared view did not reach the owner");
    /* a read-only view the owner touched: its entry was copied, not faulted in */
    if (kind_of(KINDS) != VIEW || view_writable(KINDS))
        error("mapping %d is no read-only view", KINDS);
    expect_killed((uintptr_t)maps[KINDS], STORE, "a store into a read-only view");
    expect(region_views(names[0]), views_of_first());
    expect_usage(before, "the owner, its children reaped");
    expect(close(fd), ERR_OK);
    return 0;                       /* exit tears the mappings down */
}

int main(void)
{
    make_file_of(PATH, FILE_PAGES * PAGE, file_byte);
    struct usage start = usage_now();
    in_child(owner, "the owner of the mappings");
    for (int j = 0; j < REGIONS; j++)
        expect(shm_destroy(names[j]), ERR_NOTEXIST);   /* gone with their creator */
    expect_usage(start, "the test, its owner reaped");
    remove_file(PATH);
    pass("fork_many_maps: %d mappings", N);
    return 0;
}
