/*
 * mmap_persist.h: the file both halves of the mmap_persist scenario
 * (mmap_persist_write, mmap_persist_check) agree on: its path, size and
 * pattern, where each change goes, and the check of its whole content.
 */
#ifndef _TEST_MMAP_PERSIST_H_
#define _TEST_MMAP_PERSIST_H_

#include "testlib.h"

#define PERSIST_PATH "/persist.dat"
#define PERSIST_SIZE (3 * 4096 + 100)          /* pages 0..3, the last one partly */
#define TAIL "TAIL-APPENDED-BY-WRITE"           /* (g) */
#define TAIL_LEN ((int)sizeof(TAIL) - 1)

#define AT_A 10
#define AT_SPAN (4096 - 4)
#define AT_B (2 * 4096 + 20)
#define AT_C (3 * 4096 + 50)
#define AT_D1 30
#define AT_D2 (3 * 4096 + 40)
#define AT_F (3 * 4096 + 70)
#define AT_H1 (2 * 4096 + 300)
#define AT_H2 (2 * 4096 + 400)
#define AT_H3 (2 * 4096 + 500)
#define AT_BEYOND (PERSIST_SIZE + 50)           /* past the end even with the tail */
static const int AT_E[3] = { 200, 4096 + 200, 2 * 4096 + 200 };

static inline char pattern(size_t i)
{
    return (char)('a' + i % 26);
}

struct persist_change {
    int at;
    const char *text;
    const char *what;
};

/* Checks the first size bytes of buf: each byte is the pattern's, or, in
 * one of the n changes, that change's text (a later change wins where two
 * overlap); a differing byte is an error naming the change, or other. */
static inline void expect_changes(const char *buf, int size, const struct persist_change *changes,
                                  int n, const char *when, const char *other)
{
    for (int i = 0; i < size; i++) {
        char want = pattern(i);
        const char *what = other;
        for (int k = 0; k < n; k++)
            if (i >= changes[k].at && i < changes[k].at + (int)strlen(changes[k].text)) {
                want = changes[k].text[i - changes[k].at];
                what = changes[k].what;
            }
        if (buf[i] != want)
            error("%s: byte %d is %d, expected %d: %s", when, i, buf[i], want, what);
    }
}

/* Every change that must be in the file; nothing else may differ from the
 * pattern (the MAP_PRIVATE stores, the store past the end). */
static inline void persist_expect(const char *buf, const char *when)
{
    const struct persist_change changes[] = {
        { AT_A, "SHARED-A", "(a) a MAP_SHARED store before munmap" },
        { AT_SPAN, "SPANS-PAGES", "(a) a MAP_SHARED store across two pages" },
        { AT_B, "SHARED-B", "(b) a MAP_SHARED store by a process that exited" },
        { AT_C, "SHARED-C", "(c) a MAP_SHARED store still mapped at halt" },
        { AT_E[0], "WRITE-E", "(e) a write() into a page mappings only read" },
        { AT_E[1], "WRITE-E", "(e) a write() into a page mappings only read" },
        { AT_E[2], "WRITE-E", "(e) a write() into a page mappings only read" },
        { AT_F, "WRITE-F", "(f) a write() into a page a live mapping dirtied" },
        { PERSIST_SIZE, TAIL, "(g) bytes appended by write() while mapped" },
        { AT_H1, "H-EARLY", "(h) a store before another view's write-back" },
        { AT_H2, "P-STORE", "(h) the other view's store, written back by its munmap" },
        { AT_H3, "H-LATE", "(h) a store after another view's write-back" },
    };
    expect_changes(buf, PERSIST_SIZE + TAIL_LEN, changes, sizeof(changes) / sizeof(changes[0]),
                   when, "(d) a MAP_PRIVATE store reached the file, or a byte changed for no reason");
}

/* The check half of a reboot test: path, written by the program writer
 * before the halt, must be size bytes that check (persist_expect or the
 * like) accepts; buf holds max bytes. The file is removed after. */
static inline void check_after_reboot(const char *path, int size, char *buf, size_t max,
                                      void (*check)(const char *buf, const char *when),
                                      const char *writer)
{
    int fd = open(path, FS_RDONLY, EMPTY_MODE);
    if (fd == ERR_NOTEXIST)
        error("%s is absent: run %s, halt, and boot the same image first", path, writer);
    expect(close(fd), ERR_OK);
    expect(stat_of(path).size, size);
    expect(read_file(path, buf, max), size);
    check(buf, "after the reboot");
    remove_file(path);
}

#endif /* _TEST_MMAP_PERSIST_H_ */
