/*
 * harts_many: a machine of 12 harts, more than the 8 the kernel once
 * stopped at, boots with every hart up (the runner counts the kernel's
 * `[hart N] up` lines before the first prompt; it used to keep the first
 * 8 hart ids, and panic when OpenSBI booted on hart 8 or above) and runs
 * work on all of them: PAIRS pairs of processes play ping-pong through
 * pipes, so threads keep sleeping and waking, and the scheduler keeps
 * waking idle harts, those with ids of 8 and above included, by IPI.
 * VOLLEYS is 50: 600 round trips in all, each pair about one hand-off
 * between harts per volley; more (there were 200) only repeat them.
 */
// test: cpus=12 timeout=60
#include "testlib.h"

#define PAIRS 12
#define VOLLEYS 50

/* One side of a pair: sends a byte on out, expects it back on in. */
static void play(int in, int out, bool serve)
{
    for (int v = 0; v < VOLLEYS; v++) {
        char c = (char)v;
        if (serve)
            expect(write(out, &c, 1), 1);
        char got = 0;
        expect(read(in, &got, 1), 1);
        if (got != (char)v)
            error("volley %d: got %d", v, got);
        if (!serve)
            expect(write(out, &c, 1), 1);
    }
}

static int ab[PAIRS][2], ba[PAIRS][2];    /* pipes of pair p: a to b, b to a */

static void side_a(int p)
{
    play(ba[p][0], ab[p][1], true);
}

static void side_b(int p)
{
    play(ab[p][0], ba[p][1], false);
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    int pids[2 * PAIRS];
    for (int p = 0; p < PAIRS; p++) {
        expect(pipe(ab[p]), ERR_OK);
        expect(pipe(ba[p]), ERR_OK);
        pids[2 * p] = fork_worker(side_a, p);
        pids[2 * p + 1] = fork_worker(side_b, p);
        for (int i = 0; i < 2; i++) {
            close(ab[p][i]);
            close(ba[p][i]);
        }
    }
    for (int i = 0; i < 2 * PAIRS; i++)
        expect_exit(pids[i], 0);
    pass("harts_many: %d pairs x %d volleys on 12 harts", PAIRS, VOLLEYS);
    return 0;
}
