/*
 * hostile_fs: the file system at its limits, as a hostile program pushes
 * it, in one quick pass (what earlier tests did not reach):
 *   - the disk filled completely: a write into a file's last, part-used
 *     block fills that block and stops (a short count), the next one is
 *     ERR_NORES; creating a file, linking a name into a directory whose
 *     only block is full (128 entries) and mkdir are ERR_NORES and change
 *     nothing (the directory's size stays, the disk check after the boot
 *     finds no inode or block left behind, no link count off);
 *   - the disk's last MiB filled by three processes at once, in writes
 *     of odd sizes: each file holds exactly the bytes its writes
 *     returned, each where it was written; everything removed, exactly
 *     as many bytes fit again as before (every block came back);
 *   - names that cannot be removed: "/", ".", ".." (ERR_INVAL); mkdir
 *     of "/" and link onto an existing name, "." or "/" (ERR_EXIST), under a file
 *     (ERR_FTYPE), of a directory (ERR_FTYPE), into a missing directory
 *     (ERR_NOTEXIST);
 *   - readdir and fstat into read-only memory (the program's text):
 *     ERR_FAULT, and the directory's offset does not move;
 *   - appenders to one file killed, the one holding the file's append
 *     lock and those waiting for it: each ends with -1;
 *   - 100 directories nested through chdir (no limit but the inodes) and
 *     removed again from the bottom up.
 * Everything it makes is removed, also at the start.
 */
// test: timeout=60
#include "testlib.h"
#include <lib/stdio-ext.h>
#include <lib/stddef.h>
#include <lib/file-ext.h>
#include <lib/proc-ext.h>

#define D "/hfs"
#define DIR_SLOTS 128                  /* entries in a block: 4096 / 32 */
#define FILLERS 3
#define FILLERS_ROOM (1024 * 1024)      /* what the three fill at once (checked byte by byte) */
#define DEPTH 100
#define APPENDERS 4

static char buf[256 * 1024];

int main(int argc, char **argv);

static void slot_name(char *path, int i)
{
    snprintf(path, 32, D "/full/f%03d", i);
}

static void clean(void)
{
    char path[32];
    for (int i = 0; i < DIR_SLOTS; i++) {
        slot_name(path, i);
        remove_file(path);
    }
    const char *names[] = {D "/full/sub", D "/full", D "/part", D "/fill", D "/top", D "/f0",
                           D "/f1", D "/f2", D "/link", D "/app"};
    for (size_t i = 0; i < NELEM(names); i++)
        remove_file(names[i]);
    while (chdir(D "/n") == ERR_OK) {      /* a nest left by an earlier run */
        while (chdir("n") == ERR_OK)
            ;
        expect(chdir(".."), ERR_OK);
        expect(rmdir("n"), ERR_OK);
    }
    expect(chdir("/"), ERR_OK);
    remove_file(D);
}

/* A directory whose one block is full (with "." and "..") and a file
 * whose one block is part-used, made before the disk fills. */
static void make_full_dir_and_part_file(void)
{
    char path[32];
    expect(mkdir(D "/full"), ERR_OK);
    for (int i = 0; i < DIR_SLOTS - 2; i++) {
        slot_name(path, i);
        expect(close(open_ok(path, FS_RDWR | FS_CREAT)), ERR_OK);
    }
    expect(stat_of(D "/full").size, 4096);
    int part = open_ok(D "/part", FS_RDWR | FS_CREAT);
    expect(write(part, buf, 100), 100);
    expect(close(part), ERR_OK);
}

/* The disk is full: what still fits, what cannot be made. */
static void at_full_disk(void)
{
    char path[32];
    int part = open_ok(D "/part", FS_RDWR);
    char skip[100];
    expect(read(part, skip, sizeof(skip)), 100);
    expect(write(part, buf, 8192), 4096 - 100);  /* the rest of its block */
    expect(write(part, buf, 8192), ERR_NORES);
    expect(close(part), ERR_OK);
    expect(stat_of(D "/part").size, 4096);
    slot_name(path, DIR_SLOTS - 2);
    expect(open(path, FS_RDWR | FS_CREAT, EMPTY_MODE), ERR_NORES);
    expect(link(D "/part", path), ERR_NORES);
    expect(mkdir(D "/full/sub"), ERR_NORES);
    expect(mkdir(D "/sub"), ERR_NORES);          /* its "." and ".." need a block */
    expect(stat_of(D "/full").size, 4096);
}

static void remove_full_dir_and_part_file(void)
{
    char path[32];
    expect(unlink(D "/part"), ERR_OK);
    for (int i = 0; i < DIR_SLOTS - 2; i++) {
        slot_name(path, i);
        expect(unlink(path), ERR_OK);
    }
    expect(rmdir(D "/full"), ERR_OK);
}

/* One of FILLERS filling the disk at once, each its own file, in writes
 * of odd sizes (pattern 5 + k): when the disk is full, its file holds
 * exactly the bytes its writes returned, each where it was written. */
static void filler(int k)
{
    static const size_t sizes[] = {3 * 4096 + 7, 1, 65536 + 100, 4095, 200000, 8192};
    char path[32];
    snprintf(path, sizeof(path), D "/f%d", k);
    int fd = open_ok(path, FS_WRONLY | FS_CREAT);
    size_t total = 0;
    long w;
    for (int i = 0;; i++, total += (size_t)w) {
        size_t n = sizes[(i + k) % NELEM(sizes)];
        pattern_fill((unsigned char *)buf, total, n, 5 + k);
        if ((w = write(fd, buf, n)) == ERR_NORES)
            break;
        if (w <= 0 || (size_t)w > n)
            error("%s: write of %ld bytes = %ld", path, (long)n, w);
    }
    expect(close(fd), ERR_OK);
    expect_pattern(path, total, 5 + k, (unsigned char *)buf, sizeof(buf));
}

