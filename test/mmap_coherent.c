/*
 * mmap_coherent: a file's mappings and read()/write() see one copy of its
 * bytes, and a shared mapping writes back only the pages it stored to,
 * never past the end of the file (filemap.h):
 *   - write() is seen at once by a live shared mapping, and by mappings
 *     (shared or private) made after it;
 *   - read() sees a shared mapping's stores at once, without munmap;
 *   - a writable shared mapping that never stored writes nothing back: its
 *     munmap, or its exit in another process, leaves a newer write() alone;
 *   - bytes write() appends while the file is mapped survive the mapping's
 *     write-back, and the mapping sees them; its own stores past the end
 *     never reach the file;
 *   - a page stored through two views stays dirty until both are gone: a
 *     store made after the first view's write-back (through a view that
 *     fork gave the child) still reaches the file;
 *   - four processes on the same pages at once, each changing its own
 *     stripes by write(), through a mapping it keeps and through mappings
 *     it makes and unmaps, always read their own last bytes (read() and
 *     the kept mapping), and find them in the file at the end.
 * The halt side (only dirty pages written back, write()s kept) is the
 * mmap_persist scenario.
 */
#include "shmlib.h"
#include <lib/mman.h>

#define PATH "/coherent.dat"
#define FSIZE (2 * PAGE + 100)

static char content(size_t i)
{
    return (char)('a' + i % 26);
}

static void make_data(size_t size)
{
    make_file_of(PATH, size, content);
}

/* The whole file by read(); returns its size. */
static size_t file_now(char *buf)
{
    return read_file(PATH, buf, FSIZE + PAGE);
}

static char *map_file(int fd, size_t len, int prot, int flags)
{
    char *a = NULL;
    int r = mmap(fd, 0, len, prot, flags, (void **)&a);
    if (r != ERR_OK)
        error("mmap(fd %d, len %ld, prot %d, flags %d) = %d", fd, (long)len, prot, flags, r);
    return a;
}

/* A fresh data file, open read-write in *fd and mapped shared, writable. */
static char *fresh_mapping(int *fd)
{
    make_data(FSIZE);
    *fd = open_ok(PATH, FS_RDWR);
    return map_file(*fd, 3 * PAGE, SHM_READ | SHM_WRITE, MAP_SHARED);
}

static void write_seen_by_mappings(void)
{
    int fd;
    char *live = fresh_mapping(&fd);
    expect(live[100], content(100));                    /* page 0 is in the cache */
    expect(live[PAGE + 7], content(PAGE + 7));          /* and page 1 */
    write_at(PATH, 100, "NEW-DATA", 8);
    write_at(PATH, PAGE + 4090, "ACROSS-PAGES", 12);
    assert(memcmp(live + 100, "NEW-DATA", 8) == 0);     /* the live mapping */
    assert(memcmp(live + PAGE + 4090, "ACROSS-PAGES", 12) == 0);
    char *later = map_file(fd, PAGE, SHM_READ, MAP_SHARED);
    assert(memcmp(later + 100, "NEW-DATA", 8) == 0);    /* a mapping made after */
    char *copy = map_file(fd, PAGE, SHM_READ | SHM_WRITE, MAP_PRIVATE);
    assert(memcmp(copy + 100, "NEW-DATA", 8) == 0);     /* a private one too */
    expect(munmap(copy, PAGE), ERR_OK);
    expect(munmap(later, PAGE), ERR_OK);
    expect(munmap(live, 3 * PAGE), ERR_OK);
    expect(close(fd), ERR_OK);
    static char buf[FSIZE + PAGE];
    expect(file_now(buf), FSIZE);
    assert(memcmp(buf + 100, "NEW-DATA", 8) == 0);
    assert(memcmp(buf + PAGE + 4090, "ACROSS-PAGES", 12) == 0);
    remove_file(PATH);
}

