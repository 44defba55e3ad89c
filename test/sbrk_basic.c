/*
 * sbrk_basic: the heap is reserved by sbrk and backed lazily, one zeroed
 * frame per page on first touch, and shrinking gives frames back at once.
 *
 * sbrk(+n) only moves the break: across it neither free_pages nor
 * num_pgfault may move. The first touch of each new page (a load, a store,
 * or a kernel copy-out through read()) takes exactly one fault and one
 * frame (plus, now and then, a page-table frame), and the page reads as
 * zeros. sbrk(0) changes nothing; sbrk(-n) returns the previous break,
 * unmaps the whole pages above the new break and frees their frames before
 * it returns; the page that still holds the new break stays. A page given
 * back and grown again comes back zeroed, never with its old contents, and
 * a freed page is no longer accessible: a child touching it is killed.
 * Small (1 page), odd byte counts, and large (hundreds of pages) cases.
 */
// test: expect-killed=2
#include "vmlib.h"

#define LARGE 600                 /* pages: 2.4 MiB, so it needs a new page table too */

/* A page-table frame may be needed for every 512 pages (and a level-1 table). */
static long tables_for(long pages) { return pages / 512 + 2; }

/* sbrk(increment) must return old, and move neither free frames nor faults. */
static void grow_reserves_only(int increment, char *old)
{
    struct sys_info a = sysinfo();
    char *got = sbrk(increment);
    struct sys_info b = sysinfo();
    if (got != old)
        error("sbrk(%d) = %p, expected the old break %p", increment, got, old);
    if (b.free_pages != a.free_pages)
        error("sbrk(%d) allocated: free_pages %ld -> %ld", increment, (long)a.free_pages,
              (long)b.free_pages);
    if (b.num_pgfault != a.num_pgfault)
        error("sbrk(%d) faulted: num_pgfault %ld -> %ld", increment, (long)a.num_pgfault,
              (long)b.num_pgfault);
    if ((char *)sbrk(0) != old + increment)
        error("after sbrk(%d) from %p the break is %p", increment, old, sbrk(0));
}

/* Reads every byte of n pages at p: all must be zero. Returns the number
 * of faults it took. */
static long read_zeros(char *p, long n)
{
    long f0 = pgfaults();
    for (long i = 0; i < n * (long)PAGE; i += 8)
        if (*(volatile long *)(p + i) != 0)
            error("fresh heap byte at %p is not zero: 0x%lx", p + i, *(volatile long *)(p + i));
    return pgfaults() - f0;
}

