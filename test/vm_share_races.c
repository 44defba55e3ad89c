/*
 * vm_share_races: every way of letting go of or changing a leaf table
 * fork shared, at once on four harts, keeps each holder's memory its own
 * and leaks nothing.
 *
 * The heap is two whole 2 MiB spans and TAIL pages of a third, 2 MiB
 * aligned, every page written. Each of ROUNDS rounds forks four children
 * (so each table has five holders, its frames one reference each), which
 * spin on a shared word until all are running, then start at once while
 * the parent works too:
 *   0 stores in every page (a table copy per span, then a page copy each);
 *   1 only reads, pass after pass, and must see the fork's words the
 *     whole time, whatever the others copy, free or exit;
 *   2 shrinks the heap to half of the first span (a cut table copied, a
 *     whole span's hold dropped, the tail's table copied and emptied),
 *     checks what is left, grows it back and finds zero pages there;
 *   3 forks a grandchild (six holders) and exits at once, so the
 *     grandchild runs on tables whose holders come and go; it stores in
 *     half the heap, checks all of it and reports through a pipe;
 *   the parent stores in some pages of each span, and has the kernel
 *     store in others (read() from a pipe: a copy helper's fault copies
 *     the table, then the page).
 * Every process checks every word it can reach; holders exit in any
 * order, and the last one of each table frees its frames. Once every
 * process is gone and the heap is given back, the free frames are
 * exactly what they were, the heap's pages and tables back (no frame or
 * table lost or freed twice). On the
 * debug kernel too (`debug`), whose lock-order checks the fault path
 * crosses.
 */
// test: debug timeout=120
#include "vmlib.h"
#include <lib/shm.h>

#define SPAN (2L << 20)
#define SPAN_PAGES (SPAN / (long)PAGE)
#define TAIL 16
#define HEAP_PAGES (2 * SPAN_PAGES + TAIL)
#define CUT (SPAN_PAGES / 2)          /* the shrinker keeps this many pages */
#define CHILDREN 4
#define ROUNDS 12
#define READ_PASSES 4

static char *heap;
static volatile int *gate;               /* shared: [0] the round to start, [1] children ready */

static long word_at(long page) { return *(volatile long *)(heap + page * PAGE); }

/* Pages of [from, to) whose word is not (tag, page); 0 is good. */
static long bad_words(long from, long to, int tag)
{
    long bad = 0;
    for (long p = from; p < to; p++)
        bad += word_at(p) != page_word(tag, p);
    return bad;
}

/* Stores (tag, page) in every step-th page of [from, to). */
static void store_words(long from, long to, long step, int tag)
{
    for (long p = from; p < to; p += step)
        *(volatile long *)(heap + p * PAGE) = page_word(tag, p);
}

/* Child 0: a store in every page, then the whole heap checked twice. */
static int writer(int tag)
{
    store_words(0, HEAP_PAGES, 1, tag + 1);
    return (int)(bad_words(0, HEAP_PAGES, tag + 1) + bad_words(0, HEAP_PAGES, tag + 1));
}

/* Child 1: only loads, and sees the fork's words throughout. */
static int reader(int tag)
{
    long bad = 0;
    for (int pass = 0; pass < READ_PASSES; pass++)
        bad += bad_words(0, HEAP_PAGES, tag);
    return (int)bad;
}

/* Child 2: cuts the heap inside the first span, checks the rest, grows it
 * back: the pages there must be new zero pages, then its own. */
static int shrinker(int tag)
{
    heap_set_break(heap + CUT * PAGE);
    long bad = bad_words(0, CUT, tag);
    heap_set_break(heap + HEAP_PAGES * PAGE);
    for (long p = CUT; p < HEAP_PAGES; p++)
        bad += word_at(p) != 0;
    store_words(CUT, HEAP_PAGES, 1, tag + 2);
    return (int)(bad + bad_words(0, CUT, tag) + bad_words(CUT, HEAP_PAGES, tag + 2));
}

/* Child 3: forks a grandchild and exits at once; the grandchild stores
 * in the second half of the heap, checks all of it and writes its count
 * of wrong words (capped) to result, its pid to pids first. */
static int forker(int tag, int pids, int result)
{
    int pid = fork();
    if (pid < 0)
        return 1;
    if (pid > 0)
        return write(pids, &pid, sizeof(pid)) == sizeof(pid) ? 0 : 1;
    long half = HEAP_PAGES / 2;
    store_words(half, HEAP_PAGES, 1, tag + 3);
    long bad = bad_words(0, half, tag) + bad_words(half, HEAP_PAGES, tag + 3);
    char c = bad > 100 ? 100 : (char)bad;
    exit(write(result, &c, 1) == 1 ? 0 : 1);
}

/* The parent's part: stores in every 5th page, and the kernel's stores
 * (read() from a pipe) into every 7th page not stored to by the parent. */
