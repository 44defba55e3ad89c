/*
 * vm_lazy_unmap: after a process changes its mappings on one hart, a hart
 * it ran on before, which still holds its space in satp (a lazy switch),
 * never reaches the old frames when the process comes back to it.
 *
 * The kernel leaves such a hart's flush to its next switch to the space
 * (tlb->stale, include/kernel/vpmap.h; vminfo's deferred_flushes). QEMU's
 * TLB keeps no entry across a satp write or an sfence.vma, so a skipped
 * flush shows here only if the process comes back to a hart that ran
 * nothing else meanwhile; the scheduler is steered so that it often
 * does. A waker process sleeps a millisecond at a time, so it runs on
 * the hart that wakes timed sleepers (cpus[0]), and, when
 * asked through a shared word, writes a byte to the member's pipe, which
 * wakes the member on another idle hart (the lowest other than the
 * waker's), call it X. There the member checks every page it maps (X
 * caches them) and sleeps a millisecond: cpus[0] takes it and it changes
 * its mappings there without touching them, then asks the waker and
 * sleeps on the pipe, and is woken on X again. One kind of change a turn,
 * so that no other change's flush covers a missing one:
 *   even turns: the heap's last PAGES pages freed and the heap grown back
 *     (the next check must find new zero pages: a stale translation
 *     reaches the freed frames, still holding the old words), and the
 *     view of one of two shared regions swapped for the other at the
 *     same address (each holds its own words);
 *   odd turns: a store to one of the first ROUNDS heap pages, which a
 *     child forked before the turns holds: copy-on-write, the page
 *     copied and remapped.
 * Any wrong word fails. The run is made with every ASID bit, with 2 (new
 * generations as it goes) and with none; every frame comes back after
 * each. Where threads land decides how often the window opens, never the
 * outcome. With vpmap_activate's deferred flush left out every run
 * failed (6 of 6 with 36 turns), while every older test passed, when a
 * millisecond's sleep lasted to cpus[0]'s next tick (10 to 20 ms). Since
 * sleeps end at their deadline (sched.c) a turn takes a tenth of that,
 * and the steering holds less often: without the deferred flush 2 runs
 * of 4 failed at 36 turns, 5 of 6 at 120; 120 turns take about 1.5 s
 * (36 took 4.5 s before).
 */
// test: timeout=90
#include "vmlib.h"
#include <lib/shm.h>
#include <lib/stdio-ext.h>

#define ROUNDS 120
#define PAGES 16
#define VIEW_PAGES 4

/* The words: region which's page p; the copy-on-write page p before (0)
 * or after (1) the member's store. */
static long view_word(int which, long p) { return page_word(1000 + which, p); }
static long cow_word(int after, long p) { return page_word(3000 + after, p); }

static const char *const names[2] = { "lazyA", "lazyB" };

/* The wrong words in a view of region which. */
static long view_bad(int which, char *view)
{
    long bad = 0;
    for (long p = 0; p < VIEW_PAGES; p++)
        bad += *(volatile long *)(view + p * PAGE) != view_word(which, p);
    return bad;
}

/* Both regions, each filled with its words; returns a view of region 0
 * (NULL on a failed call). */
static char *views_make(void)
{
    void *at = NULL;
    for (int which = 1; which >= 0; which--) {
        if (shm_create(names[which], VIEW_PAGES * PAGE, 0) != ERR_OK ||
            shm_map(names[which], &at, SHM_READ | SHM_WRITE) != ERR_OK)
            return NULL;
        for (long p = 0; p < VIEW_PAGES; p++)
            *(volatile long *)((char *)at + p * PAGE) = view_word(which, p);
        if (which == 1 && shm_unmap(names[which], at) != ERR_OK)
            return NULL;
    }
    return at;
}

/* Swaps the view of region from for one of the other at the same address
 * (the highest free range, which the unmap just freed), touching neither;
 * nonzero on a failed call or a moved view. */
static int view_swap(int from, char *view)
{
    void *at = NULL;
    return shm_unmap(names[from], view) != ERR_OK ||
           shm_map(names[!from], &at, SHM_READ | SHM_WRITE) != ERR_OK || at != view;
}

/* The waker: each millisecond, if *ask is 1, clears it and writes a byte
 * to the member's pipe; returns when *ask is 2. */
