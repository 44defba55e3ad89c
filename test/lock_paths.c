/*
 * lock_paths: one pass through the kernel's nested lock paths on the debug
 * kernel (`debug`), which panics at any lock taken out of the order of
 * include/kernel/synch.h. The order is checked at every acquisition, not
 * only under contention, so walking each path once shows it; each step
 * also checks its result. journal_limits walks the file system's own
 * nesting (chunked writes, double-indirect blocks, freeing in steps); the
 * steps here are the edges between subsystems:
 *   - read() into an untouched shared mapping of the same file, write()
 *     from one, readdir() into one: the copy faults with the file offset
 *     lock held, and the fault takes the address space, then the file's
 *     page cache, its inode and buffers;
 *   - a pipe read into an untouched mapping: the pipe's reader lock, then
 *     the address space;
 *   - a mapped file's last view going (munmap, then exit) after its name
 *     was unlinked: address space, then the file-map table and the page
 *     cache (write-back in a transaction), then the inode freed in
 *     transactions of its own;
 *   - a file past its direct blocks, then unlinked: an index block, then a
 *     bitmap block and a zeroed new block; create and remove in a new
 *     directory: a directory's inode, then the inode named in it;
 *   - shared regions: fork copies a view (address space, then the shm
 *     table), futex wait and wake, shm_lock contention and a holder that
 *     exits holding it (shm table, then the region lock, then the
 *     scheduler), a shrink (shm table, then the page cache);
 *   - processes: copy-on-write after fork, wait, exit, sleep.
 */
// test: debug timeout=60
#include "shmlib.h"
#include <lib/mman.h>

#define FILE_A "/lock_paths_a"
#define FILE_B "/lock_paths_b"
#define DIR "/lock_paths_dir"
#define DIR_FILE "/lock_paths_dir/f"
#define BLOCKS 12                       /* past the 10 direct blocks */

static char content(size_t i)
{
    return (char)('a' + (i * 7 + i / PAGE) % 26);
}

static char *map_file(int fd, size_t len)
{
    char *a = NULL;
    int r = mmap(fd, 0, len, SHM_READ | SHM_WRITE, MAP_SHARED, (void **)&a);
    if (r != ERR_OK)
        error("mmap(fd %d, %ld bytes) = %d", fd, (long)len, r);
    return a;
}

/* read(), write() and readdir() whose user buffer is a mapped page not
 * touched yet: the fault comes with the file offset lock held. */
static void copies_that_fault(void)
{
    make_file_of(FILE_A, 3 * PAGE, content);
    int fd = open_ok(FILE_A, FS_RDWR);
    char *map = map_file(fd, 3 * PAGE);
    int rd = open_ok(FILE_A, FS_RDONLY);
    char skip[PAGE];
    expect(read_all(rd, skip, PAGE), PAGE);
    expect(read(rd, map, PAGE), PAGE);          /* file page 1 into page 0, by the map */
    for (size_t i = 0; i < PAGE; i += 97)
        expect(map[i], content(PAGE + i));
    expect(close(rd), ERR_OK);
    expect(write(fd, map + 2 * PAGE, 100), 100);   /* from page 2 into page 0 */
    expect(map[99], content(2 * PAGE + 99));
    int dir = open_ok("/", FS_RDONLY);
    expect(readdir(dir, (struct dirent *)(map + PAGE)), ERR_OK);
    expect(close(dir), ERR_OK);
    expect(munmap(map, 3 * PAGE), ERR_OK);
    expect(close(fd), ERR_OK);
    remove_file(FILE_A);
}

/* A pipe read into an untouched mapped page. */
static void pipe_into_mapping(void)
{
    make_file_of(FILE_A, PAGE, content);
    int fd = open_ok(FILE_A, FS_RDWR);
    char *map = map_file(fd, PAGE);
    int p[2];
    expect(pipe(p), ERR_OK);
    expect(write(p[1], "through the pipe", 16), 16);
    expect(read(p[0], map + 10, 16), 16);
    assert(memcmp(map + 10, "through the pipe", 16) == 0);
    expect(close(p[0]), ERR_OK);
    expect(close(p[1]), ERR_OK);
    expect(munmap(map, PAGE), ERR_OK);
    expect(close(fd), ERR_OK);
    char back[32];
    int rd = open_ok(FILE_A, FS_RDONLY);
    expect(read_all(rd, back, 26), 26);
    assert(memcmp(back + 10, "through the pipe", 16) == 0);  /* written back */
    expect(close(rd), ERR_OK);
    remove_file(FILE_A);
}

