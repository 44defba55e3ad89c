/*
 * vmlib.h: helpers the address-space tests and benchmarks share, on top of
 * testlib.h (expect, access_address, expect_killed, child_status, ...).
 * Header-only like testlib.h: include it as "vmlib.h".
 *
 *   PAGE                      4096 (user headers must not define PG_SIZE)
 *   sysinfo()                 a filled struct sys_info
 *   vm_now()                  a filled struct vm_info (vminfo must succeed)
 *   free_pages(), pgfaults(), cow_copies()   one field of it
 *   heap_pages(n)             n fresh pages at the break (the break is first
 *                             rounded up to a page boundary), or the test fails
 *   heap_set_break(p)         moves the break back (or on) to p
 *   spans_from(lo, hi)        the leaf tables a shrink of the heap from hi
 *                             down to lo gives back: the 2 MiB spans that
 *                             begin at or above lo's page and below hi (a
 *                             table an unmap leaves empty is freed, vpmap.h),
 *                             when each held a touched page and the page
 *                             below lo is in use
 *   sbrk_changes_nothing(inc, want, what)   sbrk(inc) returns want and
 *                             moves neither the break nor the free frames;
 *   sbrk_fails(inc, what)     the same with want (void *)ERR_NOMEM
 *   write_pages(p, n, tag)    stores a word naming (tag, page) in each page
 *   check_pages(p, n, tag)    how many pages do not hold (tag, page); 0 is good
 *   struct channel            a pipe used as a one-byte semaphore between a
 *                             parent and a child: chan_open, chan_post, chan_take
 *   measure_pages(p, n, write, tag)   reads or writes (write_pages' words)
 *                             n pages between two info() calls: a struct
 *                             fault_window with the faults, copy-on-write
 *                             copies, frames and leaf-table copies the loop
 *                             took, and the 2 MiB spans it touched
 *   warm_up_stack()           writes the stack: 4 KiB below the caller and
 *                             every page above, and runs measure_pages once
 *   expect_window(w, faults, copies, frames, who, n)
 *
 * A note on counting faults: num_pgfault is global (every process, every
 * cause), and after fork every page of the parent is read-only, stack
 * included, so any store to a page not yet written since the fork takes a
 * fault. A test that counts faults exactly calls warm_up_stack() after
 * fork (so the stack it will use is already private and writable) and
 * makes sure the other processes are blocked (on a channel, or in wait)
 * while it measures.
 *
 * Fork shares the leaf page table of each 2 MiB span of private anonymous
 * memory (lib/vm-ext.h, docs/memory.md): the first touch of such a span
 * may take one fault more (the table is attached), and the first store
 * there copies the table (one frame more, counted in table_copies).
 * expect_window allows exactly that: at most one fault more per span
 * touched, and one frame more per table copied in the window.
 */
#ifndef _TEST_VMLIB_H_
#define _TEST_VMLIB_H_

#include "testlib.h"
#include <lib/vm-ext.h>

#define PAGE 4096UL

static inline struct sys_info sysinfo(void)
{
    struct sys_info si;
    memset(&si, 0, sizeof(si));
    info(&si);
    return si;
}

static inline struct vm_info vm_now(void)
{
    struct vm_info vi;
    memset(&vi, 0, sizeof(vi));
    expect(vminfo(&vi), ERR_OK);
    return vi;
}

static inline long free_pages(void) { return (long)sysinfo().free_pages; }
static inline long pgfaults(void) { return (long)sysinfo().num_pgfault; }
static inline long cow_copies(void) { return (long)sysinfo().cow_copies; }

/* n fresh pages at the break, page aligned. */
static inline char *heap_pages(long n)
{
    char *brk = sbrk(0);
    long pad = (long)(-(uintptr_t)brk & (PAGE - 1));
    if (pad && sbrk((int)pad) == (void *)ERR_NOMEM)
        error("sbrk(%ld) to align the break failed", pad);
    char *p = sbrk((int)(n * PAGE));
    if (p == (char *)ERR_NOMEM)
        error("sbrk(%ld pages) = ERR_NOMEM", n);
    if ((uintptr_t)p & (PAGE - 1))
        error("heap_pages: break %p not page aligned", p);
    return p;
}

/* Moves the break to p (shrinking frees the pages beyond it). */
static inline void heap_set_break(char *p)
{
    char *brk = sbrk(0);
    long delta = p - brk;
    while (delta != 0) {
        long step = delta;
        if (step > 0x40000000L)
            step = 0x40000000L;
        if (step < -0x40000000L)
            step = -0x40000000L;
        if (sbrk((int)step) == (void *)ERR_NOMEM)
            error("sbrk(%ld) moving the break from %p to %p failed", step, brk, p);
        delta -= step;
    }
}

#define SPAN_BYTES (2UL << 20)            /* what one leaf table maps */

static inline long spans_from(const char *lo, const char *hi)
{
    uintptr_t page = ((uintptr_t)lo + PAGE - 1) & ~(PAGE - 1);
    uintptr_t first = (page + SPAN_BYTES - 1) & ~(SPAN_BYTES - 1);
    return first < (uintptr_t)hi ? (long)(((uintptr_t)hi - first + SPAN_BYTES - 1) / SPAN_BYTES) : 0;
}

