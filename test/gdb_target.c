/*
 * gdb_target: the user program test/gdb_pagefault.py stops in gdb. It
 * grows its heap with sbrk (no frame yet) and writes the first new page,
 * which takes a store page fault that the fault path fills from the heap
 * memregion; gdb's pfstop must show exactly that.
 */
// test: helper

#include <lib/stdio.h>
#include <lib/test.h>
#include <lib/usyscall.h>

int main(void)
{
    char *p = sbrk(4096);
    assert(p != (char *)ERR_NOMEM);
    printf("gdb_target: writing %p\n", p);
    p[0] = 42;
    assert(p[0] == 42);
    pass("gdb_target");
    return 0;
}
