/*
 * vm_share_tables: fork shares 2 MiB leaf page tables (On-Demand-Fork),
 * and every way of touching a shared span keeps each side's memory its
 * own.
 *
 * The heap is aligned to 2 MiB and made of SPANS whole spans, every page
 * written (tag 1). After fork, vminfo's tables_shared grows by at least
 * SPANS and no table is copied by reads. Then, with the other side
 * blocked: the child's first store in a span copies that one table
 * (table_copies + 1, one frame for the table, one for the page), a second
 * store there copies none; the parent stores in a span the child still
 * shares, and each sees only its own stores. The parent shrinks its heap
 * by half a span (the span's table is cut: a copy) and the child still
 * sees the whole heap; the child shrinks its heap by one whole shared span
 * and the parent still sees it. A grandchild (a fork of a fork: tables
 * held three times) stores everywhere, and its parent, the child, exits
 * before it, so it runs on tables whose other holders come and go; it
 * checks its view and reports through a pipe. Shared views: a region
 * mapped before fork stays shared in the stack's span (which holds the
 * view, so fork copies it entry by entry); one mapped after fork (in the
 * stack's span too, too sparse to share) is seen by both, and the heap's
 * shared spans keep their values around it. Frames are
 * counted at each end: exactly the pages given back are free once every
 * relative is gone (no frame or table leaked, whichever side let go
 * last), and all of them after the heap is given back.
 */
// test: timeout=60
#include "vmlib.h"
#include <lib/shm.h>

#define SPAN (2L << 20)
#define SPAN_PAGES (SPAN / (long)PAGE)
#define SPANS 4
#define NPAGES (SPANS * SPAN_PAGES)

static char *heap;                     /* SPANS whole spans, 2 MiB aligned */
static struct channel to_child, to_parent;

/* Page i of the heap as one side should see it: tag 1 from before the
 * fork unless that side stored its own tag there. */
static long span_page(int span, long i) { return span * SPAN_PAGES + i; }
static long word_at(long page) { return *(volatile long *)(heap + page * PAGE); }
static void store_at(long page, int tag) { *(volatile long *)(heap + page * PAGE) = page_word(tag, page); }

/* The grandchild: its tables are held by the test, by the child and by
 * it. It waits until the child has exited (its end of gate closes), then
 * stores to every page, checks, and reports through the verdict pipe. */
static int verdict[2];

static void grandchild(int gate[2])
{
    char b;
    close(gate[1]);
    expect(read(gate[0], &b, 1), 0);     /* the child is gone */
    long pages = NPAGES - SPAN_PAGES;   /* the child gave the last span back */
    long bad = check_pages(heap, pages, 1) != 2;   /* but for the child's two */
    write_pages(heap, pages, 7);
    bad += check_pages(heap, pages, 7);
    char v = bad ? 'F' : 'P';
    write(verdict[1], &v, 1);
    exit(0);
}

static int child(void)
{
    long copies = (long)vm_now().table_copies;
    warm_up_stack();
    if (check_pages(heap, NPAGES, 1))
        error("the child does not see the parent's heap");
    expect((long)vm_now().table_copies - copies, 0);            /* reads copy nothing */

    /* First store in span 1: one table copy, one frame for it. */
    long f = free_pages();
    store_at(span_page(1, 5), 2);
    expect((long)vm_now().table_copies - copies, 1);
    expect(f - free_pages(), 2);
    store_at(span_page(1, 6), 2);
    expect((long)vm_now().table_copies - copies, 1);
    expect(word_at(span_page(1, 7)), page_word(1, span_page(1, 7)));

    chan_post(&to_parent);                 /* the parent stores in span 2, shrinks */
    chan_take(&to_child);
    expect(word_at(span_page(2, 9)), page_word(1, span_page(2, 9)));
    if (check_pages(heap, NPAGES, 1) != 2)                  /* only its own two */
        error("the parent's stores or shrink reached the child");

    /* Give back the last span, whole (its shared table is dropped). */
    heap_set_break(heap + (SPANS - 1) * SPAN);

    /* A fork of a fork; this child exits first. */
    int gate[2];
    expect(pipe(gate), ERR_OK);
    int pid = fork();
    if (pid < 0)
        error("fork in the child = %d", pid);
    if (pid == 0)
        grandchild(gate);
    write_pages(heap, NPAGES - SPAN_PAGES, 3);
    expect(check_pages(heap, NPAGES - SPAN_PAGES, 3), 0);
    exit(0);
}

/* A shared view mapped after fork: each side maps it, each sees the
 * other's store, and the heap (shared tables) keeps its values. */
