/*
 * hostile_share: fork's shared leaf tables (vpmap.h) when the parent
 * shrinks its heap inside a shared span before it touches the span again.
 *
 * The heap ends on a 2 MiB boundary, its last span whole; the parent
 * writes the first half of that span (tag 1) and forks, so the span's
 * table is shared, the parent's pointer to it detached and never
 * write-protected. The parent then gives back the last quarter of the
 * span (nothing mapped there, so no copy is needed) and writes the first
 * half again, by user stores (tag 2) and by a kernel store (read() into
 * the heap); the child, blocked meanwhile, must still see tag 1 and its
 * file bytes untouched, and its own stores must not reach the parent.
 * Before the fix the unmap attached the detached table as it was, W bits
 * and all: the parent's stores went straight into the child's frames.
 * Then the same with a quarter that was touched (the table is copied
 * before the unmap; with no frame for the copy, the shrink is ERR_NOMEM
 * and changes nothing).
 *
 * The same through shm_unmap: after a fork, a view placed in the free
 * part of the heap's shared span (one huge private file mapping filling
 * the space above, so the view lands just above the heap), unmapped
 * untouched; then mapped again, stored to, and a second fork while the
 * span holds heap, view and mapping: each process sees its own heap.
 *
 * Then a random walk, WALKS rounds (`hostile_share N` at the prompt: N):
 * a heap of a span and more, each page holding a known word, and a tree
 * of processes (forks two deep, three children each at most) that store
 * runs of pages, read() into a page (a kernel store), shrink and grow
 * the heap by any number of pages, fork (or fork_copy, which copies
 * every page) and check every page against what they stored, their
 * parent before the fork, or zero for pages grown since; a child whose
 * memory is wrong fails its parent. The walk found the bug above at once. The frames all
 * come back (the runner's check).
 */
// test: timeout=30
#include "vmlib.h"
#include <lib/bench.h>
#include <lib/layout.h>
#include <lib/mman.h>
#include <lib/string-ext.h>

#define SPAN (2L << 20)
#define SPAN_PAGES (SPAN / (long)PAGE)
#define HALF (SPAN_PAGES / 2)
#define KBYTES 100                     /* the kernel store's bytes, page 0 */
#define WALKS 3                        /* rounds of the random walk */
#define WALK_STEPS 60                  /* operations of each process */
#define WALK_PAGES (3 * SPAN_PAGES)    /* the most the heap grows to */
#define WALK_DEPTH 2
#define WALK_KIDS 3

/* Fork after writing pages [0, HALF) and touching [0, touched) of the
 * span at span, shrink the heap by a quarter span, write again: the child
 * sees only its own memory. */
static void shrink_after_fork(char *span, long touched, const char *what)
{
    write_pages(span, touched, 1);
    struct channel go, done;
    chan_open(&go);
    chan_open(&done);
    int pid = fork_ok();
    if (pid == 0) {
        chan_take(&go);
        long bad = check_pages(span, HALF, 1);
        for (int i = 8; i < KBYTES; i++)
            bad += span[i] != 0;
        write_pages(span, HALF, 3);
        chan_post(&done);
        exit((int)bad);
    }
    if (touched > SPAN_PAGES - SPAN_PAGES / 4) {
        /* The table must be copied first: with no frame for the copy,
         * ERR_NOMEM and nothing changed. */
        expect(kalloc_fail(1), 0);
        expect((long)sbrk(-(int)(SPAN / 4)), ERR_NOMEM);
        expect(kalloc_fail(0), 0);
        expect((long)sbrk(0), (long)(span + SPAN));
        expect(check_pages(span, touched, 1), 0);
    }
    expect((long)sbrk(-(int)(SPAN / 4)), (long)(span + SPAN));
    write_pages(span, HALF, 2);
    int fd = open_ok("/README", FS_RDONLY);
    expect(read(fd, span + 8, KBYTES - 8), KBYTES - 8);
    expect(close(fd), ERR_OK);
    chan_post(&go);
    chan_take(&done);
    int bad = wait_for(pid);
    if (bad)
        error("%s: the child saw %d of the parent's stores", what, bad);
    expect(check_pages(span, HALF, 2), 0);
    expect(span[8] != 0, 1);
    expect((long)sbrk((int)(SPAN / 4)), (long)(span + SPAN - SPAN / 4));
}

