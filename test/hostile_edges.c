/*
 * hostile_edges: what the other hostile_ tests left out, found to hold
 * (a regression check, and a record for the next hunter):
 *   - every call that stores a result, handed a read-only view of a
 *     region the caller also maps writable (the direct-map copy could
 *     store through the frame the writable view allows): read, pipe, wait's
 *     status, fstat, readdir, proc_list, shm_list, vminfo, shm_map's and
 *     mmap's *addr are ERR_FAULT, info stores nothing, and not a byte of
 *     the view changes, no view, mapping or fd is left behind; the same
 *     into a read-only shared mapping of a file, whose bytes stay;
 *   - copies between a file and a mapping of that same file: read() of
 *     the file into a writable shared mapping of it, and an appending
 *     write() from the mapping into the file, give the bytes a copy
 *     through a buffer would (no lock is held across the user copy);
 *   - paths at the limit without a NUL in mapped memory: 256 bytes (no
 *     NUL within FS_PATH_MAX) ERR_INVAL, 255 running into unmapped memory
 *     ERR_FAULT, for open, mkdir, link (either name), chdir and spawn;
 *     spawn's 2048 bytes without a NUL ERR_INVAL, 2047 into unmapped
 *     memory ERR_FAULT;
 *   - wait on the caller's own pid and on init's: ERR_CHILD; kill of
 *     itself: the process exits with -1;
 *   - a file mapping placed as high as it goes leaves a guard page below
 *     the stack's 10-page window;
 *   - failing calls made 600 times in a row with the free frames unmoved
 *     (as hostile_repeat, other calls): pipe, mmap and shm_map into a
 *     read-only view, mkdir, open+FS_CREAT and link in a removed working
 *     directory, spawnv of 199 words, spawn of "/", fstat of a pipe,
 *     readdir of a file and into a read-only view, chdir to a file,
 *     unlink of a directory, rmdir of a full one, a shrink under a view,
 *     kill and setfg of no process, wait into a read-only view, a futex
 *     wait timing out, munmap of a view, open of a 30-byte name, read
 *     from a pipe into a read-only view, write from unmapped memory.
 * Frames and regions are back after each step (run_step).
 */
// test: timeout=60
#include "shmlib.h"
#include <lib/file-ext.h>
#include <lib/layout.h>
#include <lib/mman.h>
#include <lib/proc-ext.h>
#include <lib/stddef.h>
#include <lib/vm-ext.h>

#define RV "he_v"                      /* the region of the read-only view */
#define F "/he_f"
#define TEXT "hello world, this is a file"   /* 27 bytes */
#define TIMES 600                      /* as hostile_repeat: > a frame of small objects */
#define GONE "/he_gone"
#define PATH_BYTES 256                 /* the kernel's FS_PATH_MAX: a path's bytes, NUL included */

int main(void);

/* The lowest free fd: an fd a failed call left open would show here. */
static int lowest_fd(void)
{
    int fd = dup(0);
    expect(close(fd), ERR_OK);
    return fd;
}

/* Region RV, two pages, mapped writable (filled with 'v') and again
 * read-only: the read-only view's address. */
static char *ro_view(void)
{
    shm_destroy(RV);
    expect(shm_create(RV, 2 * PAGE, RS_DEFAULT), ERR_OK);
    char *w = map_ok(RV, SHM_READ | SHM_WRITE);
    memset(w, 'v', 2 * PAGE);
    return map_ok(RV, SHM_READ);
}

/* Every byte of the page at p is still c. */
static void unchanged(const char *p, char c, const char *what)
{
    for (int i = 0; i < PAGE; i++)
        if (p[i] != c)
            error("%s changed byte %d of a read-only page to %d", what, i, p[i]);
}

