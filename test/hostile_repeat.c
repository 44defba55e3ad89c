/*
 * hostile_repeat: failed calls leave nothing behind, not even a small
 * kernel object. A leak of a few dozen bytes per call hides in the free
 * frame count of a test that fails the call once or twice (the kernel's
 * allocator packs such objects into a frame); here each failing call is
 * made TIMES times in a row, more than a frame holds of the smallest
 * objects, and the free frames must not move. The calls, each failing in
 * its own way after the kernel may have built something for it:
 *   - with the address space full (one private mapping of a file as large
 *     as fits, some 255 GiB): shm_map of a one-page region, and mmap
 *     shared and private of a page of a file, are ERR_NOMEM (a view's
 *     record, a file's map are made before the place is looked for);
 *   - shm_create of a name taken (the region is built before the name
 *     is looked up), shm_lock of a lock the caller holds, shm_unmap of
 *     nothing; spawn of a non-program (a process is built and loaded
 *     first) and of a missing one, spawnv with a kernel address for a
 *     word, proc_list and shm_list into memory they cannot write (a page
 *     is taken for the list first) and with max 0; mkdir and link onto
 *     names taken, open of a directory for writing, a futex wait on a
 *     word that changed.
 * Everything is undone at the end, and the runner checks every frame.
 */
// test: timeout=60
#include "shmlib.h"
#include <lib/mman.h>
#include <lib/proc-ext.h>
#include <lib/stddef.h>
#include <lib/layout.h>

#define TIMES 600                /* > 4096 / 8: a frame of the smallest objects */

static int fd_small;
static void *addr;
static struct proc_info pl[4];
static struct shm_info sl[4];

/* Each call, made to fail as the test's header says. */
static void shm_exist(void) { expect(shm_create("hr", PAGE, RS_DEFAULT), ERR_EXIST); }
static void shm_full_map(void) { expect(shm_map("hr", &addr, SHM_READ), ERR_NOMEM); }
static void mmap_full(void) { expect(mmap(fd_small, 0, PAGE, SHM_READ, MAP_SHARED, &addr), ERR_NOMEM); }
static void mmap_full_private(void)
{
    expect(mmap(fd_small, 0, PAGE, SHM_READ, MAP_PRIVATE, &addr), ERR_NOMEM);
}
static void lock_twice(void) { expect(shm_lock("hr"), ERR_INVAL); }
static void unmap_none(void) { expect(shm_unmap("hr", (void *)0x10000), ERR_NOTEXIST); }
static void spawn_bad(void) { expect(spawn("/README"), ERR_INVAL); }
static void spawn_missing(void) { expect(spawn("/hr-none a b c"), ERR_NOTEXIST); }
static void spawnv_fault(void)
{
    char *argv[] = { "echo", (char *)KMAP_BASE, NULL };
    expect(spawnv(argv), ERR_FAULT);
}
static void proc_list_fault(void) { expect(proc_list((void *)KMAP_BASE, 4), ERR_FAULT); }
static void shm_list_fault(void) { expect(shm_list((void *)0x10000, 4), ERR_FAULT); }
static void lists(void)
{
    expect(proc_list(pl, 0), 0);
    expect(shm_list(sl, 0), 0);
}
static void mkdir_exist(void) { expect(mkdir("/"), ERR_EXIST); expect(mkdir("/README"), ERR_EXIST); }
static void link_exist(void) { expect(link("/README", "/smallfile"), ERR_EXIST); }
static void open_dir_w(void) { expect(open("/", FS_RDWR, EMPTY_MODE), ERR_FTYPE); }
static void futex_again(void)
{
    int w = 1;
    expect(futex(&w, FUTEX_WAIT, 0, 1), ERR_AGAIN);
}

static const struct { const char *name; void (*fn)(void); } calls[] = {
    { "shm_create of a taken name", shm_exist },
    { "shm_map with no room", shm_full_map },
    { "mmap shared with no room", mmap_full },
    { "mmap private with no room", mmap_full_private },
    { "shm_lock held", lock_twice },
    { "shm_unmap of nothing", unmap_none },
    { "spawn of a non-program", spawn_bad },
    { "spawn of a missing program", spawn_missing },
    { "spawnv with a kernel word", spawnv_fault },
    { "proc_list into the kernel", proc_list_fault },
    { "shm_list into the text", shm_list_fault },
    { "lists of 0", lists },
    { "mkdir of names taken", mkdir_exist },
    { "link onto a name taken", link_exist },
    { "open of a directory for writing", open_dir_w },
    { "futex wait on a changed word", futex_again },
};

/* Fills the address space with one private mapping of a file, as large
 * as fits (found by halving), so that each new mapping fails, down to a
 * page: returns it, its length in *len. */
static void *fill(size_t *len)
{
    size_t lo = 0, hi = USER_TOP;            /* lo fits (0 trivially), hi does not */
    void *a;
    while (hi - lo > PAGE) {
        size_t mid = (lo + hi) / 2 & ~(size_t)(PAGE - 1);
        int r = mmap(fd_small, 0, mid, SHM_READ, MAP_PRIVATE, &a);
        if (r == ERR_OK) {
            expect(munmap(a, mid), ERR_OK);
            lo = mid;
        } else {
            expect(r, ERR_NOMEM);
            hi = mid;
        }
    }
    expect(mmap(fd_small, 0, lo, SHM_READ, MAP_PRIVATE, &a), ERR_OK);
    *len = lo;
    return a;
}

int main(void)
{
    fd_small = open_ok("/smallfile", FS_RDONLY);
    expect(shm_create("hr", PAGE, RS_DEFAULT), ERR_OK);
    char *v = map_ok("hr", SHM_READ | SHM_WRITE);
    v[0] = 1;
    expect(shm_lock("hr"), ERR_OK);
    size_t len;
    char *big = fill(&len);
    for (size_t c = 0; c < NELEM(calls); c++)
        repeat_unmoved(calls[c].fn, TIMES, calls[c].name);
    expect(big[len - 1], 0);                  /* past the file's end */
    expect(munmap(big, len), ERR_OK);
    expect(shm_unlock("hr"), ERR_OK);
    expect(shm_unmap("hr", v), ERR_OK);
    expect(shm_destroy("hr"), ERR_OK);
    expect(close(fd_small), ERR_OK);
    pass("hostile_repeat");
    return 0;
}
