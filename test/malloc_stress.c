/*
 * malloc_stress: malloc and free over the lazily backed heap, many times.
 *
 * Rounds of allocations of mixed sizes (16 bytes to 64 KiB, and a few of
 * hundreds of KiB), each filled with a pattern naming its slot, freed in a
 * scrambled order with checks that no block was overwritten by another
 * (which would mean overlapping blocks or a broken free list). When
 * everything is freed, the list merges back into one free block, so a
 * second identical round must fit without moving the break. A forked
 * child then mallocs, frees and scribbles on the copy-on-write heap while
 * the parent's blocks must stay intact. Finally every block is freed and
 * the break is given back with sbrk; the frames return (runner's check).
 *
 * First, a thousand 4000-byte blocks must pack the heap (no sliver
 * left per page: malloc.c).
 *
 * SAME_ROUNDS is 2: every identical round starts from the same single free
 * block and makes the same calls, so a third proves nothing the second did
 * not (each is ~8 byte-by-byte checks of ~5 MB); the CHURN_ROUNDS of mixed
 * frees and allocations each draw new sizes.
 */
// test: timeout=60
#include "vmlib.h"
#include <lib/malloc.h>

#define SLOTS 400
#define SAME_ROUNDS 2            /* identical rounds after the first (see above) */
#define CHURN_ROUNDS 6

#define PACKED 1000              /* blocks of the packing check */

static char *block[SLOTS];
static char *packed[PACKED];
static size_t size_of[SLOTS];
static unsigned long rng = 12345;

static unsigned long next_random(void)
{
    rng = rng * 6364136223846793005UL + 1442695040888963407UL;
    return rng >> 33;
}

static size_t pick_size(int slot)
{
    if (slot % 97 == 5)
        return 200 * 1024 + slot;                   /* a few large ones: ~50 pages */
    switch (next_random() % 4) {
    case 0: return 1 + next_random() % 32;
    case 1: return 16 + next_random() % 512;
    case 2: return 512 + next_random() % 4096;
    default: return 4096 + next_random() % (64 * 1024);
    }
}

static char pattern(int slot, size_t i) { return (char)(slot * 31 + i * 7 + 1); }

static void fill(int slot)
{
    for (size_t i = 0; i < size_of[slot]; i++)
        block[slot][i] = pattern(slot, i);
}

static void check(int slot)
{
    for (size_t i = 0; i < size_of[slot]; i++)
        if (block[slot][i] != pattern(slot, i))
            error("block %d (%ld bytes at %p) byte %ld overwritten", slot,
                  (long)size_of[slot], block[slot], (long)i);
}

static void allocate_all(void)
{
    for (int s = 0; s < SLOTS; s++) {
        size_of[s] = pick_size(s);
        block[s] = malloc(size_of[s]);
        if (!block[s])
            error("malloc(%ld) for slot %d = NULL", (long)size_of[s], s);
        if ((uintptr_t)block[s] & 15)
            error("malloc(%ld) = %p: not 16-byte aligned", (long)size_of[s], block[s]);
        fill(s);
    }
}

/* Frees every block in a scrambled order, checking the survivors now and then. */
static void free_all(void)
{
    int order[SLOTS];
    for (int s = 0; s < SLOTS; s++)
        order[s] = s;
    for (int s = SLOTS - 1; s > 0; s--) {
        int j = next_random() % (s + 1), t = order[s];
        order[s] = order[j];
        order[j] = t;
    }
    for (int k = 0; k < SLOTS; k++) {
        int s = order[k];
        check(s);
        free(block[s]);
        block[s] = NULL;
        if (k % 50 == 0)
            for (int t = 0; t < SLOTS; t++)
                if (block[t])
                    check(t);
    }
}

/* Frees half, reallocates them with new sizes: holes of every size get reused. */
static void churn(void)
{
    for (int s = 0; s < SLOTS; s += 2) {
        check(s);
        free(block[s]);
    }
    for (int s = 0; s < SLOTS; s += 2) {
        size_of[s] = pick_size(s);
        block[s] = malloc(size_of[s]);
        if (!block[s])
            error("malloc(%ld) after frees = NULL", (long)size_of[s]);
        fill(s);
    }
    for (int s = 0; s < SLOTS; s++)
        check(s);
}

static int child_scribbles(void)
{
    /* The child's own malloc state is a copy: use it freely. */
    churn();
    for (int s = 1; s < SLOTS; s += 2) {
        memset(block[s], 0x5a, size_of[s]);
        fill(s);
    }
    free_all();
    char *big = malloc(1 << 20);
    if (!big)
        return 1;
    memset(big, 1, 1 << 20);
    free(big);
    return 0;
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    char *start = sbrk(0);

    /* Same-size blocks of just under a page pack the heap: each growth
     * merges with the rest of the last one (blocks cut from the tail left
     * a sliver per page that every later malloc walked past). */
    for (int i = 0; i < PACKED; i++)
        packed[i] = malloc(4000);
    long used = (char *)sbrk(0) - start, need = PACKED * (4000 + 16L);
    if (used > need + (long)PAGE)
        error("%d blocks of 4000 bytes took %ld bytes of heap, expected at most %ld",
              PACKED, used, need + (long)PAGE);
    for (int i = 0; i < PACKED; i++)
        free(packed[i]);

    unsigned long saved = rng;
    allocate_all();
    free_all();
    char *high = sbrk(0);
    for (int r = 0; r < SAME_ROUNDS; r++) {
        rng = saved;                 /* the same sizes as the first round */
        allocate_all();
        if ((char *)sbrk(0) != high)
            error("round %d: the same allocations moved the break from %p to %p: "
                  "freed memory is not reused", r, high, sbrk(0));
        free_all();
    }
    printf("malloc_stress: %d rounds of %d blocks in %ld KiB of heap\n", SAME_ROUNDS + 1, SLOTS,
           (long)(high - start) / 1024);

    /* Mixed frees and allocations. */
    rng = 777;
    allocate_all();
    for (int r = 0; r < CHURN_ROUNDS; r++)
        churn();

    /* A child's malloc and writes do not reach our blocks. */
    expect(child_status(child_scribbles), 0);
    for (int s = 0; s < SLOTS; s++)
        check(s);

    /* malloc(0) gives distinct blocks; free(NULL) is harmless. */
    char *z1 = malloc(0), *z2 = malloc(0);
    assert(z1 && z2 && z1 != z2);
    free(z1);
    free(z2);
    free(NULL);

    free_all();
    /* Give the heap back (no malloc after this): with every page touched,
     * exactly one frame per heap page returns at once, and one per page
     * table left empty. */
    char *end = sbrk(0);
    long pages = (end - start + PAGE - 1) / PAGE;  /* the break's page too */
    memset(start, 0, end - start);
    long f = free_pages();
    heap_set_break(start);
    expect(free_pages() - f, pages + spans_from(start, end));

    pass("malloc_stress");
    return 0;
}