/* One process fills the disk (the checks at a full disk meanwhile), then
 * all but FILLERS_ROOM of it, and three fill the rest at once (filler);
 * all removed, one fills it again: the same bytes fit. */
static void fill_and_refill(void)
{
    long before = fill_disk_last(D "/fill", D "/top", buf, sizeof(buf));
    at_full_disk();                      /* counts on the disk full to its last block */
    expect(unlink(D "/top"), ERR_OK);
    expect(unlink(D "/fill"), ERR_OK);
    int fd = open_ok(D "/fill", FS_WRONLY | FS_CREAT);
    for (long left = before - FILLERS_ROOM; left > 0; left -= (long)sizeof(buf))
        write_all(fd, buf, left < (long)sizeof(buf) ? left : (long)sizeof(buf));
    expect(close(fd), ERR_OK);
    int pids[FILLERS];
    for (int k = 0; k < FILLERS; k++) {
        pids[k] = fork();
        if (pids[k] < 0)
            error("fork = %d", pids[k]);
        if (pids[k] == 0) {
            filler(k);
            exit(0);
        }
    }
    char path[32];
    for (int k = 0; k < FILLERS; k++) {
        expect_exit(pids[k], 0);
        snprintf(path, sizeof(path), D "/f%d", k);
        expect(unlink(path), ERR_OK);
    }
    expect(unlink(D "/fill"), ERR_OK);
    long after = fill_disk(D "/fill", buf, sizeof(buf));
    expect(unlink(D "/fill"), ERR_OK);
    if (after != before)
        error("%ld bytes fit on the disk before three filled it, %ld after", before, after);
}

static void bad_names(void)
{
    expect(rmdir("/"), ERR_INVAL);
    expect(unlink("/"), ERR_INVAL);
    expect(mkdir("/"), ERR_EXIST);
    expect(rmdir("."), ERR_INVAL);
    expect(rmdir(".."), ERR_INVAL);
    expect(rmdir(D "/.."), ERR_INVAL);
    expect(link("/README", "/README"), ERR_EXIST);
    expect(link("/README", "."), ERR_EXIST);
    expect(link("/README", ".."), ERR_EXIST);
    expect(link("/README", "/"), ERR_EXIST);
    expect(link("/README", "/README/x"), ERR_FTYPE);
    expect(link("/", D "/link"), ERR_FTYPE);
    expect(link(D, D "/link"), ERR_FTYPE);
    expect(link("/README", D "/none/link"), ERR_NOTEXIST);
}

static void read_only_structs(void)
{
    struct dirent d, first;
    int fd = open_ok("/", FS_RDONLY);
    expect(readdir(fd, (struct dirent *)(uintptr_t)main), ERR_FAULT);
    expect(fstat(fd, (struct stat *)(uintptr_t)main), ERR_FAULT);
    expect(readdir(fd, &first), ERR_OK);         /* the offset did not move */
    expect(strcmp(first.name, "README"), 0);
    expect(readdir(fd, &d), ERR_OK);
    expect(close(fd), ERR_OK);
}

/* An appender that writes until it is killed. */
static void appender(int k)
{
    int fd = open_ok(D "/app", FS_WRONLY | FS_APPEND);
    size_t n = k == 0 ? sizeof(buf) : (size_t)(100 + k);
    while (write(fd, buf, n) > 0)
        ;
    exit(1);                               /* the disk filled: not killed in time */
}

/* APPENDERS processes append to one file, one of them a quarter MiB at a
 * time, so the others mostly wait for the file's append lock; all are
 * killed, holder and waiters: each ends with -1. They are killed once the
 * file holds APPENDED_BEFORE_KILL bytes, not after a fixed time: on one
 * hart of a fast host, 100 ms of appending filled the disk, the appenders
 * exited on their own, and the test left the disk full for the tests
 * after it. */
#define APPENDED_BEFORE_KILL (4 * sizeof(buf))
static void killed_appenders(void)
{
    expect(close(open_ok(D "/app", FS_RDWR | FS_CREAT)), ERR_OK);
    int pids[APPENDERS];
    for (int k = 0; k < APPENDERS; k++)
        pids[k] = fork_worker(appender, k);
    while (stat_of(D "/app").size < APPENDED_BEFORE_KILL)
        msleep(1);
    for (int k = APPENDERS - 1; k >= 0; k--) {
        int r = kill(pids[k]);
        if (r == ERR_NOTEXIST)
            error("appender %d exited before it was killed (the disk filled first)", k);
        expect(r, ERR_OK);
    }
    for (int k = 0; k < APPENDERS; k++)
        expect_exit(pids[k], -1);
    expect(unlink(D "/app"), ERR_OK);
}

static void deep_nesting(void)
{
    expect(chdir(D), ERR_OK);
    for (int i = 0; i < DEPTH; i++) {
        expect(mkdir("n"), ERR_OK);
        expect(chdir("n"), ERR_OK);
    }
    for (int i = 0; i < DEPTH; i++) {
        expect(chdir(".."), ERR_OK);
        expect(rmdir("n"), ERR_OK);
    }
    expect(chdir("/"), ERR_OK);
    expect(open(D "/n", FS_RDONLY, EMPTY_MODE), ERR_NOTEXIST);
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    memset(buf, 'h', sizeof(buf));
    clean();
    expect(mkdir(D), ERR_OK);
    make_full_dir_and_part_file();
    fill_and_refill();
    remove_full_dir_and_part_file();
    bad_names();
    read_only_structs();
    killed_appenders();
    deep_nesting();
    expect(rmdir(D), ERR_OK);
    pass("hostile_fs");
    return 0;
}