/* Each storing call into the read-only page p: refused, p untouched. */
static void stores_refused(char *p, char c)
{
    int fd = open_ok("/smallfile", FS_RDONLY);
    int dir = open_ok("/", FS_RDONLY);
    int low = lowest_fd();
    int pid = fork_ok();
    if (pid == 0)
        exit(3);
    expect(read(fd, p, 10), ERR_FAULT);
    expect(pipe((int *)p), ERR_FAULT);
    expect(lowest_fd(), low);
    expect(wait(pid, (int *)p), ERR_FAULT);
    expect_exit(pid, 3);                       /* not reaped by the refused wait; its views gone */
    expect(fstat(fd, (struct stat *)p), ERR_FAULT);
    expect(readdir(dir, (struct dirent *)p), ERR_FAULT);
    expect(proc_list((struct proc_info *)p, 2), ERR_FAULT);
    expect(shm_list((struct shm_info *)p, 2), ERR_FAULT);
    expect(vminfo((struct vm_info *)p), ERR_FAULT);
    info((struct sys_info *)p);
    int views = region_views(RV);
    expect(shm_map(RV, (void **)p, SHM_READ), ERR_FAULT);
    expect(region_views(RV), views);
    expect(mmap(fd, 0, PAGE, SHM_READ, MAP_SHARED, (void **)p), ERR_FAULT);
    unchanged(p, c, "a call");
    struct dirent d;
    expect(readdir(dir, &d), ERR_OK);          /* the refused readdir did not move on */
    if (strcmp(d.name, "README") != 0)
        error("first entry after a refused readdir: %s", d.name);
    expect(close(fd), ERR_OK);
    expect(close(dir), ERR_OK);
}

/* Into a read-only view whose region the caller maps writable too. */
static void into_ro_view(void)
{
    stores_refused(ro_view(), 'v');
}

/* Into a read-only shared mapping of a file: the file keeps its bytes. */
static void into_ro_file(void)
{
    remove_file(F);
    make_file(F, TEXT);
    int fd = open_ok(F, FS_RDWR);
    void *a = NULL;
    expect(mmap(fd, 0, PAGE, SHM_READ, MAP_SHARED, &a), ERR_OK);
    /* Bytes past the file's end read 0 in a mapping: the page is TEXT, zeros. */
    char want[PAGE] = TEXT;
    if (memcmp(a, want, PAGE) != 0)
        error("the mapping does not show the file");
    int fd2 = open_ok("/smallfile", FS_RDONLY);
    expect(read(fd2, a, 10), ERR_FAULT);
    expect(pipe((int *)a), ERR_FAULT);
    expect(fstat(fd2, (struct stat *)a), ERR_FAULT);
    expect(close(fd2), ERR_OK);
    if (memcmp(a, want, PAGE) != 0)
        error("a refused call stored into a read-only file mapping");
    char buf[64];
    expect(read(fd, buf, sizeof(buf)), 27);
    if (memcmp(buf, TEXT, 27) != 0)
        error("the file changed: %.27s", buf);
    expect(munmap(a, PAGE), ERR_OK);
    expect(close(fd), ERR_OK);
    remove_file(F);
}

/* read() of a file into a shared mapping of it, and an append from the
 * mapping into the file. */
static void file_into_itself(void)
{
    remove_file(F);
    make_file(F, TEXT);
    int fd = open_ok(F, FS_RDWR);
    void *a = NULL;
    expect(mmap(fd, 0, 2 * PAGE, SHM_READ | SHM_WRITE, MAP_SHARED, &a), ERR_OK);
    char *m = a;
    int rd = open_ok(F, FS_RDONLY);
    expect(read(rd, m + 6, 21), 21);              /* "hello world, this is" over "world..." */
    if (memcmp(m, "hello hello world, this is a", 27) != 0)
        error("read into its own mapping: %.27s", m);
    int app = open_ok(F, FS_WRONLY | FS_APPEND);
    expect(write(app, m, 2 * PAGE), 2 * PAGE);  /* the mapping's 2 pages, from the file */
    expect(stat_of(F).size, 27 + 2 * PAGE);
    expect(munmap(a, 2 * PAGE), ERR_OK);
    static char back[27 + 2 * PAGE + 1];               /* read_file NUL-terminates */
    expect(read_file(F, back, sizeof(back)), sizeof(back) - 1);
    if (memcmp(back, "hello hello world, this is ", 27) != 0 ||
        memcmp(back + 27, "hello hello world, this is ", 27) != 0)
        error("the file after an append from its own mapping: %.54s", back);
    for (int i = 27 + 27; i < 27 + 2 * PAGE; i++)
        if (back[i] != 0)
            error("byte %d of the append from the mapping's zeros is %d", i, back[i]);
    expect(close(fd), ERR_OK);
    expect(close(rd), ERR_OK);
    expect(close(app), ERR_OK);
    remove_file(F);
}

