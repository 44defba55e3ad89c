/*
 * sbrk_limits: every way sbrk can fail gives (void *)ERR_NOMEM and changes
 * nothing: the break (sbrk(0) before and after), the free frames and the
 * heap's contents stay as they were. Shrinking below the start of the heap
 * changes nothing too, but is no failure: osv treats it as sbrk(0), so it
 * returns the current break.
 *
 * Failures: growth by more pages than there are free frames (one call of
 * 2 GiB, and one of free_pages + 1 pages) and growth into the stack's
 * 10-page window at the top of user space. Below the start: by 1 byte, by
 * a page, by INT_MIN, and by more than was grown.
 * The last one needs the heap to span nearly all of the 256 GiB of Sv39
 * user space; sbrk only reserves, so a child does that in 128 MiB steps,
 * checks that the heap's top page and the stack's lowest page both still
 * work, and exits: its exit must tear down that huge sparse heap quickly
 * and give back every frame (the runner's leak check).
 */
// test: timeout=60
#include "vmlib.h"
#include <lib/layout.h>

#define INT_MAX 0x7fffffff
#define INT_MIN (-INT_MAX - 1)
#define STEP (128L * 1024 * 1024)

/* A shrink below the heap's start is sbrk(0). */
static void sbrk_below_start(long increment, const char *what)
{
    sbrk_changes_nothing(increment, sbrk(0), what);
}

/* In a child: grow the heap up to the stack window, which must stop it. */
static int fill_address_space(void)
{
    char *brk = sbrk(0);
    long f = free_pages();
    while ((uintptr_t)brk + STEP <= USTACK_LOWERBOUND - PAGE) {
        char *got = sbrk((int)STEP);
        if (got != brk)
            error("sbrk(128 MiB) at %p = %p", brk, got);
        brk += STEP;
    }
    /* Up to one page below the window: fine. */
    long last = (long)(USTACK_LOWERBOUND - PAGE - (uintptr_t)brk);
    expect(sbrk((int)last), brk);
    brk += last;
    expect((uintptr_t)sbrk(0), USTACK_LOWERBOUND - PAGE);
    long after = free_pages();      /* more is another process's late free, not ours */
    if (after < f)
        error("reserving 256 GiB took frames: free_pages %ld -> %ld", f, after);
    /* Into the window: refused. */
    sbrk_fails(PAGE + 1, "growth into the stack window");
    sbrk_fails(2 * PAGE, "growth into the stack window");
    sbrk_fails(INT_MAX, "growth through the stack");
    /* The heap's top pages and the stack's lowest page both work. */
    char *top = (char *)(USTACK_LOWERBOUND - 2 * PAGE);
    top[0] = 1;
    top[PAGE - 1] = 2;                               /* the last heap byte */
    volatile char *stack_bottom = (char *)USTACK_LOWERBOUND;
    stack_bottom[0] = 3;
    expect(top[0] + top[PAGE - 1] + stack_bottom[0], 6);
    return 0;
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    char *start = sbrk(0);

    /* Below the start of the heap. */
    sbrk_below_start(-1, "shrink below the heap start by 1");
    sbrk_below_start(-(long)PAGE, "shrink below the heap start by a page");
    sbrk_below_start(INT_MIN, "sbrk(INT_MIN)");
    char *p = heap_pages(3);
    write_pages(p, 3, 7);
    sbrk_below_start(-(long)(p + 3 * PAGE - start) - 1, "shrink by one byte more than the heap");
    sbrk_below_start(-4 * (long)PAGE - 8, "shrink by more than the heap");
    sbrk_below_start(INT_MIN, "sbrk(INT_MIN) with a heap");
    expect(check_pages(p, 3, 7), 0);

    /* Past the free frames. */
    sbrk_fails(INT_MAX, "sbrk(INT_MAX): 2 GiB, more than the machine has");
    long f = free_pages();
    sbrk_fails((f + 1) * PAGE, "one page more than the free frames");
    sbrk_fails(INT_MAX - (long)PAGE + 1, "almost 2 GiB");
    expect(check_pages(p, 3, 7), 0);
    /* Half the free frames is fine, and reserves only. */
    char *q = sbrk((int)(f / 2 * PAGE));
    expect(q, p + 3 * PAGE);
    expect(free_pages(), f);
    expect(sbrk(-(int)(f / 2 * PAGE)), q + f / 2 * PAGE);

    /* Exactly to the start is fine; then 1 byte further is not. */
    heap_set_break(start);
    expect(sbrk(0), start);
    sbrk_below_start(-1, "shrink below the heap start after shrinking to it");

    /* The address-space limit, in a child (its exit frees the huge heap). */
    expect(child_status(fill_address_space), 0);

    pass("sbrk_limits: memory, address space and heap start limits");
    return 0;
}
