/*
 * vm_share_tail: fork's shared leaf tables stay copy-on-write when one
 * holder has copied a table and the other holds it alone; and fork shares
 * the table of a large heap's last span even where the heap covers only
 * a few pages of it (vm.c's span_shareable: a region a whole span long or
 * more makes its spans shareable).
 *
 * The heap starts 2 MiB aligned: one whole span and TAIL pages of the
 * next, written (tag 1). After a fork, the other side blocked each time:
 * the child's first store in the whole span and in the tail copies each
 * table (table_copies + 1 each); it grows its heap by GROW pages in the
 * tail span and writes them. The parent, now the only holder of both
 * tables (fork left its pointers detached, not write-protected), stores
 * in each with no copy, grows its heap over the same addresses and writes
 * other values. Each side must see only its own stores: the parent's
 * stores must fault (copy-on-write) even in a table it holds alone, since
 * the child's copy maps the same frames (they did not, once: the child
 * saw the parent's stores). A kernel store (read() into the heap) by a
 * parent that shares the page with a new child copies the table and the
 * page too, the child's view untouched. Then the count: with the whole span alone a
 * fork shares some number of tables; with TAIL pages more in the next
 * span it must share exactly one more, the tail's. Once the children are
 * gone and the heap given back, exactly its pages and its two tables are
 * free again.
 */
// test: timeout=60
#include "vmlib.h"

#define SPAN (2L << 20)
#define SPAN_PAGES (SPAN / (long)PAGE)
#define TAIL 8
#define GROW 16
#define KPAGE 7                        /* the parent's kernel store, last part */

static char *heap;                     /* SPAN_PAGES + TAIL pages, 2 MiB aligned */
static struct channel to_child, to_parent;

/* The tables one fork shares: a child that exits at once. */
static long shared_by_fork(void)
{
    long before = (long)vm_now().tables_shared;
    int pid = fork_ok();
    if (pid == 0)
        exit(0);
    long n = (long)vm_now().tables_shared - before;
    expect(wait_for(pid), 0);
    return n;
}

static long word_at(long page) { return *(volatile long *)(heap + page * PAGE); }
static void store_at(long page, int tag) { *(volatile long *)(heap + page * PAGE) = page_word(tag, page); }

/* Checks that the first SPAN_PAGES + TAIL pages of the heap hold tag 1,
 * but for the pages own[0] and own[1], which hold own_tag (own_tag 0:
 * none). */
static void check_heap(const char *who, const long own[2], int own_tag)
{
    for (long p = 0; p < SPAN_PAGES + TAIL; p++) {
        bool mine = own_tag && (p == own[0] || p == own[1]);
        long want = page_word(mine ? own_tag : 1, p);
        if (word_at(p) != want)
            error("%s: heap page %ld holds %lx, not %lx", who, p, word_at(p), want);
    }
}

/* The pages each side stores in: one in the whole span, one in the tail. */
static const long child_pages[2] = { 3, SPAN_PAGES + 1 };
static const long parent_pages[2] = { 4, SPAN_PAGES + 2 };

static void child(void)
{
    chan_take(&to_child);
    for (int i = 0; i < 2; i++) {
        long copies = (long)vm_now().table_copies;
        store_at(child_pages[i], 2);
        if ((long)vm_now().table_copies - copies != 1)
            error("child: the first store in shared span %d copied %ld tables, not 1", i,
                  (long)vm_now().table_copies - copies);
    }
    char *more = heap_pages(GROW);
    write_pages(more, GROW, 3);
    check_heap("child", child_pages, 2);
    chan_post(&to_parent);
    chan_take(&to_child);                   /* the parent stored and grew over it */
    check_heap("child, after the parent's stores", child_pages, 2);
    if (check_pages(more, GROW, 3))
        error("child: its grown pages changed under it");
    exit(0);
}

