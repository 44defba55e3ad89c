/*
 * hostile_cache: a private file mapping's pages go with it, even while
 * another process maps the same file. The test keeps a shared mapping of
 * its file /hc_f (two pages of bytes) for the whole run, with a store in
 * it not yet written back. Each step is a child (run_step), whose frames
 * must all be back once it exited:
 *   - a private mapping of 16 MiB of the file, every page read (the
 *     file's two, the rest past its end) and some stored to: the first
 *     page shows the shared view's store (the cached page), the second
 *     the file's bytes, the rest zeros; its stores reach neither the
 *     shared view nor the file;
 *   - the same mapped, read and unmapped three times in the child.
 * The private fill used to put each page it read into the file's page
 * cache, past the file's end too, and the cache kept them until the
 * file's last mapping went: 4,160 frames stayed taken after the child
 * was gone (a hostile program mapping more could hold all memory so).
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

/* Maps BYTES of F privately, checks every page, stores to every 64th,
 * unmaps: what a private mapping shows and that its stores stay its own. */
static void private_pass(void)
{
    int fd = open_ok(F, FS_RDONLY);
    volatile char *m = NULL;
    expect(mmap(fd, 0, BYTES, SHM_READ | SHM_WRITE, MAP_PRIVATE, (void **)&m), ERR_OK);
    expect(m[STORE_AT], 'Z');                       /* the shared view's store */
    expect(m[STORE_AT + 1], file_byte(STORE_AT + 1));
    expect(m[PAGE + 7], file_byte(PAGE + 7));       /* from the file */
    for (unsigned long off = 2 * PAGE; off < BYTES; off += PAGE)
        if (m[off] != 0 || m[off + PAGE - 1] != 0)
            error("private page at %ld past the end is not zero", (long)off);
    for (unsigned long off = 0; off < BYTES; off += 64 * PAGE)
        m[off + STORE_AT] = 'p';
    expect(shared[STORE_AT], 'Z');                  /* never the shared view's */
    char b = 0;
    expect(read(fd, &b, 1), 1);
    expect(b, file_byte(0));                        /* nor the file's */
    expect(munmap((void *)m, BYTES), ERR_OK);
    expect(close(fd), ERR_OK);
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