/* A shared view placed, after a fork, in the free part of a span the
 * fork shared (the rest of the space filled by one huge private file
 * mapping, so that the view lands just above the heap): unmapped
 * untouched, then mapped again and stored to, with a second fork while
 * the span holds the heap, the view and the mapping. Each process sees
 * its own heap, and the view is shared. */
static void view_in_shared_span(char *span)
{
    heap_pages(3 * SPAN_PAGES / 4);
    write_pages(span, HALF, 1);
    struct channel go;
    chan_open(&go);
    int pid = fork_ok();
    if (pid == 0) {
        chan_take(&go);
        exit((int)check_pages(span, HALF, 1));
    }
    char *end = span + 3 * SPAN / 4;       /* the heap's end, inside the span */
    size_t filler = USTACK_LOWERBOUND - PAGE - ((uintptr_t)end + 3 * PAGE);
    int fd = open_ok("/README", FS_RDONLY);
    char *big = NULL, *view = NULL;
    expect(mmap(fd, 0, filler, SHM_READ, MAP_PRIVATE, (void **)&big), ERR_OK);
    expect((long)big, (long)(end + 3 * PAGE));
    shm_destroy("hshare");
    expect(shm_create("hshare", PAGE, RS_DEFAULT), ERR_OK);
    expect(shm_map("hshare", (void **)&view, SHM_READ | SHM_WRITE), ERR_OK);
    expect((long)view, (long)(end + PAGE));  /* in the shared span */
    expect(shm_unmap("hshare", view), ERR_OK);
    write_pages(span, HALF, 2);
    expect(shm_map("hshare", (void **)&view, SHM_READ | SHM_WRITE), ERR_OK);
    expect((long)view, (long)(end + PAGE));
    *(volatile long *)view = 5;
    int pid2 = fork_ok();
    if (pid2 == 0) {
        long bad = check_pages(span, HALF, 2) + (*(volatile long *)view != 5);
        write_pages(span, HALF, 3);
        *(volatile long *)view = 6;
        exit((int)bad);
    }
    expect(wait_for(pid2), 0);
    expect(check_pages(span, HALF, 2), 0);
    expect(*(volatile long *)view, 6);
    expect(shm_unmap("hshare", view), ERR_OK);
    expect(shm_destroy("hshare"), ERR_OK);
    expect(munmap(big, filler), ERR_OK);
    expect(close(fd), ERR_OK);
    chan_post(&go);
    int bad = wait_for(pid);
    if (bad)
        error("a view in a shared span: the child saw %d of the parent's stores", bad);
}

static char *base;                     /* the walk's heap, span aligned */
static long npages;                    /* its pages, up to the break */
static long want[WALK_PAGES];          /* the word each page must hold (0: grown since) */
static uint64_t rs;                    /* this process's random state */
static long readme_word;               /* /README's first 8 bytes */

static uint64_t walk_rnd(void)
{
    rs ^= rs << 13;
    rs ^= rs >> 7;
    rs ^= rs << 17;
    return rs;
}

/* Pages of the heap that do not hold their word. */
static long walk_check(void)
{
    long bad = 0;
    for (long i = 0; i < npages; i++)
        bad += *(volatile long *)(base + i * PAGE) != want[i];
    return bad;
}

/* One process of the walk, id naming it in the tree; returns when its
 * steps are done and its children reaped. */
