/*
 * shm_filemap: file mappings (filemap.h) within one boot.
 *   - MAP_SHARED: the mapping shows the file; its writes reach the file by
 *     munmap, by exit, and by being killed, and read() sees them after,
 *     the kernel's stores into it too (read() into a page only loaded);
 *     the file never grows (bytes past the end read as zero and are not
 *     written); two shared mappings, in one process or two, see each
 *     other's writes at once; a read-only shared mapping kills a writer
 *     and writes nothing back (a write() made meanwhile survives it);
 *   - MAP_PRIVATE: the mapping shows the file, its writes stay in it (not
 *     in the file after munmap or exit, not in a fork child's copy, not in
 *     a shared mapping);
 *   - offsets: a mapping from offset PAGE starts at the file's PAGE.
 * Coherence with read()/write() while mapped is mmap_coherent; the part
 * across a reboot (writes on disk after halt) is the mmap_persist scenario.
 * Killed on purpose: a store through a read-only shared mapping, and a
 * process killed with a dirty shared mapping.
 */
// test: expect-killed=2
#include "shmlib.h"
#include <lib/mman.h>

#define DATA_PATH "/fm.data"
#define FSIZE (2 * PAGE + 2048)    /* the last page is half file, half beyond */

static char content(size_t i)
{
    return (char)('A' + i % 23);
}

static void make_data_file(void)
{
    make_file_of(DATA_PATH, FSIZE, content);
}

/* The byte at off of the file, by read(). */
static char file_byte(size_t off)
{
    static char buf[FSIZE + 16];
    int fd = open_ok(DATA_PATH, FS_RDONLY);
    size_t n = read_all(fd, buf, sizeof(buf));
    expect(close(fd), ERR_OK);
    expect(n, FSIZE);                                   /* never grows */
    return buf[off];
}

static char *map_file(int fd, offset_t off, size_t len, int prot, int flags)
{
    char *a = NULL;
    int r = mmap(fd, off, len, prot, flags, (void **)&a);
    if (r != ERR_OK)
        error("mmap(fd %d, off %ld, len %ld, prot %d, flags %d) = %d", fd, (long)off,
              (long)len, prot, flags, r);
    return a;
}

static void shared(void)
{
    make_data_file();
    int fd = open_ok(DATA_PATH, FS_RDWR);
    char *m = map_file(fd, 0, 3 * PAGE, SHM_READ | SHM_WRITE, MAP_SHARED);
    for (size_t i = 0; i < FSIZE; i += 97)
        expect(m[i], content(i));
    expect(m[FSIZE], 0);                                /* past the end: zero */
    expect(m[3 * PAGE - 1], 0);
    /* A second shared mapping sees our writes at once, and we its. */
    char *m2 = map_file(fd, 0, 3 * PAGE, SHM_READ | SHM_WRITE, MAP_SHARED);
    assert(m2 != m);
    m[10] = '1';
    expect(m2[10], '1');
    m2[PAGE + 5] = '2';
    expect(m[PAGE + 5], '2');
    m[FSIZE - 1] = '3';                                 /* the last byte of the file */
    m[FSIZE] = '4';                                     /* beyond it: never written */
    expect(munmap(m2, 3 * PAGE), ERR_OK);
    expect(munmap(m, 3 * PAGE), ERR_OK);
    expect(file_byte(10), '1');
    expect(file_byte(PAGE + 5), '2');
    expect(file_byte(FSIZE - 1), '3');
    expect(file_byte(11), content(11));

    /* The kernel's own store into a page the mapping has only loaded (a
     * read() from a pipe into it) marks it dirty as a program's store
     * does, and reaches the file by munmap. */
    m = map_file(fd, 0, FSIZE, SHM_READ | SHM_WRITE, MAP_SHARED);
    expect(m[PAGE + 40], content(PAGE + 40));           /* loaded only */
    int p[2];
    expect(pipe(p), ERR_OK);
    expect(write(p[1], "K", 1), 1);
    expect(read(p[0], m + PAGE + 41, 1), 1);
    expect(close(p[0]), ERR_OK);
    expect(close(p[1]), ERR_OK);
    expect(m[PAGE + 41], 'K');
    expect(munmap(m, FSIZE), ERR_OK);
    expect(file_byte(PAGE + 41), 'K');
    expect(file_byte(PAGE + 40), content(PAGE + 40));

    /* Parent and child share the page; the child's write reaches the file
     * by its exit, without munmap. */
    m = map_file(fd, 0, FSIZE, SHM_READ | SHM_WRITE, MAP_SHARED);
    int pid = fork_ok();
    if (pid == 0) {
        char *c = map_file(fd, 0, PAGE, SHM_READ | SHM_WRITE, MAP_SHARED);
        c[20] = 'c';
        expect(m[20], 'c');                             /* the inherited mapping too */
        m[21] = 'C';
        exit(0);
    }
    wait_ok(pid, "child writing a shared mapping");
    expect(m[20], 'c');
    expect(m[21], 'C');
    expect(munmap(m, FSIZE), ERR_OK);
    expect(file_byte(20), 'c');
    expect(file_byte(21), 'C');

    pid = fork_ok();
    if (pid == 0) {
        char *c = map_file(fd, PAGE, PAGE, SHM_READ | SHM_WRITE, MAP_SHARED);
        expect(c[0], content(PAGE));                    /* offset PAGE */
        c[1] = 'x';
        exit(0);                                        /* no munmap */
    }
    wait_ok(pid, "child exiting with a shared mapping");
    expect(file_byte(PAGE + 1), 'x');

    /* Killed with a dirty page: the page cache still has it. */
    pid = fork_ok();
    if (pid == 0) {
        char *c = map_file(fd, 0, PAGE, SHM_READ | SHM_WRITE, MAP_SHARED);
        c[30] = 'k';
        access_address(0, STORE);
        exit(0);
    }
    expect(wait_for(pid), -1);
    expect(file_byte(30), 'k');
    expect(close(fd), ERR_OK);
}