/* Paths and spawn's words at their limits, with no NUL in mapped memory
 * after them (heap_end's page is the heap's last). */
static void names_at_limits(void)
{
    char *p = heap_end(PATH_BYTES);
    memset(p, 'a', PATH_BYTES);
    expect(open(p, FS_RDONLY, EMPTY_MODE), ERR_INVAL);
    expect(mkdir(p), ERR_INVAL);
    p = heap_end(PATH_BYTES - 1);
    memset(p, 'a', PATH_BYTES - 1);
    expect(open(p, FS_RDWR | FS_CREAT, EMPTY_MODE), ERR_FAULT);
    expect(mkdir(p), ERR_FAULT);
    expect(link(p, "/he_x"), ERR_FAULT);
    expect(link("/README", p), ERR_FAULT);
    expect(chdir(p), ERR_FAULT);
    expect(spawn(p), ERR_FAULT);
    char *s = heap_end(SPAWN_ARGS_MAX);
    memset(s, 'e', SPAWN_ARGS_MAX);
    expect(spawn(s), ERR_INVAL);
    s = heap_end(SPAWN_ARGS_MAX - 1);
    memset(s, ' ', SPAWN_ARGS_MAX - 1);
    memcpy(s, "echo", 4);
    expect(spawn(s), ERR_FAULT);
}

/* wait on the caller and on init; a kill of oneself. */
static void own_pids(void)
{
    expect(wait(getpid(), NULL), ERR_CHILD);
    expect(wait(1, NULL), ERR_CHILD);
    int pid = fork_ok();
    if (pid == 0) {
        kill(getpid());
        for (;;)
            ;                                 /* killed within a tick */
    }
    expect_exit(pid, -1);
}

/* The highest place a mapping can go: a guard page below the stack's window. */
static void below_stack(void)
{
    int fd = open_ok("/largefile", FS_RDONLY);
    void *a = NULL;
    expect(mmap(fd, 0, PAGE, SHM_READ, MAP_PRIVATE, &a), ERR_OK);
    expect((long)a, (long)(USTACK_LOWERBOUND - 2 * PAGE));
    expect(munmap(a, PAGE), ERR_OK);
    expect(close(fd), ERR_OK);
}

/* ---------------------------------------------- failing calls, repeated */

static int fd_small, fd_dir, pfd[2];
static char *ro;
static char *words[200];

