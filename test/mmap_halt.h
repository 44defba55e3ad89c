/*
 * mmap_halt.h: the file both halves of the mmap_halt scenario
 * (mmap_halt_write, mmap_halt_check) agree on: its path and sizes, where
 * each change goes (mmap_halt_write.c says how each is made), and the
 * check of its whole content. The pattern and the check are
 * mmap_persist.h's.
 */
#ifndef _TEST_MMAP_HALT_H_
#define _TEST_MMAP_HALT_H_

#include "mmap_persist.h"

#define HALT_PATH "/halt.dat"
#define HALT_SIZE (2 * 4096 + 100)     /* pages 0..2, the last one partly */
#define HALT_GROW 2000                 /* (g) appended by write() while mapped */
#define HALT_MAP (3 * 4096)            /* every mapping's length */

/* Every change that must be in the file (before the halt and after the
 * reboot); every other byte is the pattern's. */
static inline void halt_expect(const char *buf, const char *when)
{
    const struct persist_change changes[] = {
        { 100, "KILLED-REAPED", "(k) a store by a process killed and reaped" },
        { 4096 + 100, "KILLED-ZOMBIE", "(k) a store by a process killed just before the halt" },
        { 300, "WRITE-SECOND", "(w) a write() after a store at the same bytes" },
        { 600, "MAP-SECOND!", "(w) a store after a write() at the same bytes" },
        { 900, "FORKCHILD", "(f) a fork child's store to a page its parent only read" },
        { 4096 + 900, "FORK-GC-LIVE", "(f) a live fork child's store to a page its parent dirtied" },
        { 4096 + 1200, "FORK-PARENT", "(f) the parent's store, live at halt" },
        { 1200, "TWO-B-STORE", "(t) the later of two processes' stores at the same bytes" },
        { 2 * 4096 + 300, "GROWN", "(g) a store into bytes write() grew the file over" },
    };
    expect_changes(buf, HALT_SIZE + HALT_GROW, changes, sizeof(changes) / sizeof(changes[0]),
                   when, "a byte changed for no reason (or the store past the old end survived)");
}

#endif /* _TEST_MMAP_HALT_H_ */