static void waker(volatile int *ask, int wake_fd)
{
    for (;;) {
        msleep(1);
        int a = *ask;
        if (a == 2)
            exit(0);
        if (a == 1) {
            *ask = 0;
            if (write(wake_fd, "w", 1) != 1)
                exit(1);
        }
    }
}

/*
 * The member: ROUNDS turns as above. Its heap is ROUNDS copy-on-write
 * pages (cow), then PAGES of its own (own). The holder child sleeps until
 * the turns are done (it must not run on X), then checks that it still sees
 * every cow page as it was. Returns the wrong words (capped), or 100 and
 * up for a failed call.
 */
static int member(volatile int *ask, int wake_fd)
{
    char *cow = heap_pages(ROUNDS), *own = heap_pages(PAGES);
    for (long p = 0; p < ROUNDS; p++)
        *(volatile long *)(cow + p * PAGE) = cow_word(0, p);
    struct channel holder;
    chan_open(&holder);
    int child = fork();
    if (child < 0)
        return 100;
    if (child == 0) {
        chan_take(&holder);
        long bad = 0;
        for (long p = 0; p < ROUNDS; p++)
            bad += *(volatile long *)(cow + p * PAGE) != cow_word(0, p);
        exit((int)bad);
    }
    char *view = views_make();
    if (!view)
        return 101;
    long bad = 0;
    int tag = 0, mapped = 0;             /* own's words (0: new zero pages); the view's */
    *ask = 1;
    for (int r = 0; r < ROUNDS; r++) {
        char c;
        if (read(wake_fd, &c, 1) != 1)
            return 102;
        for (long p = 0; p < PAGES; p++)
            bad += *(volatile long *)(own + p * PAGE) != (tag ? page_word(tag, p) : 0);
        for (long p = 0; p < ROUNDS; p++)
            bad += *(volatile long *)(cow + p * PAGE) != cow_word(p % 2 && p < r, p);
        bad += view_bad(mapped, view);
        if (!tag) {
            tag = r + 1;
            write_pages(own, PAGES, tag);
        }
        msleep(1);
        if (r % 2) {
            *(volatile long *)(cow + r * PAGE) = cow_word(1, r);
        } else {
            heap_set_break(own);
            if (heap_pages(PAGES) != own || view_swap(mapped, view))
                return 103;
            tag = 0;
            mapped = !mapped;
        }
        *ask = 1;
    }
    chan_post(&holder);
    bad += wait_for(child);
    if (shm_unmap(names[mapped], view) != ERR_OK || shm_destroy(names[0]) != ERR_OK ||
        shm_destroy(names[1]) != ERR_OK)
        return 104;
    return bad > 99 ? 99 : (int)bad;
}

/* One run; fails the test on a wrong word, a failed call or a lost frame. */
static void run(const char *how, volatile int *ask)
{
    long f0 = free_pages();
    long deferred = (long)vm_now().deferred_flushes;
    int wake[2];
    expect(pipe(wake), ERR_OK);
    *ask = 0;
    int w = fork_ok();
    if (w == 0)
        waker(ask, wake[1]);
    int m = fork_ok();
    if (m == 0)
        exit(member(ask, wake[0]));
    int status = wait_for(m);
    *ask = 2;
    expect_exit(w, 0);
    close(wake[0]);
    close(wake[1]);
    if (status != 0)
        error("%s: the member exited with %d (wrong words, or a call failed)", how, status);
    if (free_pages() != f0)
        error("%s: free frames %ld before, %ld after", how, f0, free_pages());
    printf("vm_lazy_unmap: %s: %ld flushes deferred\n", how,
           (long)vm_now().deferred_flushes - deferred);
}

int main(void)
{
    warm_up_stack();
    if (shm_create("lazyask", PAGE, 0) != ERR_OK)
        error("shm_create(lazyask) failed");
    void *at = NULL;
    expect(shm_map("lazyask", &at, SHM_READ | SHM_WRITE), ERR_OK);
    volatile int *ask = at;
    *ask = 0;                           /* its frame and table in use before any count */
    int bits = (int)vm_now().asid_bits_hw;
    run("all ASID bits", ask);
    expect(asid_limit(2), 2);
    run("2 ASID bits", ask);
    expect(asid_limit(0), 0);
    run("no ASIDs", ask);
    expect(asid_limit(-1), bits);
    expect(shm_unmap("lazyask", at), ERR_OK);
    expect(shm_destroy("lazyask"), ERR_OK);
    pass("vm_lazy_unmap: no freed or remapped page reached through a lazily held space");
    return 0;
}