static void pipe_ro(void) { expect(pipe((int *)ro), ERR_FAULT); }
static void mmap_ro(void) { expect(mmap(fd_small, 0, PAGE, SHM_READ, MAP_SHARED, (void **)ro), ERR_FAULT); }
static void shm_map_ro(void) { expect(shm_map(RV, (void **)ro, SHM_READ), ERR_FAULT); }
static void mkdir_gone(void) { expect(mkdir("y"), ERR_NOTEXIST); }
static void creat_gone(void) { expect(open("x", FS_RDWR | FS_CREAT, EMPTY_MODE), ERR_NOTEXIST); }
static void link_gone(void) { expect(link("/README", "z"), ERR_NOTEXIST); }
static void spawnv_many(void) { expect(spawnv(words), ERR_INVAL); }
static void spawn_root(void) { expect(spawn("/"), ERR_NOTEXIST); }
static void fstat_pipe(void)
{
    struct stat st;
    expect(fstat(pfd[0], &st), ERR_INVAL);
}
static void readdir_file(void)
{
    struct dirent d;
    expect(readdir(fd_small, &d), ERR_FTYPE);
}
static void readdir_ro(void) { expect(readdir(fd_dir, (struct dirent *)ro), ERR_FAULT); }
static void chdir_file(void) { expect(chdir("/README"), ERR_FTYPE); }
static void unlink_dir(void) { expect(unlink(GONE "d"), ERR_FTYPE); }
static void rmdir_full(void) { expect(rmdir(GONE "e"), ERR_NOTEMPTY); }
static void shrink_under_view(void) { expect(shm_resize(RV, PAGE), ERR_INVAL); }
static void kill_none(void) { expect(kill(0x7ffffff0), ERR_NOTEXIST); }
static void setfg_none(void) { expect(setfg(0x7ffffff0), ERR_CHILD); }
static void wait_ro(void) { expect(wait(-1, (int *)ro), ERR_FAULT); }
static void futex_timeout(void)
{
    int w = 0;
    expect(futex(&w, FUTEX_WAIT, 0, 1), ERR_TIMEDOUT);
}
static void munmap_view(void) { expect(munmap(ro, PAGE), ERR_INVAL); }
static void open_long(void)
{
    expect(open("/abcdefghijklmnopqrstuvwxyz0123", FS_RDWR | FS_CREAT, EMPTY_MODE), ERR_INVAL);
}
static void read_pipe_ro(void) { expect(read(pfd[0], ro, 1), ERR_FAULT); }
static void write_unmapped(void) { expect(write(pfd[1], (void *)UNMAPPED, 1), ERR_FAULT); }

static const struct {
    const char *name;
    void (*fn)(void);
} calls[] = {
    { "pipe into a read-only view", pipe_ro }, { "mmap into a read-only view", mmap_ro },
    { "shm_map into a read-only view", shm_map_ro }, { "mkdir in a removed cwd", mkdir_gone },
    { "open+FS_CREAT in a removed cwd", creat_gone }, { "link into a removed cwd", link_gone },
    { "spawnv of 199 words", spawnv_many }, { "spawn of /", spawn_root },
    { "fstat of a pipe", fstat_pipe }, { "readdir of a file", readdir_file },
    { "readdir into a read-only view", readdir_ro }, { "chdir to a file", chdir_file },
    { "unlink of a directory", unlink_dir }, { "rmdir of a full directory", rmdir_full },
    { "a shrink under a view", shrink_under_view }, { "kill of no process", kill_none },
    { "setfg of no process", setfg_none }, { "wait into a read-only view", wait_ro },
    { "a futex wait timing out", futex_timeout }, { "munmap of a view", munmap_view },
    { "open of a 30-byte name", open_long }, { "read into a read-only view", read_pipe_ro },
    { "write from unmapped memory", write_unmapped },
};

/* Each failing call TIMES times, the free frames unmoved. */
static void repeated(void)
{
    fd_small = open_ok("/smallfile", FS_RDONLY);
    fd_dir = open_ok("/", FS_RDONLY);
    expect(pipe(pfd), ERR_OK);
    ro = ro_view();
    for (int i = 0; i < 199; i++)
        words[i] = "echo";
    remove_file(GONE "e/f");
    remove_file(GONE "e");
    remove_file(GONE "d");
    remove_file(GONE);
    expect(mkdir(GONE "d"), ERR_OK);
    expect(mkdir(GONE "e"), ERR_OK);
    make_file(GONE "e/f", "x");
    expect(mkdir(GONE), ERR_OK);
    expect(chdir(GONE), ERR_OK);
    expect(rmdir(GONE), ERR_OK);
    for (size_t c = 0; c < NELEM(calls); c++)
        repeat_unmoved(calls[c].fn, TIMES, calls[c].name);
    expect(chdir("/"), ERR_OK);
    remove_file(GONE "e/f");
    remove_file(GONE "e");
    remove_file(GONE "d");
}

int main(void)
{
    run_step(into_ro_view, "into a read-only view");
    run_step(into_ro_file, "into a read-only file mapping");
    run_step(file_into_itself, "a file into its own mapping");
    run_step(names_at_limits, "names at their limits");
    run_step(own_pids, "own pids");
    run_step(below_stack, "below the stack");
    run_step(repeated, "failing calls repeated");
    shm_destroy(RV);
    pass("hostile_edges");
    return 0;
}
