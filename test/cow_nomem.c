/*
 * cow_nomem: fork and copy-on-write when memory runs out.
 *
 * The test fills all but about 4 MiB of free memory with touched heap.
 * A copy-on-write fork needs only the child's page tables (about one
 * frame per 512 pages), so it must succeed; the child then writes its
 * whole heap, which needs a copy of every page: it runs out of frames and
 * is killed (the killed: line says "out of memory"), with status -1, while
 * the parent's heap is untouched and free_pages comes back exactly. A
 * full-copy fork (fork_copy) of the same heap cannot fit: it must fail
 * with ERR_NOMEM and leave nothing behind. Then the heap grows, one page
 * at a time, until fewer than 8 frames are free: fork and fork_copy must
 * both fail cleanly (a child's root and top tables, the leaf tables fork
 * cannot share and its kernel stack need more), again and again, without
 * leaking a frame. Giving the heap back makes fork work.
 */
// test: expect-killed=1 timeout=90 mem=64M
#include "vmlib.h"
#include <lib/bench.h>

#define SPARE 1024            /* frames left free after the fill (4 MiB) */
#define SQUEEZE 8             /* free frames in the last part */

static char *heap;
static long heap_n;

static int write_whole_heap(void)
{
    write_pages(heap, heap_n, 2);
    return 0;                 /* not reached: there are not enough frames */
}

static int child_exits(void) { return 0; }

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    char *start = sbrk(0);
    warm_up_stack();

    /* Fill memory. */
    heap_n = free_pages() - SPARE;
    heap = heap_pages(heap_n);
    write_pages(heap, heap_n, 1);
    long f = free_pages();
    printf("cow_nomem: %ld pages of heap touched, %ld frames free\n", heap_n, f);
    if (f < SPARE / 2)
        error("touching %ld pages used %ld frames", heap_n, SPARE - f);

    /* A COW fork fits; the child's writes do not. */
    int pid = fork();
    if (pid < 0)
        error("copy-on-write fork with %ld frames free = %d", f, pid);
    if (pid == 0)
        exit(write_whole_heap());
    expect(wait_for(pid), -1);
    expect(free_pages(), f);
    expect(check_pages(heap, heap_n, 1), 0);

    /* A full copy does not fit and leaves nothing behind. */
    expect(fork_copy(), ERR_NOMEM);
    expect(free_pages(), f);
    expect(check_pages(heap, heap_n, 1), 0);

    /* The parent is the only holder again: its writes need no frame. */
    for (long i = 0; i < heap_n; i += 16)
        *(volatile long *)(heap + i * PAGE) = page_word(1, i);
    expect(free_pages(), f);

    /* Squeeze until fewer than SQUEEZE frames are free. */
    long extra = 0;
    while (free_pages() >= SQUEEZE) {
        char *p = heap_pages(1);
        *(volatile long *)p = page_word(1, heap_n + extra);
        extra++;
    }
    f = free_pages();
    printf("cow_nomem: %ld frames free after %ld more pages\n", f, extra);
    for (int i = 0; i < 5; i++) {
        expect(fork(), ERR_NOMEM);
        expect(free_pages(), f);
        expect(fork_copy(), ERR_NOMEM);
        expect(free_pages(), f);
    }
    expect(sbrk((int)((f + 1) * PAGE)), ERR_NOMEM);
    expect(check_pages(heap, heap_n, 1), 0);

    /* Memory back: fork works again. */
    heap_set_break(start);
    in_child(child_exits, "a fork after the heap was given back");

    pass("cow_nomem: COW fork fits, its writes and a full copy do not; no leaks");
    return 0;
}