/* The last view of an unlinked file stores, then goes: by munmap here, by
 * exit in the child. Either frees the file under the address space lock. */
static void last_view_of_unlinked(void)
{
    make_file_of(FILE_A, 2 * PAGE, content);
    make_file_of(FILE_B, 2 * PAGE, content);
    int fa = open_ok(FILE_A, FS_RDWR), fb = open_ok(FILE_B, FS_RDWR);
    char *a = map_file(fa, 2 * PAGE), *b = map_file(fb, 2 * PAGE);
    expect(close(fa), ERR_OK);
    expect(close(fb), ERR_OK);
    expect(unlink(FILE_A), ERR_OK);
    expect(unlink(FILE_B), ERR_OK);
    a[5] = b[PAGE + 5] = 'Z';
    int pid = fork_ok();
    if (pid == 0) {
        b[6] = 'Y';
        exit(0);                                /* its view of b goes with it */
    }
    wait_ok(pid, "child with a view of an unlinked file");
    expect(munmap(a, 2 * PAGE), ERR_OK);        /* the last view of a */
    expect(b[6], 'Y');
    expect(munmap(b, 2 * PAGE), ERR_OK);        /* and of b */
    expect(open(FILE_A, FS_RDONLY, EMPTY_MODE), ERR_NOTEXIST);
}

/* Index, bitmap and zeroed blocks nested in a write and an unlink; two
 * inode locks in create and remove. */
static void blocks_and_names(void)
{
    static char block[PAGE];
    remove_file(DIR_FILE);
    remove_file(DIR);
    expect(mkdir(DIR), ERR_OK);
    int fd = open_ok(DIR_FILE, FS_RDWR | FS_CREAT);
    for (int i = 0; i < BLOCKS; i++) {
        memset(block, 'A' + i, sizeof(block));
        write_all(fd, block, sizeof(block));
    }
    expect(close(fd), ERR_OK);
    expect(stat_of(DIR_FILE).size, BLOCKS * PAGE);
    expect(rmdir(DIR), ERR_NOTEMPTY);
    expect(unlink(DIR_FILE), ERR_OK);
    expect(rmdir(DIR), ERR_OK);
}

static void region_child(void)
{
    int *word = map_ok("lock_paths", SHM_READ | SHM_WRITE);
    int r;
    while ((r = futex(word, FUTEX_WAIT, 0, 0)) == ERR_OK && *word == 0)
        ;
    expect(*word, 1);
    expect(shm_lock("lock_paths"), ERR_OK);     /* waits for the parent's unlock */
    word[1] = 2;
    exit(0);                                    /* holding it: owner dead */
}

/* Views, futexes and the region lock across a fork. */
static void shared_regions(void)
{
    expect(shm_create("lock_paths", 4 * PAGE, 0), ERR_OK);
    int *word = map_ok("lock_paths", SHM_READ | SHM_WRITE);
    word[0] = 0;
    expect(shm_lock("lock_paths"), ERR_OK);
    int pid = fork_ok();                        /* the child inherits the view */
    if (pid == 0)
        region_child();
    msleep(30);
    __atomic_store_n(&word[0], 1, __ATOMIC_SEQ_CST);
    futex(&word[0], FUTEX_WAKE, 1, 0);
    msleep(30);
    expect(shm_unlock("lock_paths"), ERR_OK);
    wait_ok(pid, "region child");
    expect(word[1], 2);
    expect(shm_lock("lock_paths"), ERR_OWNERDEAD);
    expect(shm_unlock("lock_paths"), ERR_OK);
    expect(shm_unmap("lock_paths", word), ERR_OK);
    expect(shm_resize("lock_paths", PAGE), ERR_OK);
    expect(shm_destroy("lock_paths"), ERR_OK);
}

/* Copy-on-write, wait, exit and sleep. */
static void processes(void)
{
    static int counter = 7;
    int pid = fork_ok();
    if (pid == 0) {
        counter++;                              /* copy-on-write */
        sleep(0);
        exit(counter);
    }
    expect_exit(pid, 8);
    expect(counter, 7);
}

int main(void)
{
    struct usage start = usage_now();
    run_step(copies_that_fault, "copies that fault");
    run_step(pipe_into_mapping, "pipe into a mapping");
    run_step(last_view_of_unlinked, "last view of an unlinked file");
    run_step(blocks_and_names, "blocks and names");
    run_step(shared_regions, "shared regions");
    run_step(processes, "processes");
    expect_usage(start, "at the end");
    pass("lock_paths");
    return 0;
}