static void parent_work(int tag, int fds[2])
{
    store_words(0, HEAP_PAGES, 5, tag + 4);
    for (long p = 1; p < HEAP_PAGES; p += 7) {
        if (p % 5 == 0)
            continue;
        long w = page_word(tag + 5, p);
        expect(write(fds[1], &w, sizeof(w)), sizeof(w));
        expect(read(fds[0], heap + p * PAGE, sizeof(w)), sizeof(w));
    }
}

/* The words the parent must see after parent_work. */
static long parent_bad(int tag)
{
    long bad = 0;
    for (long p = 0; p < HEAP_PAGES; p++) {
        int want = p % 5 == 0 ? tag + 4 : p % 7 == 1 ? tag + 5 : tag;
        bad += word_at(p) != page_word(want, p);
    }
    return bad;
}

/* One round: the heap holds tag; four children and the parent at once. */
static int round_run(int tag, int *grandchild)
{
    int pids[2], result[2], kernel[2];
    expect(pipe(pids), ERR_OK);
    expect(pipe(result), ERR_OK);
    expect(pipe(kernel), ERR_OK);
    int kids[CHILDREN];
    for (int i = 0; i < CHILDREN; i++) {
        kids[i] = fork_ok();
        if (kids[i] == 0) {
            __atomic_fetch_add(&gate[1], 1, __ATOMIC_SEQ_CST);
            while (gate[0] != tag)
                ;
            switch (i) {
            case 0: exit(writer(tag));
            case 1: exit(reader(tag));
            case 2: exit(shrinker(tag));
            default: exit(forker(tag, pids[1], result[1]));
            }
        }
    }
    while (gate[1] != CHILDREN)
        ;
    gate[0] = tag;
    parent_work(tag, kernel);
    long bad = parent_bad(tag);
    if (bad)
        error("round %d: the parent sees %ld wrong words", tag, bad);
    for (int i = 0; i < CHILDREN; i++) {
        int status = wait_for(kids[i]);
        if (status != 0)
            error("round %d: child %d exited with %d (wrong words, or a call failed)", tag, i,
                  status);
    }
    expect(read(pids[0], grandchild, sizeof(*grandchild)), sizeof(*grandchild));
    char c = -1;
    expect(read(result[0], &c, 1), 1);
    if (c != 0)
        error("round %d: the grandchild saw %d wrong words", tag, c);
    int all[] = { pids[0], pids[1], result[0], result[1], kernel[0], kernel[1] };
    for (int i = 0; i < 6; i++)
        close(all[i]);
    return (int)parent_bad(tag);
}

int main(void)
{
    memset(proc_list_buf, 0, sizeof(proc_list_buf));
    void *at = NULL;
    expect(shm_create("racegate", PAGE, 0), ERR_OK);
    expect(shm_map("racegate", &at, SHM_READ | SHM_WRITE), ERR_OK);
    gate = at;
    gate[0] = 0;
    char *brk = sbrk(0);
    heap_pages(((SPAN - (uintptr_t)brk % SPAN) % SPAN) / PAGE);
    warm_up_stack();
    heap = heap_pages(HEAP_PAGES);
    if ((uintptr_t)heap % SPAN)
        error("heap %p not 2 MiB aligned", heap);
    store_words(0, HEAP_PAGES, 1, 1);
    long f0 = free_pages();                 /* the heap's frames and tables in use */
    long shared0 = (long)vm_now().tables_shared;
    int grandchildren[ROUNDS];
    for (int r = 0; r < ROUNDS; r++) {
        int tag = 10 * (r + 1);
        store_words(0, HEAP_PAGES, 1, tag);
        gate[1] = 0;
        if (round_run(tag, &grandchildren[r]))
            error("round %d: the parent's heap changed after the round", r);
    }
    long shared = (long)vm_now().tables_shared - shared0;
    if (shared < ROUNDS * (CHILDREN + 1) * 3L)
        error("%d forks of a three-span heap shared only %ld tables", ROUNDS * (CHILDREN + 1),
              shared);
    /* The grandchildren are init's: each is gone once proc_list no longer
     * shows it (each exits right after its report). */
    for (int r = 0; r < ROUNDS; r++) {
        for (int tries = 0; tries < 1000 && proc_entry(grandchildren[r]).pid; tries++)
            msleep(10);
        if (proc_entry(grandchildren[r]).pid)
            error("grandchild %d still listed after 10 s", grandchildren[r]);
    }
    heap_set_break(heap);                   /* its pages and its three tables */
    long f1 = free_pages();
    if (f1 != f0 + HEAP_PAGES + 3)
        error("free frames: %ld with the heap, %ld once every holder went and the heap was "
              "given back (expected %ld)", f0, f1, f0 + HEAP_PAGES + 3);
    expect(shm_unmap("racegate", at), ERR_OK);
    expect(shm_destroy("racegate"), ERR_OK);
    pass("vm_share_races: %d rounds of 5 holders per table racing, %ld tables shared", ROUNDS,
         shared);
    return 0;
}