static void read_sees_stores(void)
{
    int fd;
    char *m = fresh_mapping(&fd);
    m[200] = 'S';
    memcpy(m + PAGE - 3, "SPAN", 4);
    static char buf[FSIZE + PAGE];
    expect(file_now(buf), FSIZE);                       /* still mapped */
    expect(buf[200], 'S');
    assert(memcmp(buf + PAGE - 3, "SPAN", 4) == 0);
    expect(buf[201], content(201));
    /* A child's store, seen by the parent's read() while both map it. */
    int pid = fork_ok();
    if (pid == 0) {
        m[300] = 'C';
        exit(0);
    }
    wait_ok(pid, "child storing through an inherited mapping");
    expect(file_now(buf), FSIZE);
    expect(buf[300], 'C');
    expect(munmap(m, 3 * PAGE), ERR_OK);
    expect(close(fd), ERR_OK);
    expect(file_now(buf), FSIZE);
    expect(buf[200], 'S');
    expect(buf[300], 'C');
    remove_file(PATH);
}

/* A child maps the file writable and only reads it; the parent write()s
 * meanwhile; the child's munmap (or its exit) must not undo the write. */
static void clean_mapping_writes_nothing(bool by_exit)
{
    make_data(FSIZE);
    struct link l;
    link_open(&l);
    int pid = fork_ok();
    if (pid == 0) {
        link_side(&l, true);
        int fd = open_ok(PATH, FS_RDWR);
        char *c = map_file(fd, 3 * PAGE, SHM_READ | SHM_WRITE, MAP_SHARED);
        for (size_t i = 0; i < FSIZE; i += PAGE)
            expect(c[i + 50], content(i + 50));         /* every page cached */
        link_send(&l, 'r');
        expect(link_recv(&l), 'w');
        assert(memcmp(c + 300, "PARENT!", 7) == 0);     /* coherent, too */
        if (!by_exit)
            expect(munmap(c, 3 * PAGE), ERR_OK);
        exit(0);
    }
    link_side(&l, false);
    expect(link_recv(&l), 'r');
    write_at(PATH, 300, "PARENT!", 7);
    write_at(PATH, PAGE + 300, "PARENT!", 7);
    link_send(&l, 'w');
    wait_ok(pid, by_exit ? "child exiting with a clean mapping" : "child unmapping a clean mapping");
    link_close(&l);
    static char buf[FSIZE + PAGE];
    expect(file_now(buf), FSIZE);
    if (memcmp(buf + 300, "PARENT!", 7) != 0 || memcmp(buf + PAGE + 300, "PARENT!", 7) != 0)
        error("a mapping that never stored wrote its stale pages over a write() (%s)",
              by_exit ? "exit" : "munmap");
    remove_file(PATH);
}

static void clean_munmap(void)
{
    clean_mapping_writes_nothing(false);
}

static void clean_exit(void)
{
    clean_mapping_writes_nothing(true);
}

#define SMALL (PAGE + 100)
#define APPEND "APPENDED-BY-WRITE-WHILE-THE-FILE-IS-MAPPED-0123456"   /* 50 bytes */

static void append_survives(void)
{
    make_data(SMALL);
    int fd = open_ok(PATH, FS_RDWR);
    char *m = map_file(fd, 2 * PAGE, SHM_READ | SHM_WRITE, MAP_SHARED);
    m[5] = 'm';
    m[PAGE + 5] = 'n';                                  /* dirty: the page of the end */
    m[SMALL + 20] = 'X';                                /* past the end */
    m[SMALL + 60] = 'Y';
    write_at(PATH, SMALL, APPEND, 50);
    assert(memcmp(m + SMALL, APPEND, 50) == 0);         /* the mapping sees them */
    expect(m[SMALL + 60], 'Y');                         /* still past the end */
    expect(munmap(m, 2 * PAGE), ERR_OK);
    expect(close(fd), ERR_OK);
    static char buf[FSIZE + PAGE];
    expect(file_now(buf), SMALL + 50);                  /* not grown by the mapping */
    expect(buf[5], 'm');
    expect(buf[PAGE + 5], 'n');
    if (memcmp(buf + SMALL, APPEND, 50) != 0)
        error("bytes appended by write() while mapped were lost to the write-back");
    remove_file(PATH);
}

/* Parent and child (through the mapping fork gave it) store to one page;
 * the parent unmaps (one write-back) before the child's last store. */
