/*
 * mmap_cut.h: the file both halves of the mmap_persist scenario's power cut
 * (mmap_cut_write, mmap_cut_check) agree on, and the check of its content. The pattern and
 * the check are mmap_persist.h's.
 */
#ifndef _TEST_MMAP_CUT_H_
#define _TEST_MMAP_CUT_H_

#include "mmap_persist.h"

#define CUT_PATH "/cut.dat"
#define CUT_SIZE (2 * 4096 + 100)

/* Every change that must be in the file after the power cut. */
static inline void cut_expect(const char *buf, const char *when)
{
    const struct persist_change changes[] = {
        { 100, "UNMAPPED", "a MAP_SHARED store whose munmap returned" },
        { 4096 - 3, "EXITED-ACROSS", "a MAP_SHARED store of a child reaped (across two pages)" },
        { 2 * 4096 + 10, "WRITTEN", "a write() that returned after the stores" },
    };
    expect_changes(buf, CUT_SIZE, changes, sizeof(changes) / sizeof(changes[0]), when,
                   "a byte changed for no reason");
}

#endif /* _TEST_MMAP_CUT_H_ */
