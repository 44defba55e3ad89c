/*
 * lowmem_fill CAP: run by the qemu_test_fifo scenario (test/run.py) on
 * `make qemu-test-low-mem`, whose kernel caps its frame allocator at CAP
 * frames (the mem= boot argument). Checks that the cap holds and that a
 * program can use nearly all of what is left: info() reports at most CAP
 * frames in all, a heap grown to all but a few of the free frames and
 * touched page by page works and leaves the total unchanged, and growing
 * it past the frames still free fails with ERR_NOMEM.
 */
// test: helper
#include "testlib.h"

#define PAGE 4096

/* The decimal number s, or -1 if s is not one. */
static long number(const char *s)
{
    long v = 0;
    if (!*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        v = v * 10 + (*s - '0');
    }
    return v;
}

int main(int argc, char **argv)
{
    long cap = argc == 2 ? number(argv[1]) : -1;
    if (cap <= 0)
        error("usage: lowmem_fill CAP (frames the kernel may hand out)");

    struct sys_info a, b;
    info(&a);
    if ((long)a.total_pages > cap)
        error("total_pages = %ld: more than the cap of %ld frames", (long)a.total_pages, cap);
    if (a.free_pages > a.total_pages)
        error("free_pages = %ld > total_pages = %ld", (long)a.free_pages, (long)a.total_pages);

    /* All but a few frames: page tables for the heap come out of them too. */
    long spare = 16 + (long)a.free_pages / 256;
    long want = (long)a.free_pages - spare;
    if (want <= 0)
        error("only %ld free frames", (long)a.free_pages);
    char *heap = sbrk(want * PAGE);
    if (heap == (char *)ERR_NOMEM)
        error("sbrk(%ld pages) with %ld frames free failed", want, (long)a.free_pages);
    for (long i = 0; i < want; i++)
        heap[i * PAGE] = (char)i;

    info(&b);
    expect(b.total_pages, a.total_pages);
    if ((long)b.free_pages > (long)a.free_pages - want)
        error("free_pages went from %ld to %ld after touching %ld pages",
              (long)a.free_pages, (long)b.free_pages, want);
    if (sbrk((int)((b.free_pages + 1) * PAGE)) != (void *)ERR_NOMEM)
        error("sbrk past the %ld free frames did not fail", (long)b.free_pages);
    for (long i = 0; i < want; i++)
        if (heap[i * PAGE] != (char)i)
            error("heap page %ld lost its content", i);

    pass("lowmem_fill: cap %ld frames, total_pages=%ld, free_pages=%ld at start, "
         "%ld filled, %ld left",
         cap, (long)a.total_pages, (long)a.free_pages, want, (long)b.free_pages);
    return 0;
}
