/*
 * info_basic: info() and meminfo().
 *
 * info fills struct sys_info: num_pgfault first (osv's layout), then the
 * frame counts, which must be sane (free <= total, total close to the
 * runner's 256 MiB / 4 KiB), and must move the right way when the program
 * touches fresh bss pages (faults up, free frames down, since pages are
 * backed on first touch). info into an untouched page takes that page's
 * fault before it reads the counters, so an info right after it sees no
 * new fault (docs/api.md). info with a bad pointer must neither crash the
 * kernel nor kill the caller. meminfo prints the address space; here we
 * only check that it returns (the runner records what it printed).
 */
#include "testlib.h"
#include <lib/stddef.h>

#define TOUCH_PAGES 16
#define MEM_PAGES (256UL * 1024 * 1024 / 4096)   /* the runner's -m 256M */

/* bss, not touched yet; one page more so that TOUCH_PAGES whole pages fit
 * inside it whatever its alignment (its first page may share a frame with
 * variables already in use). */
static char fresh[(TOUCH_PAGES + 1) * 4096];
/* bss for info's own copy-out to fault in: a page, whatever its alignment. */
static char untouched[2 * 4096];

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    struct sys_info a, b;

    /* num_pgfault is the first field, as osv programs assume. */
    assert(offset_of(struct sys_info, num_pgfault) == 0);

    memset(&a, 0xff, sizeof(a));
    info(&a);
    if (a.total_pages == 0 || a.total_pages > MEM_PAGES)
        error("total_pages = %ld, expected at most %ld", (long)a.total_pages, (long)MEM_PAGES);
    if (a.total_pages < MEM_PAGES * 85 / 100)
        error("total_pages = %ld: far below 256 MiB of 4 KiB pages (%ld)",
              (long)a.total_pages, (long)MEM_PAGES);
    if (a.free_pages == 0 || a.free_pages > a.total_pages)
        error("free_pages = %ld, total_pages = %ld", (long)a.free_pages, (long)a.total_pages);
    if (a.num_pgfault == (size_t)-1)
        error("num_pgfault was not filled in");
    printf("info_basic: num_pgfault=%ld free_pages=%ld total_pages=%ld cow_copies=%ld\n",
           (long)a.num_pgfault, (long)a.free_pages, (long)a.total_pages, (long)a.cow_copies);

    /* Touching fresh pages faults them in and uses frames. */
    char *pages = (char *)(((uintptr_t)fresh + 4095) & ~4095UL);
    for (int i = 0; i < TOUCH_PAGES; i++)
        pages[i * 4096] = (char)i;
    info(&b);
    if (b.num_pgfault < a.num_pgfault + TOUCH_PAGES)
        error("num_pgfault went from %ld to %ld after touching %d new pages",
              (long)a.num_pgfault, (long)b.num_pgfault, TOUCH_PAGES);
    if (b.free_pages > a.free_pages - TOUCH_PAGES)
        error("free_pages went from %ld to %ld after touching %d new pages",
              (long)a.free_pages, (long)b.free_pages, TOUCH_PAGES);
    if (b.total_pages != a.total_pages)
        error("total_pages changed from %ld to %ld", (long)a.total_pages, (long)b.total_pages);
    for (int i = 0; i < TOUCH_PAGES; i++)
        assert(pages[i * 4096] == (char)i);

    /* info's own fault is counted in what it returns, not in the next call. */
    struct sys_info *in_new_page = (struct sys_info *)(((uintptr_t)untouched + 4095) & ~4095UL);
    info(in_new_page);
    info(&b);
    if (b.num_pgfault != in_new_page->num_pgfault)
        error("info into a new page: the next info saw %ld more faults, expected 0",
              (long)(b.num_pgfault - in_new_page->num_pgfault));

    /* Bad pointers: no panic, no kill; the process goes on. */
    info(NULL);
    info((struct sys_info *)KMAP_BASE);
    info((struct sys_info *)UNMAPPED);
    info((struct sys_info *)(USTACK_UPPERBOUND - 8));   /* straddles the stack top */
    info((struct sys_info *)(uintptr_t)main);           /* read-only text */
    info(&b);
    assert(b.total_pages == a.total_pages);

    printf("info_basic: meminfo follows\n");
    meminfo();
    printf("info_basic: meminfo done\n");

    pass("info_basic");
    return 0;
}