static void walk(long id, int depth)
{
    int kids[WALK_KIDS], nk = 0;
    for (int s = 0; s < WALK_STEPS; s++) {
        switch (walk_rnd() % 7) {
        case 0:
        case 1: {                      /* store a run of pages */
            long a = npages ? (long)(walk_rnd() % npages) : 0, n = 1 + walk_rnd() % 64;
            for (long i = a; i < a + n && i < npages; i++) {
                want[i] = (id << 32) | ((long)s << 16) | i;
                *(volatile long *)(base + i * PAGE) = want[i];
            }
            break;
        }
        case 2: {                      /* shrink */
            long k = (long)(walk_rnd() % (npages / 2 + 1));
            if (sbrk(-(int)(k * PAGE)) == (void *)ERR_NOMEM)
                error("walker %ld: sbrk(-%ld pages) = ERR_NOMEM", id, k);
            npages -= k;
            break;
        }
        case 3: {                      /* grow: zero pages (no frame left: skipped) */
            long k = (long)(walk_rnd() % (WALK_PAGES - npages + 1));
            if (sbrk((int)(k * PAGE)) == (void *)ERR_NOMEM)
                break;
            for (long i = npages; i < npages + k; i++)
                want[i] = 0;
            npages += k;
            break;
        }
        case 5: {                      /* a kernel store: read() into a page */
            if (!npages)
                break;
            long i = (long)(walk_rnd() % npages);
            int fd = open_ok("/README", FS_RDONLY);
            expect(read(fd, base + i * PAGE, sizeof(long)), sizeof(long));
            expect(close(fd), ERR_OK);
            want[i] = readme_word;
            break;
        }
        case 4: {                      /* fork: the child walks on from here */
            if (depth == WALK_DEPTH || nk == WALK_KIDS)
                break;
            int pid = walk_rnd() % 4 ? fork() : fork_copy();   /* fork_copy: no sharing */
            if (pid < 0)
                error("walker %ld: fork = %d", id, pid);
            if (pid == 0) {
                id = id * 10 + nk + 1;
                depth++;
                rs ^= (uint64_t)id * 0x9e3779b97f4a7c15UL;
                nk = 0;
                break;
            }
            kids[nk++] = pid;
            break;
        }
        default: {
            long bad = walk_check();
            if (bad)
                error("walker %ld, step %d: %ld pages wrong", id, s, bad);
        }
        }
    }
    long bad = walk_check();
    if (bad)
        error("walker %ld at its end: %ld pages wrong", id, bad);
    for (int k = 0; k < nk; k++)
        if (wait_for(kids[k]) != 0)
            error("walker %ld: its child %d failed", id, kids[k]);
}

/* rounds walks from a heap of a span and 300 pages, each word known. */
static void random_walks(char *span, long rounds)
{
    base = span;
    char text[sizeof(long) + 1];
    expect(read_file("/README", text, sizeof(text)), sizeof(long));
    memcpy(&readme_word, text, sizeof(long));
    for (long r = 0; r < rounds; r++) {
        rs = 0x12345 + (uint64_t)r * 7919;
        npages = SPAN_PAGES + 300;
        heap_pages(npages);
        for (long i = 0; i < npages; i++) {
            want[i] = i + 1;
            *(volatile long *)(base + i * PAGE) = want[i];
        }
        int pid = fork_ok();
        if (pid == 0) {
            walk(1, 0);
            exit(0);
        }
        if (wait_for(pid) != 0)
            error("random walk %ld failed", r);
        heap_set_break(base);
    }
}

int main(int argc, char **argv)
{
    long rounds = argc > 1 ? atoi(argv[1]) : WALKS;
    char *brk = sbrk(0);
    long pad = (long)(-(uintptr_t)brk & (SPAN - 1));
    if (pad)
        heap_pages(pad / (long)PAGE);
    char *span = heap_pages(SPAN_PAGES);
    if ((uintptr_t)span & (SPAN - 1))
        error("the heap's span at %p is not 2 MiB aligned", span);
    shrink_after_fork(span, HALF, "an untouched quarter given back");
    memset(span, 0, SPAN);
    shrink_after_fork(span, SPAN_PAGES, "a touched quarter given back");
    heap_set_break(span);
    view_in_shared_span(span);
    heap_set_break(span);
    random_walks(span, rounds);
    heap_set_break(brk);
    pass("hostile_share");
    return 0;
}
