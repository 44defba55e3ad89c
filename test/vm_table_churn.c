/*
 * vm_table_churn: the page tables an unmap frees (a leaf table it leaves
 * empty, and the level-1 table above, after a flush of the whole ASID)
 * are made again and freed again, round after round, without a word lost
 * or a frame leaked, with every number of ASIDs (all, none: ASID 0 for
 * every space, one bit: a new generation at nearly every switch).
 *
 * For each width a worker (a fork child, so the runs start alike) grows
 * its heap to LOW pages below a 1 GiB boundary, then for ROUNDS rounds:
 * grows it HIGH pages past the boundary (a level-1 table and leaf tables
 * made), checks that the kept pages below hold the last round's words and
 * that the regrown ones read zero, stores a word in every page, every
 * third round forks a child, sleeps (so the worker may move to another
 * hart, whose entries of it the flush left to its next activation),
 * checks its words, and shrinks back to the boundary, in two steps (the
 * second frees the level-1 table). A child checks the fork's words,
 * stores its own (its leaf tables copied), sleeps, shrinks below the
 * boundary by three spans (holds on shared tables dropped, its own freed),
 * grows back and finds zeros. Once its children are gone and the heap is
 * back where it was, the worker's free frames are what they were.
 */
// test: debug timeout=120
#include "vmlib.h"

#define GIB (1L << 30)
#define GROW (128L << 20)
#define ROUNDS 20
#define LOW 256                 /* pages kept below the boundary */
#define HIGH 1024               /* pages grown past it */

static char *boundary;

/* A child: checks the fork's words, stores its own, shrinks below the
 * boundary and further, grows back, checks zeros. */
static void child(int round)
{
    char *lo = boundary - LOW * PAGE;
    if (check_pages(lo, LOW + HIGH, round) != 0)
        error("child %d: fork's words lost", round);
    write_pages(lo, LOW + HIGH, 1000 + round);
    msleep(1);
    heap_set_break(lo - 3 * (2L << 20));
    msleep(1);
    heap_set_break(boundary + HIGH * PAGE);
    for (long i = 0; i < LOW + HIGH; i += 7)
        if (*(volatile long *)(lo + i * PAGE) != 0)
            error("child %d: page %ld not zero after regrow", round, i);
}

/* One worker's rounds (the width it runs under is the caller's). */
static void churn(int bits)
{
    (void)bits;
    warm_up_stack();
    char *start = sbrk(0);
    boundary = (char *)(((long)start + GIB) & ~(GIB - 1));   /* its data page copied now */
    long before = free_pages();
    while ((char *)sbrk(0) + GROW < boundary - LOW * PAGE)
        if (sbrk(GROW) == (void *)ERR_NOMEM)
            error("grow");
    heap_set_break(boundary);
    char *lo = boundary - LOW * PAGE;
    int pids[ROUNDS];
    int n = 0;
    for (int r = 0; r < ROUNDS; r++) {
        heap_set_break(boundary + HIGH * PAGE);
        if (r > 0 && check_pages(lo, LOW, r - 1) != 0)
            error("round %d: kept pages lost", r);
        for (long i = LOW; i < LOW + HIGH; i += 5)
            if (*(volatile long *)(lo + i * PAGE) != 0)
                error("round %d: regrown page %ld not zero", r, i);
        write_pages(lo, LOW + HIGH, r);
        if (r % 3 == 0)
            pids[n++] = fork_worker(child, r);
        msleep(1 + r % 2);
        if (check_pages(lo, LOW + HIGH, r) != 0)
            error("round %d: words lost after fork", r);
        heap_set_break(boundary + (r % 5) * PAGE);
        heap_set_break(boundary);
    }
    for (int i = 0; i < n; i++)
        expect_exit(pids[i], 0);
    heap_set_break(start);
    long after = free_pages();
    if (after != before)
        error("free frames %ld, before %ld", after, before);
}

int main(void)
{
    for (int bits = -1; bits <= 1; bits++) {
        asid_limit(bits);        /* all, none (ASID 0 for all), one bit */
        int pid = fork_worker(churn, bits);
        expect_exit(pid, 0);
    }
    asid_limit(-1);
    pass("vm_table_churn");
    return 0;
}