static void two_writers(void)
{
    int fd;
    char *m = fresh_mapping(&fd);
    m[0] = '1';
    struct link l;
    link_open(&l);
    int pid = fork_ok();
    if (pid == 0) {
        link_side(&l, true);
        m[1] = '2';
        link_send(&l, 's');
        expect(link_recv(&l), 'u');
        m[2] = '3';                                     /* after the parent's write-back */
        exit(0);
    }
    link_side(&l, false);
    expect(link_recv(&l), 's');
    expect(munmap(m, 3 * PAGE), ERR_OK);
    link_send(&l, 'u');
    wait_ok(pid, "child storing after the parent unmapped");
    link_close(&l);
    expect(close(fd), ERR_OK);
    static char buf[FSIZE + PAGE];
    expect(file_now(buf), FSIZE);
    expect(buf[0], '1');
    expect(buf[1], '2');
    if (buf[2] != '3')
        error("a store made after another view's write-back was lost");
    remove_file(PATH);
}

#define RACERS 4
#define STRIPE 64
#define RACE_SIZE (4 * PAGE)
#define RACE_ROUNDS 100

/* Racer k owns the stripes s with s % RACERS == k and changes them, by
 * write(), through a mapping it keeps, or through one made for the store,
 * while the others do the same on the same pages; its read()s and its
 * mappings must always show its own last bytes. */
static void race(int k)
{
    static char want[RACE_SIZE], buf[RACE_SIZE + PAGE];
    unsigned seed = 12345 + 977 * k;
    int fd = open_ok(PATH, FS_RDWR);
    char *kept = map_file(fd, RACE_SIZE, SHM_READ | SHM_WRITE, MAP_SHARED);
    memcpy(want, kept, RACE_SIZE);
    for (int round = 0; round < RACE_ROUNDS; round++) {
        seed = seed * 1103515245 + 12345;
        size_t at = ((seed >> 8) % (RACE_SIZE / STRIPE / RACERS) * RACERS + k) * STRIPE;
        char v = (char)('A' + round % 26);
        int how = (seed >> 20) % 4;
        if (how != 3)
            memset(want + at, v, STRIPE);
        switch (how) {
        case 0:
            write_at(PATH, at, want + at, STRIPE);
            break;
        case 1:
            memset(kept + at, v, STRIPE);
            break;
        case 2: {
            char *m = map_file(fd, RACE_SIZE, SHM_READ | SHM_WRITE, MAP_SHARED);
            memset(m + at, v, STRIPE);
            expect(munmap(m, RACE_SIZE), ERR_OK);
            break;
        }
        default:
            expect(read_file(PATH, buf, sizeof(buf)), RACE_SIZE);
            for (size_t s = k * STRIPE; s < RACE_SIZE; s += RACERS * STRIPE)
                if (memcmp(buf + s, want + s, STRIPE) != 0 || memcmp(kept + s, want + s, STRIPE) != 0)
                    error("racer %d, round %d: stripe at %ld is not its last write", k, round,
                          (long)s);
        }
    }
    expect(munmap(kept, RACE_SIZE), ERR_OK);
    expect(close(fd), ERR_OK);
    expect(read_file(PATH, buf, sizeof(buf)), RACE_SIZE);
    for (size_t s = k * STRIPE; s < RACE_SIZE; s += RACERS * STRIPE)
        if (memcmp(buf + s, want + s, STRIPE) != 0)
            error("racer %d, at the end: stripe at %ld is not its last write", k, (long)s);
}

static void races(void)
{
    make_data(RACE_SIZE);
    for (int k = 0; k < RACERS; k++)
        if (fork_ok() == 0) {
            race(k);
            exit(0);
        }
    reap_all(RACERS, "racers");
    remove_file(PATH);
}

int main(void)
{
    struct usage start = usage_now();
    run_step(write_seen_by_mappings, "write() seen by mappings");
    run_step(read_sees_stores, "read() sees stores");
    run_step(clean_munmap, "a clean mapping's munmap");
    run_step(clean_exit, "a clean mapping's exit");
    run_step(append_survives, "appended bytes");
    run_step(two_writers, "two writers");
    run_step(races, "racing write(), stores and read()");
    expect_usage(start, "at the end");
    pass("mmap_coherent");
    return 0;
}
