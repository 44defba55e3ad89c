/*
 * hostile_cache: the pages a file mapping touched go with it, even while
 * another process maps the same file. The test keeps a shared mapping of
 * its file /hc_f (two pages of bytes) for the whole run, with a store in
 * it not yet written back. Each step is a child (run_step), whose frames
 * must all be back once it exited:
 *   - a private mapping of 16 MiB of the file, every page read (the
 *     file's two, the rest past its end) and some stored to: the first
 *     page shows the shared view's store (the cached page), the second
 *     the file's bytes, the rest zeros; its stores reach neither the
 *     shared view nor the file;
 *   - the same mapped, read and unmapped three times in the child;
 *   - a shared mapping of 16 MiB of the file, every page read (the
 *     store, the file's bytes, zeros), some stored to past the file's
 *     end, unmapped; the child's second shared mapping must read zeros
 *     there (its stores past the end were the gone mapping's own), and
 *     the file keeps its size;
 *   - a shared mapping read in the child, which exits without munmap;
 *   - two shared mappings of it read in the child, which exits with both
 *     (each page is mapped twice as the first view closes);
 *   - two processes with a shared mapping each, read, exiting at once
 *     (each closes its view while the other's still maps the pages),
 *     eight times.
 * Each fill used to put the page it read into the file's page cache, past
 * the file's end too, and the cache kept it until the file's last mapping
 * went: 4,160 frames stayed taken after the child was gone (a hostile
 * program mapping more could hold all memory so). A private mapping now
 * copies out of the cache (or the file) and adds nothing to it; a shared
 * view's page leaves the cache when no other view maps it, judged once
 * the view's pages are unmapped: judged before (a count of 2, the cache's
 * and the closing view's), the last two steps left frames cached (4,160;
 * 124 to 4,160, every run at eight rounds), as a view closed but not yet
 * unmapped still counted.
 */
// test: timeout=60
#include "shmlib.h"
#include <lib/mman.h>

#define F "/hc_f"
#define BYTES (16UL << 20)
#define STORE_AT 10                 /* the shared view's byte not written back */

static char *shared;                /* the test's shared view of F's first page */

/* Byte i of F as written. */
static char file_byte(size_t i)
{
    return (char)('a' + i % 23);
}

/* Maps BYTES of F (flags: MAP_PRIVATE or MAP_SHARED), checks every page:
 * the shared view's store, the file's bytes, zeros past the end. */
static volatile char *map_and_read(int fd, int flags)
{
    volatile char *m = NULL;
    expect(mmap(fd, 0, BYTES, SHM_READ | SHM_WRITE, flags, (void **)&m), ERR_OK);
    expect(m[STORE_AT], 'Z');                       /* the shared view's store */
    expect(m[STORE_AT + 1], file_byte(STORE_AT + 1));
    expect(m[PAGE + 7], file_byte(PAGE + 7));       /* from the file */
    for (unsigned long off = 2 * PAGE; off < BYTES; off += PAGE)
        if (m[off] != 0 || m[off + PAGE - 1] != 0)
            error("page at %ld past the end is not zero", (long)off);
    return m;
}

/* A private mapping read, stored to every 64th page, unmapped: its
 * stores stay its own. */
static void private_pass(void)
{
    int fd = open_ok(F, FS_RDONLY);
    volatile char *m = map_and_read(fd, MAP_PRIVATE);
    for (unsigned long off = 0; off < BYTES; off += 64 * PAGE)
        m[off + STORE_AT] = 'p';
    expect(shared[STORE_AT], 'Z');                  /* never the shared view's */
    char b = 0;
    expect(read(fd, &b, 1), 1);
    expect(b, file_byte(0));                        /* nor the file's */
    expect(munmap((void *)m, BYTES), ERR_OK);
    expect(close(fd), ERR_OK);
}

/* A shared mapping read, stored to past the end, unmapped; a second one
 * reads zeros there again. */
static void shared_pass(void)
{
    int fd = open_ok(F, FS_RDWR);
    volatile char *m = map_and_read(fd, MAP_SHARED);
    for (unsigned long off = 2 * PAGE; off < BYTES; off += 64 * PAGE)
        m[off] = 's';
    expect(munmap((void *)m, BYTES), ERR_OK);
    m = map_and_read(fd, MAP_SHARED);
    expect(munmap((void *)m, BYTES), ERR_OK);
    expect(stat_of(F).size, 2 * PAGE);
    expect(close(fd), ERR_OK);
}

/* A shared mapping read by a process that exits with it. */
static void shared_exit(void)
{
    map_and_read(open_ok(F, FS_RDWR), MAP_SHARED);
}

/* Two shared mappings of the file read by a process that exits with
 * both: each page is mapped twice when the first closes. */
static void shared_exit_twice(void)
{
    int fd = open_ok(F, FS_RDWR);
    map_and_read(fd, MAP_SHARED);
    map_and_read(fd, MAP_SHARED);
}

static int ready[2], go[2];         /* pipes: workers to shared_together, back */

/* A worker of shared_together: maps and reads, says so, exits on go. */
static void together_worker(int unused)
{
    (void)unused;
    map_and_read(open_ok(F, FS_RDWR), MAP_SHARED);
    write_all(ready[1], "r", 1);
    char c;
    read_all(go[0], &c, 1);
}

/* Two processes with a shared mapping of the file each, read, exiting
 * at once: each closes its view while the other's is still mapped. */
static void shared_together(void)
{
    expect(pipe(ready), ERR_OK);
    expect(pipe(go), ERR_OK);
    int a = fork_worker(together_worker, 0), b = fork_worker(together_worker, 0);
    char c[2];
    read_all(ready[0], c, 2);
    write_all(go[1], "gg", 2);
    expect_exit(a, 0);
    expect_exit(b, 0);
}

static void once(void)
{
    private_pass();
}

static void thrice(void)
{
    for (int i = 0; i < 3; i++)
        private_pass();
}

int main(void)
{
    make_file_of(F, 2 * PAGE, file_byte);
    int fd = open_ok(F, FS_RDWR);
    expect(mmap(fd, 0, PAGE, SHM_READ | SHM_WRITE, MAP_SHARED, (void **)&shared), ERR_OK);
    shared[STORE_AT] = 'Z';
    run_step(once, "a private mapping read and unmapped");
    run_step(thrice, "a private mapping read and unmapped three times");
    run_step(shared_pass, "a shared mapping read, stored to past the end and unmapped");
    run_step(shared_exit, "a shared mapping read by a process that exited with it");
    run_step(shared_exit_twice, "two shared mappings read by a process that exited with both");
    for (int i = 0; i < 8; i++)         /* a race: the old count missed it 2 runs in 3 at 4 */
        run_step(shared_together, "two processes with a shared mapping each, exiting at once");
    expect(munmap(shared, PAGE), ERR_OK);           /* writes the store back */
    expect(close(fd), ERR_OK);
    char buf[STORE_AT + 3];
    expect(read_file(F, buf, sizeof(buf)), STORE_AT + 2);
    expect(buf[STORE_AT], 'Z');
    expect(buf[STORE_AT + 1], file_byte(STORE_AT + 1));
    expect(unlink(F), ERR_OK);
    pass("hostile_cache");
    return 0;
}
