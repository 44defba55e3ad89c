/*
 * mmap_many: thousands of mappings in one process, placed quickly and
 * where as_find_free says (vm.h): the highest free range below the
 * stack's window, with a guard page on each side.
 *
 * Placing a mapping used to scan every region once per region it had to
 * move below: a cube of the count, so 1000 one-page mappings took about
 * 6 s of kernel time and 3000 about 150 s (this test then times out). Now
 * one pass. 3000 one-page private mappings of a file are made (each
 * reading the file's first bytes), each below the one before with one
 * free page between; munmap of two of them leaves holes that the next two
 * mappings fill, the higher first; a two-page mapping fits in no such hole
 * and goes below all; a fork child sees them all, with the parent's
 * private stores; and every one is unmapped.
 */
// test: timeout=30
#include "vmlib.h"
#include <lib/mman.h>
#include <lib/shm.h>

#define N 3000

static char *maps[N];

static char *map_page(int fd, size_t pages)
{
    char *m;
    expect(mmap(fd, 0, pages * PAGE, SHM_READ | SHM_WRITE, MAP_PRIVATE, (void **)&m), ERR_OK);
    return m;
}

static int child(void)
{
    for (int i = 0; i < N; i += 97)
        if (maps[i][0] != 'W')
            return 1;
    return 0;
}

int main(void)
{
    int fd = open_ok("/README", FS_RDONLY);
    char first;
    expect(read(fd, &first, 1), 1);
    for (int i = 0; i < N; i++) {
        maps[i] = map_page(fd, 1);
        if (i > 0 && maps[i] != maps[i - 1] - 2 * PAGE)
            error("mapping %d at %p, expected %p (one guard page below the last)", i,
                  maps[i], maps[i - 1] - 2 * PAGE);
    }
    if ((uintptr_t)maps[0] != USTACK_UPPERBOUND - 10 * PAGE - 2 * PAGE)
        error("first mapping at %p: not one guard page below the stack's window", maps[0]);
    for (int i = 0; i < N; i += 97)
        if (maps[i][0] != first)
            error("mapping %d reads 0x%x, not the file's first byte", i, maps[i][0]);

    /* Two holes: the higher is filled first, then the lower; a mapping
     * of two pages fits in neither and goes below the lowest. */
    char *hi = maps[10], *lo = maps[20];
    expect(munmap(lo, PAGE), ERR_OK);
    expect(munmap(hi, PAGE), ERR_OK);
    expect(map_page(fd, 1) == hi, 1);
    expect(map_page(fd, 1) == lo, 1);
    char *two = map_page(fd, 2);
    expect(two == maps[N - 1] - 3 * PAGE, 1);
    expect(munmap(two, 2 * PAGE), ERR_OK);

    /* A fork child inherits all of them, with the parent's private
     * stores. */
    for (int i = 0; i < N; i += 97)
        maps[i][0] = 'W';
    in_child(child, "reading the inherited mappings");

    for (int i = 0; i < N; i++)
        expect(munmap(maps[i], PAGE), ERR_OK);
    expect(close(fd), ERR_OK);
    pass("mmap_many");
    return 0;
}
