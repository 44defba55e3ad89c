/*
 * cow_generations: copy-on-write across several generations of forks.
 *
 * Generation 0 (the test) fills a heap of PAGES pages. Each generation g
 * in 1..GENS is forked by generation g-1, checks that it sees exactly what
 * its parent had at the fork, writes its own pages (every page i with
 * i % (g + 1) == 0), checks its view again, and forks generation g+1. Then,
 * while its descendants run, it writes its pages a second time (so frames
 * shared with a live child are copied under it, on another hart), waits
 * for its child and checks that its own view holds only its own writes
 * and its ancestors' (none of its descendants'). Pages nobody wrote after
 * generation 0 stay shared by every generation until the end.
 * At the end generation 0 sees only its own values, and free_pages is
 * back where it was before the first fork.
 */
// test: timeout=60
#include "vmlib.h"

#define PAGES 256
#define GENS 5

static char *heap;

/* Which generation last wrote page i, as seen by generation g after its
 * own writes; round is 2 once g has written its pages a second time. */
static int writer(int g, long i)
{
    for (int k = g; k >= 1; k--)
        if (i % (k + 1) == 0)
            return k;
    return 0;
}

static long value(int g, long i, int round) { return ((long)g << 40) | ((long)round << 32) | i; }

/* Page i as generation g expects it: written by writer(g, i), in round 2
 * if that is g itself and it has done its second round. */
static long expected(int g, long i, int own_round)
{
    int w = writer(g, i);
    return value(w, i, w == g ? own_round : 1);
}

static long mismatches(int g, int own_round)
{
    long bad = 0;
    for (long i = 0; i < PAGES; i++)
        if (*(volatile long *)(heap + i * PAGE) != expected(g, i, own_round))
            bad++;
    return bad;
}

static void write_own(int g, int round)
{
    for (long i = 0; i < PAGES; i++)
        if (writer(g, i) == g)
            *(volatile long *)(heap + i * PAGE) = value(g, i, round);
}

/* Generation g; returns 0 or the step that failed. */
static int generation(int g)
{
    if (mismatches(g - 1, 1))
        return 10 * g + 1;                 /* not the parent's view at fork */
    write_own(g, 1);
    if (mismatches(g, 1))
        return 10 * g + 2;
    int pid = 0;
    if (g < GENS) {
        pid = fork();
        if (pid < 0)
            return 10 * g + 3;
        if (pid == 0)
            exit(generation(g + 1));
    }
    write_own(g, 2);                       /* concurrently with the descendants */
    if (mismatches(g, 2))
        return 10 * g + 4;
    if (pid) {
        int status = -99;
        if (wait(pid, &status) != pid)
            return 10 * g + 5;
        if (status != 0)
            return status;                 /* a descendant's step */
    }
    if (mismatches(g, 2))
        return 10 * g + 6;
    return 0;
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    heap = heap_pages(PAGES);
    for (long i = 0; i < PAGES; i++)
        *(volatile long *)(heap + i * PAGE) = value(0, i, 1);
    long f = free_pages();

    for (int rep = 0; rep < 3; rep++) {
        int pid = fork_ok();
        if (pid == 0)
            exit(generation(1));
        /* Generation 0 writes nothing while they run: its pages are the
         * shared originals the deepest untouched pages still map. */
        int status = wait_for(pid);
        if (status != 0)
            error("repetition %d: generation %d failed at step %d", rep, status / 10,
                  status % 10);
        if (mismatches(0, 1))
            error("repetition %d: generation 0 sees %ld pages changed by its descendants", rep,
                  mismatches(0, 1));
    }
    /* Generation 0 writing concurrently with the whole chain. */
    int pid = fork();
    if (pid == 0)
        exit(generation(1));
    for (long i = 0; i < PAGES; i += 3)
        *(volatile long *)(heap + i * PAGE) = value(0, i, 1) ^ 0x5a5a;
    int status = wait_for(pid);
    if (status != 0)
        error("generation %d failed at step %d", status / 10, status % 10);
    for (long i = 0; i < PAGES; i++) {
        long want = value(0, i, 1) ^ (i % 3 == 0 ? 0x5a5a : 0);
        if (*(volatile long *)(heap + i * PAGE) != want)
            error("generation 0 page %ld = 0x%lx, expected 0x%lx", i,
                  *(volatile long *)(heap + i * PAGE), want);
    }
    expect(free_pages(), f);

    pass("cow_generations: %d generations, %d pages, 4 times", GENS, PAGES);
    return 0;
}