/* sbrk(increment) must return want (ERR_NOMEM, or the break) and change
 * nothing: the break and the free frames stay as they were. */
static inline void sbrk_changes_nothing(long increment, void *want, const char *what)
{
    char *brk = sbrk(0);
    long f = free_pages();
    void *got = sbrk((int)increment);
    if (got != want)
        error("%s: sbrk(%ld) = %p, expected %p", what, increment, got, want);
    if ((char *)sbrk(0) != brk)
        error("%s: sbrk(%ld) moved the break from %p to %p", what, increment, brk, sbrk(0));
    if (free_pages() != f)
        error("%s: sbrk(%ld): free_pages %ld -> %ld", what, increment, f, free_pages());
}

static inline void sbrk_fails(long increment, const char *what)
{
    sbrk_changes_nothing(increment, (void *)ERR_NOMEM, what);
}

/* The word page i of a region tagged tag holds. */
static inline long page_word(int tag, long i) { return ((long)tag << 32) | (i + 1); }

static inline void write_pages(char *p, long n, int tag)
{
    for (long i = 0; i < n; i++)
        *(volatile long *)(p + i * PAGE) = page_word(tag, i);
}

static inline long check_pages(char *p, long n, int tag)
{
    long bad = 0;
    for (long i = 0; i < n; i++)
        if (*(volatile long *)(p + i * PAGE) != page_word(tag, i))
            bad++;
    return bad;
}

/* A pipe as a semaphore: chan_post writes a byte, chan_take reads one
 * (blocking). Both ends stay open in both processes, so close them after. */
struct channel {
    int fds[2];
};

static inline void chan_open(struct channel *c)
{
    int r = pipe(c->fds);
    if (r != ERR_OK)
        error("pipe = %d", r);
}

static inline void chan_post(struct channel *c)
{
    char b = 'x';
    ssize_t r = write(c->fds[1], &b, 1);
    if (r != 1)
        error("chan_post: write = %ld", (long)r);
}

static inline void chan_take(struct channel *c)
{
    char b = 0;
    ssize_t r = read(c->fds[0], &b, 1);
    if (r != 1)
        error("chan_take: read = %ld", (long)r);
}

static inline void chan_close(struct channel *c)
{
    close(c->fds[0]);
    close(c->fds[1]);
}

struct fault_window {
    long faults, copies, frames;       /* taken, made, used */
    long tables, spans;                /* leaf tables copied; 2 MiB spans touched */
};

/* Reads (write == 0) or writes the first word of n pages at p between two
 * info() calls, whose structs are written first so that info's copy-out
 * takes no fault inside the window. */
__attribute__((noinline, unused)) static struct fault_window
measure_pages(char *p, long n, int write, int tag)
{
    struct sys_info a, b;
    struct vm_info va, vb;
    memset(&a, 0, sizeof(a));
    memset(&b, 0, sizeof(b));
    memset(&va, 0, sizeof(va));
    memset(&vb, 0, sizeof(vb));
    long sum = 0;
    vminfo(&va);
    info(&a);
    if (write)
        for (long i = 0; i < n; i++)
            *(volatile long *)(p + i * PAGE) = page_word(tag, i);
    else
        for (long i = 0; i < n; i++)
            sum += *(volatile long *)(p + i * PAGE);
    info(&b);
    vminfo(&vb);
    *(volatile long *)&sum = sum;
    uintptr_t span = 2UL << 20;
    struct fault_window w = {
        .faults = (long)(b.num_pgfault - a.num_pgfault),
        .copies = (long)(b.cow_copies - a.cow_copies),
        .frames = (long)a.free_pages - (long)b.free_pages,
        .tables = (long)(vb.table_copies - va.table_copies),
        .spans = n ? (long)(((uintptr_t)p + (n - 1) * PAGE) / span - (uintptr_t)p / span + 1) : 0,
    };
    return w;
}

/* Makes every stack page this process will use next private and
 * writable: 4 KiB below the caller, and each page from there up to the
 * top of the stack (its first word written back with its own value: the
 * callers' frames are live). Then runs measure_pages once. */
__attribute__((noinline, unused)) static void warm_up_stack(void)
{
    volatile char pad[4096];
    for (unsigned i = 0; i < sizeof(pad); i += 64)
        pad[i] = 1;
    for (uintptr_t p = (uintptr_t)pad & ~(PAGE - 1); p < USTACK_UPPERBOUND; p += PAGE) {
        volatile long *word = (volatile long *)p;
        *word = *word;
    }
    char dummy[8];
    measure_pages(dummy, 0, 0, 0);
}

static inline void expect_window(struct fault_window w, long faults, long copies, long frames,
                                 const char *who, long n)
{
    if (w.faults < faults || w.faults > faults + w.spans || w.copies != copies ||
        w.tables > w.spans || w.frames != frames + w.tables)
        error("%s (%ld pages): %ld faults, %ld copies, %ld frames (%ld tables copied); "
              "expected %ld (+ up to %ld), %ld, %ld (+ tables)", who, n, w.faults, w.copies,
              w.frames, w.tables, faults, w.spans, copies, frames);
}

#endif /* _TEST_VMLIB_H_ */
