/*
 * cow_basic: fork shares the heap copy-on-write, with exact fault counts.
 *
 * For heaps of 1, 4 and 1024 touched pages: after fork, the child's reads
 * of the whole heap take no fault at all; its first write to each page
 * takes exactly one fault and one copy (cow_copies) and one frame; a
 * second write takes none. The parent's reads while the child lives take
 * no fault either, and it still sees its own values. When the child is
 * gone the parent is the only holder of each frame, so its first write
 * per page takes one fault but copies nothing, and free_pages is back
 * where it was before the fork (exit dropped every reference).
 * Pages reserved by sbrk but never touched are not shared: the child's
 * first touch is a plain zero-fill, and the parent still sees zeros.
 * Fork shares whole leaf tables (2 MiB spans): the counts allow one fault
 * more per span for reads and one frame more per table a write copies
 * (expect_window, vmlib.h); vm_share_tables counts those exactly.
 *
 * num_pgfault counts every fault in the machine, so the measured windows
 * run while the other process is blocked on a pipe, and each side first
 * writes the stack it will use (after fork the stack is copy-on-write
 * too, and a stack store would be a fault in the window).
 */
#include "vmlib.h"

/* One fork of a heap of n touched pages (tag 1 in the parent). */
static void cow_round(long n)
{
    char *heap = heap_pages(n);
    write_pages(heap, n, 1);
    struct channel ready, go;
    chan_open(&ready);
    chan_open(&go);
    warm_up_stack();                     /* any stack growth at this depth happens now */
    long free_before = free_pages();

    int pid = fork_ok();
    if (pid == 0) {
        warm_up_stack();
        chan_post(&ready);
        chan_take(&go);                  /* the parent is blocked in wait() from now on */
        expect_window(measure_pages(heap, n, 0, 0), 0, 0, 0, "child reads", n);
        if (check_pages(heap, n, 1))
            error("the child does not see the parent's heap");
        expect_window(measure_pages(heap, n, 1, 2), n, n, n, "child writes", n);
        expect_window(measure_pages(heap, n, 1, 3), 0, 0, 0, "child writes again", n);
        if (check_pages(heap, n, 3))
            error("the child does not see its own writes");
        exit(0);
    }
    warm_up_stack();
    volatile int status = 12345;
    chan_take(&ready);                   /* the child is blocked on go from now on */
    expect_window(measure_pages(heap, n, 0, 0), 0, 0, 0, "parent reads after fork", n);
    chan_post(&go);
    expect(wait(pid, (int *)&status), pid);
    expect(status, 0);

    if (check_pages(heap, n, 1))
        error("the child's writes reached the parent (%ld pages)", n);
    expect(free_pages(), free_before);
    /* Sole holder now: one fault per page, no copy, no frame. */
    expect_window(measure_pages(heap, n, 1, 4), n, 0, 0, "parent writes after the child", n);
    expect(check_pages(heap, n, 4), 0);
    chan_close(&ready);
    chan_close(&go);
    heap_set_break(heap);
}

/* Reserved but untouched pages: the child's touch is a zero-fill. */
static int child_touches_fresh(void)
{
    char *fresh = (char *)sbrk(0) - 4 * PAGE;
    for (int i = 0; i < 4; i++) {
        if (fresh[i * PAGE + 100] != 0)
            return 1;
        fresh[i * PAGE] = 'c';
    }
    return 0;
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    warm_up_stack();                           /* any stack growth happens now */
    long copies0 = cow_copies();

    cow_round(1);
    cow_round(4);
    cow_round(1024);
    /* Every copy was made by a counted child write, plus the stack pages
     * each side wrote while the other held them (a few per round). */
    long copies = cow_copies() - copies0;
    if (copies < 1 + 4 + 1024 || copies > 1 + 4 + 1024 + 3 * 16)
        error("cow_copies rose by %ld over three rounds", copies);

    char *fresh = heap_pages(4);
    long f = free_pages();
    in_child(child_touches_fresh, "the child touching reserved pages");
    expect(free_pages(), f);
    for (int i = 0; i < 4; i++)
        expect(fresh[i * PAGE], 0);

    pass("cow_basic: child reads take 0 faults, writes 1 per page (1, 4, 1024 pages)");
    return 0;
}