static void touch_killed(char *addr, const char *what)
{
    expect_killed((uintptr_t)addr, LOAD, what);
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    char *start = sbrk(0);
    expect((uintptr_t)start & (PAGE - 1), 0);      /* the heap starts on a page */
    expect(sbrk(0), start);                         /* sbrk(0) changes nothing */
    long free0 = free_pages();

    /* ---- small: one page, then odd sizes */
    grow_reserves_only(PAGE, start);
    long f = free_pages();
    expect(read_zeros(start, 1), 1);                /* one fault ... */
    long used = f - free_pages();
    if (used < 1 || used > 2)                       /* ... one frame (+ maybe a table) */
        error("first touch of one page used %ld frames", used);
    long f1 = pgfaults();
    start[0] = 'a';                                 /* read fault mapped it writable */
    start[PAGE - 1] = 'z';
    expect(pgfaults() - f1, 0);
    grow_reserves_only(100, start + PAGE);          /* not page multiples */
    grow_reserves_only(1, start + PAGE + 100);
    grow_reserves_only(PAGE - 101, start + PAGE + 101);
    expect(sbrk(0), start + 2 * PAGE);
    f = free_pages();
    f1 = pgfaults();
    start[PAGE + 50] = 'b';                         /* store first this time */
    expect(pgfaults() - f1, 1);
    used = f - free_pages();                        /* + a table if it starts a new 2 MiB */
    if (used != 1 && !(used == 2 && ((uintptr_t)(start + PAGE) & 0x1FFFFF) == 0))
        error("first store to a page used %ld frames", used);
    expect(start[PAGE], 0);
    expect(start[PAGE + 50], 'b');
    expect(start[0], 'a');

    /* ---- zero */
    f = free_pages();
    for (int i = 0; i < 10; i++)
        expect(sbrk(0), start + 2 * PAGE);
    expect(free_pages(), f);

    /* ---- decrement within a page: the page stays, with its data */
    expect(sbrk(-100), start + 2 * PAGE);
    expect(sbrk(0), start + 2 * PAGE - 100);
    expect(free_pages(), f);
    expect(start[PAGE + 50], 'b');
    expect(sbrk(100), start + 2 * PAGE - 100);

    /* ---- decrement by whole pages frees at once (+ its table if the page
     * began a 2 MiB span) */
    expect(sbrk(-(int)PAGE), start + 2 * PAGE);
    expect(free_pages(), f + 1 + spans_from(start + PAGE, start + 2 * PAGE));
    touch_killed(start + PAGE, "load from a page given back by sbrk");
    expect(sbrk(PAGE), start + PAGE);
    expect(read_zeros(start + PAGE, 1), 1);         /* zeroed, not 'b' */

    /* ---- a kernel copy-out fills fresh pages through the fault path */
    char *buf = sbrk(0);
    grow_reserves_only(5 * PAGE, buf);
    f = free_pages();
    int fd = open("/largefile", FS_RDONLY, EMPTY_MODE);
    assert(fd >= 0);
    expect(read(fd, buf, 5 * PAGE), 20480);
    expect(close(fd), ERR_OK);
    expect(f - free_pages(), 5);
    for (long i = 0; i < 5 * (long)PAGE; i++)
        if (buf[i] != 'a')
            error("heap byte %ld after read() = %d", i, buf[i]);
    /* ... but not beyond the heap: no region there, ERR_FAULT, no kill. */
    fd = open("/largefile", FS_RDONLY, EMPTY_MODE);
    assert(fd >= 0);
    expect(read(fd, buf + 5 * PAGE, 16), ERR_FAULT);
    expect(read(fd, buf + 5 * PAGE - 8, 16), ERR_FAULT);   /* straddles the end */
    expect(close(fd), ERR_OK);

    /* ---- large: hundreds of pages */
    char *big = sbrk(0);
    grow_reserves_only(LARGE * PAGE, big);
    f = free_pages();
    f1 = pgfaults();
    for (long i = 0; i < LARGE; i++)
        big[i * PAGE + (i % 64) * 64] = (char)(i + 1);   /* stores first */
    expect(pgfaults() - f1, LARGE);
    used = f - free_pages();
    if (used < LARGE || used > LARGE + tables_for(LARGE))
        error("touching %d pages used %ld frames", LARGE, used);
    for (long i = 0; i < LARGE; i++) {
        if (big[i * PAGE + (i % 64) * 64] != (char)(i + 1))
            error("large heap page %ld lost its byte", i);
        if (big[i * PAGE + PAGE - 1] != 0)
            error("large heap page %ld is not zero-filled", i);
    }

    /* Shrink the large block by half, then all of it: frames come back at
     * once, exactly one per touched page and one per page table left
     * empty (a 2 MiB span wholly given back). */
    f = free_pages();
    expect(sbrk(-(int)(LARGE / 2 * PAGE)), big + LARGE * PAGE);
    expect(free_pages(), f + LARGE / 2 + spans_from(big + LARGE / 2 * PAGE, big + LARGE * PAGE));
    touch_killed(big + (LARGE - 1) * PAGE, "load from the top of a shrunk heap");
    expect(sbrk(-(int)(LARGE / 2 * PAGE)), big + LARGE / 2 * PAGE);
    expect(free_pages(), f + LARGE + spans_from(big, big + LARGE * PAGE));
    expect(sbrk(0), big);

    /* Grown again: zeros, not the old bytes; one fault per page again,
     * and the tables made again. */
    grow_reserves_only(LARGE * PAGE, big);
    expect(read_zeros(big, LARGE), LARGE);
    expect(free_pages(), f);

    /* Everything back to the start of the heap. */
    heap_set_break(start);
    expect(sbrk(0), start);
    long tables = free0 - free_pages();
    if (tables < 0 || tables > tables_for(LARGE))
        error("after giving the whole heap back, free_pages %ld -> %ld", free0, free_pages());

    pass("sbrk_basic: small, large (%d pages), decrement and zero", LARGE);
    return 0;
}
