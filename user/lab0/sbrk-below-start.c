/*
 * sbrk-below-start: a negative sbrk that would take the break below the
 * start of the heap changes nothing and returns the current break, as
 * osv's does ("treat it as sbrk(0)"); one that stays within the heap
 * shrinks it and returns the old break.
 */
#include <lib/test.h>

#define PAGE 4096

int
main(void)
{
    char *start = sbrk(0);

    // Below the start by a byte, a page, and far more than the heap holds.
    if (sbrk(-1) != start || sbrk(0) != start)
        error("sbrk(-1) at the start of the heap moved the break or was not sbrk(0)");
    if (sbrk(-PAGE) != start || sbrk(0) != start)
        error("sbrk(-PAGE) at the start of the heap");
    if (sbrk(-0x40000000) != start || sbrk(0) != start)
        error("sbrk(-1 GiB)");

    // With two pages of heap: shrinking past the start keeps both pages.
    if (sbrk(2 * PAGE) != start)
        error("sbrk(2 pages) did not return the old break");
    char *end = start + 2 * PAGE;
    start[0] = 'a';
    start[2 * PAGE - 1] = 'b';
    if (sbrk(-3 * PAGE) != end || sbrk(0) != end)
        error("sbrk(-3 pages) with 2 pages of heap was not sbrk(0)");
    if (start[0] != 'a' || start[2 * PAGE - 1] != 'b')
        error("the heap lost its bytes");

    // Shrinking within the heap still works, down to the start exactly.
    if (sbrk(-PAGE) != end || sbrk(0) != start + PAGE)
        error("sbrk(-PAGE) with 2 pages of heap");
    if (sbrk(-PAGE) != start + PAGE || sbrk(0) != start)
        error("sbrk(-PAGE) back to the start");

    pass("sbrk-below-start");
    exit(0);
}
