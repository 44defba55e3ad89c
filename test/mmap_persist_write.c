/*
 * mmap_persist_write: the first half of the file-mapping reboot test (the
 * second is mmap_persist_check, run after the machine halted and booted
 * again on the same disk image). It makes /persist.dat (PERSIST_SIZE bytes
 * of a known pattern) and changes it through file mappings:
 *   (a) MAP_SHARED write, then munmap;
 *   (b) MAP_SHARED write by a child that exits without munmap;
 *   (c) MAP_SHARED write by a child that is still mapping the file when the
 *       machine halts (it sleeps; halt writes dirty pages back); another
 *       such child stores past the end of the file, which must not grow;
 *   (d) MAP_PRIVATE writes (never reach the file);
 * then, with mappings that only read still live at halt (a read-only
 * shared one, a private one that stored, a writable shared one that never
 * stored), it write()s over bytes of every page and appends a tail past
 * the old end: halt writes back only dirty pages, and those hold the
 * write()s, so every write() survives:
 *   (e) write()s into pages that mappings only read;
 *   (f) a write() into page 3, which (c) dirtied;
 *   (g) the appended tail (page 3, mapped by (c));
 *   (h) a store made after another view of the page was written back
 *       (child h stores, the parent stores and unmaps, h stores again and
 *       is still mapping the file at halt).
 * It checks with read() before the reboot, while the mappings live.
 * Helper of the reboot machinery, not a test of its own: the runner boots,
 * runs this, halts (`quit`), boots the same image again and runs
 * mmap_persist_check. It leaves sleeping children behind on purpose, so it
 * needs `no-leak-check` and no test may run after it in that boot.
 */
// test: helper
#include "testlib.h"
#include <lib/shm.h>
#include <lib/mman.h>
#include "mmap_persist.h"

static char *map_file(int fd, int prot, int flags)
{
    char *a = NULL;
    int r = mmap(fd, 0, 4 * 4096, prot, flags, (void **)&a);
    if (r != ERR_OK)
        error("mmap(%s, prot %d, flags %d) = %d", PERSIST_PATH, prot, flags, r);
    return a;
}

/* A pipe from a child to the parent: the child says it is ready. */
static int ready[2];

static void say_ready(void)
{
    expect(write(ready[1], "x", 1), 1);
}

static void wait_ready(void)
{
    char x;
    expect(read(ready[0], &x, 1), 1);
}

static void sleep_until_halt(void)
{
    for (;;)
        sleep(1000);
}

/* Forks a child that maps the file with prot and flags, reads every page
 * (and, if store, stores at store_at), and keeps the mapping until halt. */
static void hold_mapping(int fd, int prot, int flags, const char *store, int store_at)
{
    if (fork() == 0) {
        char *c = map_file(fd, prot, flags);
        for (int i = 0; i < PERSIST_SIZE; i += 4096)
            expect(c[i + 60], pattern(i + 60));     /* a byte no change touches */
        if (store)
            memcpy(c + store_at, store, strlen(store));
        say_ready();
        sleep_until_halt();
    }
    wait_ready();
}

/* write() of the string s at off. */
static void write_string(int off, const char *s)
{
    write_at(PERSIST_PATH, off, s, strlen(s));
}

int main(void)
{
    make_file_of(PERSIST_PATH, PERSIST_SIZE, pattern);
    int fd = open_ok(PERSIST_PATH, FS_RDWR);
    expect(pipe(ready), ERR_OK);

    /* (a) */
    char *m = map_file(fd, SHM_READ | SHM_WRITE, MAP_SHARED);
    memcpy(m + AT_A, "SHARED-A", 8);
    memcpy(m + AT_SPAN, "SPANS-PAGES", 11);
    expect(munmap(m, 4 * 4096), ERR_OK);

    /* (b) */
    int pid = fork();
    if (pid == 0) {
        char *c = map_file(fd, SHM_READ | SHM_WRITE, MAP_SHARED);
        memcpy(c + AT_B, "SHARED-B", 8);
        exit(0);
    }
    int status = -5;
    expect(wait(pid, &status), pid);
    expect(status, 0);

    /* (d) */
    char *p = map_file(fd, SHM_READ | SHM_WRITE, MAP_PRIVATE);
    memcpy(p + AT_D1, "PRIVATE!", 8);
    memcpy(p + AT_D2, "PRIVATE!", 8);
    expect(munmap(p, 4 * 4096), ERR_OK);

    /* (c) and the mappings that only read, all live at halt. */
    hold_mapping(fd, SHM_READ | SHM_WRITE, MAP_SHARED, "SHARED-C", AT_C);
    hold_mapping(fd, SHM_READ | SHM_WRITE, MAP_SHARED, "BEYOND", AT_BEYOND);
    hold_mapping(fd, SHM_READ, MAP_SHARED, NULL, 0);
    hold_mapping(fd, SHM_READ | SHM_WRITE, MAP_PRIVATE, "PRIVATE!", AT_E[1] + 20);
    hold_mapping(fd, SHM_READ | SHM_WRITE, MAP_SHARED, NULL, 0);

    /* (e), (f), (g) */
    for (int i = 0; i < 3; i++)
        write_string(AT_E[i], "WRITE-E");
    write_string(AT_F, "WRITE-F");
    write_string(PERSIST_SIZE, TAIL);

    /* (h) */
    int down[2];
    expect(pipe(down), ERR_OK);
    pid = fork();
    if (pid == 0) {
        char *c = map_file(fd, SHM_READ | SHM_WRITE, MAP_SHARED);
        memcpy(c + AT_H1, "H-EARLY", 7);
        say_ready();
        char x;
        expect(read(down[0], &x, 1), 1);
        memcpy(c + AT_H3, "H-LATE", 6);     /* its PTE is writable already */
        say_ready();
        sleep_until_halt();
    }
    wait_ready();
    m = map_file(fd, SHM_READ | SHM_WRITE, MAP_SHARED);
    memcpy(m + AT_H2, "P-STORE", 7);
    expect(munmap(m, 4 * 4096), ERR_OK);    /* page 2 written back once */
    expect(write(down[1], "x", 1), 1);
    wait_ready();

    /* Everything, through read(), while the mappings live. */
    static char buf[PERSIST_SIZE + 4096];
    expect(read_file(PERSIST_PATH, buf, sizeof(buf)), PERSIST_SIZE + TAIL_LEN);
    persist_expect(buf, "before the halt");
    expect(close(fd), ERR_OK);
    pass("mmap_persist_write: every change seen by read(); mappings held until halt");
    return 0;
}