int main(void)
{
    char *brk = sbrk(0);
    heap_pages(((SPAN - (uintptr_t)brk % SPAN) % SPAN) / PAGE);
    chan_open(&to_child);
    chan_open(&to_parent);
    warm_up_stack();
    heap = heap_pages(SPAN_PAGES + TAIL);
    if ((uintptr_t)heap % SPAN)
        error("heap %p not 2 MiB aligned", heap);
    write_pages(heap, SPAN_PAGES + TAIL, 1);
    long f0 = free_pages();                 /* the heap's frames and its two tables in use */

    int pid = fork_ok();
    if (pid == 0)
        child();
    chan_post(&to_child);
    chan_take(&to_parent);                  /* the child stored and grew */
    check_heap("parent, after the child's stores", parent_pages, 0);
    for (int i = 0; i < 2; i++) {               /* the parent's alone now, both tables */
        long copies = (long)vm_now().table_copies;
        store_at(parent_pages[i], 4);
        if ((long)vm_now().table_copies - copies != 0)
            error("parent: a store in span %d, whose table it alone holds, copied %ld tables",
                  i, (long)vm_now().table_copies - copies);
    }
    char *more = heap_pages(GROW);
    write_pages(more, GROW, 5);
    chan_post(&to_child);
    expect(wait_for(pid), 0);
    check_heap("parent", parent_pages, 4);
    if (check_pages(more, GROW, 5))
        error("parent: its grown pages do not hold its values");

    /* A kernel store (read() from a pipe) by the parent into a page it
     * shares with a new child: fork left the parent's pointer detached,
     * the page's entry still writable, and the store must copy the table
     * and the page as a program's store does, not write the shared frame
     * through the direct map (uaccess.c). */
    int p[2];
    expect(pipe(p), ERR_OK);
    store_at(KPAGE, 1);                     /* writable and dirty again */
    pid = fork();
    if (pid < 0)
        error("fork = %d", pid);
    if (pid == 0) {
        chan_take(&to_child);
        exit(word_at(KPAGE) == page_word(1, KPAGE) ? 0 : 1);
    }
    long copies = (long)vm_now().table_copies;
    long w = page_word(6, KPAGE);
    expect(write(p[1], &w, sizeof(w)), (long)sizeof(w));
    expect(read(p[0], heap + KPAGE * PAGE, sizeof(w)), (long)sizeof(w));
    if ((long)vm_now().table_copies - copies != 1)
        error("parent: a kernel store in a span shared by fork copied %ld tables, not 1",
              (long)vm_now().table_copies - copies);
    chan_post(&to_child);
    if (wait_for(pid) != 0)
        error("the child saw its parent's kernel store (read() into a shared page)");
    expect(word_at(KPAGE), w);
    expect(close(p[0]), ERR_OK);
    expect(close(p[1]), ERR_OK);

    /* The count: the whole span alone, then with the tail. */
    heap_set_break(heap + SPAN);
    long whole = shared_by_fork();
    heap_pages(TAIL);
    write_pages(heap + SPAN, TAIL, 1);
    long with_tail = shared_by_fork();
    if (with_tail != whole + 1)
        error("a fork shared %ld tables with the tail, %ld without: the tail's was not shared",
              with_tail, whole);
    printf("vm_share_tail: a fork shares %ld tables, %ld with %d pages in the next span\n",
           whole, with_tail, TAIL);

    heap_set_break(heap);                   /* its two tables go, emptied */
    long f1 = free_pages();
    if (f1 != f0 + SPAN_PAGES + TAIL + 2)
        error("%ld frames free after giving the heap back, %ld with it: %ld lost", f1, f0,
              f0 + SPAN_PAGES + TAIL + 2 - f1);
    chan_close(&to_child);
    chan_close(&to_parent);
    pass("vm_share_tail: a large heap's last span shared by fork; copy-on-write right in a "
         "table one side copied and the other holds alone");
    return 0;
}
