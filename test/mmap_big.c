/*
 * mmap_big: a file mapping of 25,000 pages (98 MiB), every page touched
 * by two processes one after the other: each touch finds the page in the
 * file's page cache, or adds it.
 *
 * The page cache was a sorted list, walked at every lookup while its lock
 * was held: touching n pages in a row cost n * n / 2 steps, 11 s of kernel
 * time for 40,000 pages (about 4.5 s per pass here); with the splay tree
 * (pgcache.c) a pass takes about half a second (bench_vm's figure
 * mmap_fault_big_over_small keeps the cost per page flat). A mapping is not
 * limited in size (filemap.h), and past the end of the file every page
 * reads as zero: the pages of /README here, a file of 150 bytes mapped
 * read-only and shared. The parent touches every page
 * upwards, then a fork child downwards; each page must read the file's
 * bytes (the first) or zero. All frames come back when the mapping goes
 * (the runner's leak check).
 */
// test: timeout=30
#include "vmlib.h"
#include <lib/mman.h>
#include <lib/shm.h>

#define PAGES 25000L

static const volatile char *view;
static char first;

/* Reads one byte of every page, upwards or downwards: 0 if each is right. */
static int touch_all(bool down)
{
    for (long k = 0; k < PAGES; k++) {
        long i = down ? PAGES - 1 - k : k;
        char want = i == 0 ? first : 0;
        if (view[i * PAGE] != want)
            return 1;
    }
    return 0;
}

static int touch_down(void)
{
    return touch_all(true);
}

int main(void)
{
    int fd = open_ok("/README", FS_RDONLY);
    expect(read(fd, &first, 1), 1);
    expect(mmap(fd, 0, PAGES * PAGE, SHM_READ, MAP_SHARED, (void **)&view), ERR_OK);
    expect(touch_all(false), 0);
    in_child(touch_down, "a fork child touching every page downwards");
    expect(munmap((void *)view, PAGES * PAGE), ERR_OK);
    expect(close(fd), ERR_OK);
    pass("mmap_big");
    return 0;
}