static void view_after_fork(void)
{
    expect(shm_create("vm_share_late", PAGE, 0), ERR_OK);
    write_pages(heap, NPAGES, 1);
    int pid = fork_ok();
    void *addr = NULL;
    expect(shm_map("vm_share_late", &addr, SHM_READ | SHM_WRITE), ERR_OK);
    if (pid == 0) {
        chan_take(&to_child);
        int ok = *(volatile long *)addr == 42 && check_pages(heap, NPAGES, 1) == 0;
        *(volatile long *)addr = 43;
        exit(ok ? 0 : 1);
    }
    *(volatile long *)addr = 42;
    chan_post(&to_child);
    expect(wait_for(pid), 0);
    expect(*(volatile long *)addr, 43);
    expect(shm_unmap("vm_share_late", addr), ERR_OK);
    expect(shm_destroy("vm_share_late"), ERR_OK);
}

/* A view mapped before fork shares the stack's span; it stays shared. */
static void view_before_fork(void)
{
    expect(shm_create("vm_share_early", PAGE, 0), ERR_OK);
    void *addr = NULL;
    expect(shm_map("vm_share_early", &addr, SHM_READ | SHM_WRITE), ERR_OK);
    *(volatile long *)addr = 1;
    volatile long on_stack = 5;
    int pid = fork_ok();
    if (pid == 0) {
        on_stack = 6;                      /* private: the parent keeps 5 */
        *(volatile long *)addr = 2;        /* shared: the parent sees it */
        exit(0);
    }
    expect(wait_for(pid), 0);
    expect(*(volatile long *)addr, 2);
    expect(on_stack, 5);
    expect(shm_unmap("vm_share_early", addr), ERR_OK);
    expect(shm_destroy("vm_share_early"), ERR_OK);
}

/* free_pages, once it equals want or after about 10 s: an orphan (the
 * grandchild) may still be exiting when its verdict arrives. */
static long settled_free_pages(long want)
{
    long f = free_pages();
    for (int i = 0; i < 1000 && f != want; i++) {
        msleep(10);
        f = free_pages();
    }
    return f;
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    char *start = sbrk(0);
    warm_up_stack();
    long f0 = free_pages();
    view_before_fork();
    expect(free_pages(), f0);

    /* A heap of whole spans. */
    char *brk = sbrk(0);
    heap_pages(((SPAN - (uintptr_t)brk % SPAN) % SPAN) / PAGE);
    heap = heap_pages(NPAGES);
    if ((uintptr_t)heap % SPAN)
        error("heap %p not 2 MiB aligned", heap);
    write_pages(heap, NPAGES, 1);
    chan_open(&to_child);
    chan_open(&to_parent);
    expect(pipe(verdict), ERR_OK);
    long f1 = free_pages();
    long shared = (long)vm_now().tables_shared;

    int pid = fork_ok();
    if (pid == 0)
        child();
    if ((long)vm_now().tables_shared - shared < SPANS)
        error("fork shared %ld tables, expected at least %d",
              (long)vm_now().tables_shared - shared, SPANS);
    warm_up_stack();
    chan_take(&to_parent);                 /* the child is blocked from here */
    long copies = (long)vm_now().table_copies;
    store_at(span_page(2, 9), 4);          /* span 2 is still shared with the child */
    expect((long)vm_now().table_copies - copies, 1);
    /* Cut span 3 in half: its shared table must be copied first. */
    heap_set_break(heap + NPAGES * PAGE - SPAN / 2);
    chan_post(&to_child);
    expect(wait_for(pid), 0);
    char v = 0;
    expect(read(verdict[0], &v, 1), 1);  /* the grandchild, after its parent exited */
    if (v != 'P')
        error("the grandchild saw the wrong values");

    long kept = NPAGES - SPAN_PAGES / 2;
    expect(word_at(span_page(2, 9)), page_word(4, span_page(2, 9)));
    store_at(span_page(2, 9), 1);
    expect(check_pages(heap, kept, 1), 0);
    expect(settled_free_pages(f1 + SPAN_PAGES / 2), f1 + SPAN_PAGES / 2);
    /* only the pages given back went (once the grandchild is gone too) */

    heap_set_break(heap + NPAGES * PAGE);
    view_after_fork();
    heap_set_break(start);
    chan_close(&to_child);
    chan_close(&to_parent);
    close(verdict[0]);
    close(verdict[1]);
    /* All back, the heap's SPANS leaf tables too (a table an unmap
     * leaves empty is freed). */
    expect(free_pages(), f0);
    pass("vm_share_tables: shared leaf tables copied on the first store, cut, dropped, "
         "inherited, no leak");
    return 0;
}
