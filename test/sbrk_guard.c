/*
 * sbrk_guard: the heap and the views above it keep an unmapped guard page
 * between them, whichever came first (vm.h: as_sbrk and as_find_free), so
 * a program running off its heap's end faults instead of writing into a
 * shared view or a file mapping.
 *
 * sbrk used to grow the heap right up to the next region's start. A child
 * fills the room as_find_free offers above the heap (from a page above
 * the heap's end to a page below the stack's window) with one private
 * mapping of /README (it only reserves), all but K pages, so the mapping
 * lands K + 1 pages above the heap's end. Then: growth to the mapping, or
 * one byte into the page below it, is ERR_NOMEM and changes nothing;
 * growth to that page is fine, to the byte; the heap's last byte works
 * and a store into the guard page kills; shrinking and growing again
 * work. The other way round: with the heap grown, the mapping goes and
 * the room above the heap is one page less (a mapping one page larger is
 * ERR_NOMEM); a one-page shared view, fitted into the last free page
 * above the heap's guard page, boxes the heap in: no byte of growth, but
 * shrinking and regrowing still work.
 */
// test: expect-killed=1
#include "vmlib.h"
#include <lib/layout.h>
#include <lib/mman.h>
#include <lib/shm.h>

#define K 3                        /* pages the heap may grow below the mapping */
#define REGION "sbrk_guard"

static int fd;

/* Room for views above a heap ending at end (as_find_free's range). */
static size_t room_above(char *end)
{
    return USTACK_LOWERBOUND - PAGE - ((uintptr_t)end + PAGE);
}

/* A private read-only mapping of bytes of /README: reserved, not touched. */
static char *reserve(size_t bytes)
{
    void *m = NULL;
    expect(mmap(fd, 0, bytes, SHM_READ, MAP_PRIVATE, &m), ERR_OK);
    return m;
}

static int guarded(void)
{
    fd = open_ok("/README", FS_RDONLY);
    char first;
    expect(read(fd, &first, 1), 1);
    char *end = heap_pages(0);
    size_t big = room_above(end) - K * PAGE;
    char *above = reserve(big);
    if (above != end + (K + 1) * PAGE)
        error("mapping at %p, expected %p: K + 1 pages above the heap's end %p", above,
              end + (K + 1) * PAGE, end);

    sbrk_fails((K + 1) * PAGE, "growth up to the mapping");
    sbrk_fails(K * PAGE + 1, "growth one byte into the guard page");
    sbrk_fails(0x7fffffff, "growth through the mapping");
    expect(sbrk(K * PAGE - 1), end);
    expect(sbrk(1), end + K * PAGE - 1);
    sbrk_fails(1, "one byte past the guard page's start");
    expect(sbrk(0), end + K * PAGE);
    end[K * PAGE - 1] = 7;                       /* the heap's last byte */
    expect(end[K * PAGE - 1] + above[0], 7 + first);
    expect_killed((uintptr_t)(end + K * PAGE), STORE, "a store into the guard page");
    expect(sbrk(-(int)PAGE), end + K * PAGE);
    expect(sbrk((int)PAGE), end + (K - 1) * PAGE);

    /* The heap grown by K pages: the room above it is K pages less. */
    expect(munmap(above, big), ERR_OK);
    char *grown = end + K * PAGE;
    expect(room_above(grown), big);
    void *m = NULL;
    expect(mmap(fd, 0, big + PAGE, SHM_READ, MAP_PRIVATE, &m), ERR_NOMEM);
    above = reserve(big - 2 * PAGE);             /* leaves one page for a view */
    expect(shm_create(REGION, PAGE, 0), ERR_OK);
    char *view = NULL;
    expect(shm_map(REGION, (void **)&view, SHM_READ | SHM_WRITE), ERR_OK);
    if (view != grown + PAGE)
        error("view at %p, expected %p: a page above the heap's end %p", view, grown + PAGE,
              grown);
    view[0] = 1;
    sbrk_fails(1, "growth of a heap a page below a view");
    expect(sbrk(-(int)PAGE), grown);
    expect(sbrk((int)PAGE), grown - PAGE);
    sbrk_fails(1, "growth again to the view's guard page");
    expect(shm_unmap(REGION, view), ERR_OK);
    expect(munmap(above, big - 2 * PAGE), ERR_OK);
    expect(shm_destroy(REGION), ERR_OK);
    heap_set_break(end);
    expect(close(fd), ERR_OK);
    return 0;
}

int main(void)
{
    in_child(guarded, "the heap below a mapping and a view");
    pass("sbrk_guard");
    return 0;
}