static void read_only_shared(void)
{
    make_data_file();
    int ro = open_ok(DATA_PATH, FS_RDONLY);
    char *r = map_file(ro, 0, PAGE, SHM_READ, MAP_SHARED);
    expect(r[40], content(40));
    expect_killed((uintptr_t)(r + 40), STORE, "store to a read-only shared file mapping");
    /* A write() while r is mapped; unmapping r must not undo it. */
    int wfd = open_ok(DATA_PATH, FS_WRONLY);
    expect(write(wfd, "ZZ", 2), 2);
    expect(close(wfd), ERR_OK);
    expect(munmap(r, PAGE), ERR_OK);
    expect(close(ro), ERR_OK);
    expect(file_byte(0), 'Z');
    expect(file_byte(1), 'Z');
}

static void private(void)
{
    make_data_file();
    int fd = open_ok(DATA_PATH, FS_RDWR);
    char *p = map_file(fd, 0, FSIZE, SHM_READ | SHM_WRITE, MAP_PRIVATE);
    char *s = map_file(fd, 0, FSIZE, SHM_READ | SHM_WRITE, MAP_SHARED);
    expect(p[50], content(50));
    p[50] = 'p';
    expect(s[50], content(50));                         /* not in the shared view */
    p[PAGE * 2 + 3] = 'q';
    int pid = fork_ok();
    if (pid == 0) {
        expect(p[50], 'p');                             /* the child's copy */
        p[50] = 'P';
        p[60] = 'P';
        char *q = map_file(fd, 0, PAGE, SHM_READ | SHM_WRITE, MAP_PRIVATE);
        q[70] = 'Q';
        exit(0);                                        /* without munmap */
    }
    wait_ok(pid, "child writing private mappings");
    expect(p[50], 'p');
    expect(p[60], content(60));
    expect(s[60], content(60));
    expect(s[70], content(70));
    expect(munmap(s, FSIZE), ERR_OK);
    expect(munmap(p, FSIZE), ERR_OK);
    expect(file_byte(50), content(50));
    expect(file_byte(60), content(60));
    expect(file_byte(70), content(70));
    expect(file_byte(PAGE * 2 + 3), content(PAGE * 2 + 3));

    /* A private mapping made after a shared write sees the file's bytes. */
    s = map_file(fd, 0, PAGE, SHM_READ | SHM_WRITE, MAP_SHARED);
    s[80] = 's';
    expect(munmap(s, PAGE), ERR_OK);
    p = map_file(fd, 0, PAGE, SHM_READ, MAP_PRIVATE);
    expect(p[80], 's');
    expect(munmap(p, PAGE), ERR_OK);
    expect(close(fd), ERR_OK);

    /* The disk image's largefile: 20480 bytes of 'a', then zeros. */
    fd = open_ok("/largefile", FS_RDONLY);
    char *l = map_file(fd, 0, 6 * PAGE, SHM_READ, MAP_PRIVATE);
    for (int i = 0; i < 20480; i += 512)
        expect(l[i], 'a');
    expect(l[20479], 'a');
    expect(l[20480], 0);
    expect(munmap(l, 6 * PAGE), ERR_OK);
    expect(close(fd), ERR_OK);
    remove_file(DATA_PATH);
}

int main(void)
{
    struct usage start = usage_now();
    run_step(shared, "MAP_SHARED");
    run_step(read_only_shared, "read-only MAP_SHARED");
    run_step(private, "MAP_PRIVATE");
    expect_usage(start, "at the end");
    pass("shm_filemap");
    return 0;
}
