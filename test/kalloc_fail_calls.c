/*
 * kalloc_fail_calls: system calls when one of their kernel allocations
 * fails, each of them in turn (kalloc_fail, lib/bench.h): spawn, spawnv,
 * pipe, open (an existing file, and a new one), dup, shm_create, shm_map,
 * shm_lock, shm_resize, proc_list, mkdir, link, chdir, mmap, write and
 * read (some make no such allocation today: they are here for the day
 * one does). Each call must either fail with a clear error (ERR_NOMEM,
 * or ERR_NORES where a kernel table filled up) and leave nothing behind
 * (no fd, no region, no view, no process, no file, no bytes moved), or
 * succeed whole; then its effect is undone and the next allocation is
 * made to fail, until a call makes fewer allocations than asked to fail.
 * All frames come back (the runner's leak check), and the disk is checked
 * after the boot.
 */
#include "shmlib.h"
#include <lib/bench.h>
#include <lib/mman.h>
#include <lib/proc-ext.h>
#include <lib/stddef.h>

#define MAX_ALLOCS 200            /* far more than any of these calls makes */
#define NEWFILE "/kf_new"

static int result;                /* the call's return value */
static int pipefds[2];
static void *addr;

/* The lowest free fd: an fd left open by a failed call would show here. */
static int lowest_fd(void)
{
    int fd = dup(1);
    expect(close(fd), ERR_OK);
    return fd;
}

/* Each call: run it, and undo it after a success. */
static void do_spawn(void) { result = spawn("echo kalloc_fail_calls"); }
static void undo_spawn(void) { expect(wait_for(result), 2); }
static void do_pipe(void) { result = pipe(pipefds); }
static void undo_pipe(void)
{
    expect(close(pipefds[0]), ERR_OK);
    expect(close(pipefds[1]), ERR_OK);
}
static void do_open(void) { result = open("/README", FS_RDONLY, EMPTY_MODE); }
static void do_create(void) { result = open(NEWFILE, FS_RDWR | FS_CREAT, EMPTY_MODE); }
static void undo_close(void) { expect(close(result), ERR_OK); }
static void undo_create(void)
{
    expect(close(result), ERR_OK);
    expect(unlink(NEWFILE), ERR_OK);
}
static void do_dup(void) { result = dup(1); }
static void do_shm_create(void) { result = shm_create("kf_new", PAGE, RS_DEFAULT); }
static void undo_shm_create(void) { expect(shm_destroy("kf_new"), ERR_OK); }
static void do_shm_map(void) { result = shm_map("kf_old", &addr, SHM_READ | SHM_WRITE); }
static void undo_shm_map(void) { expect(shm_unmap("kf_old", addr), ERR_OK); }
static void do_shm_lock(void) { result = shm_lock("kf_old"); }   /* main maps a view */
static void undo_shm_lock(void) { expect(shm_unlock("kf_old"), ERR_OK); }
static void do_shm_resize(void) { result = shm_resize("kf_old", 4 * PAGE); }
static void undo_shm_resize(void) { expect(shm_resize("kf_old", PAGE), ERR_OK); }
static struct proc_info procs[8];
static void do_proc_list(void) { result = proc_list(procs, 8); }
static void undo_nothing(void) {}
static void do_mkdir(void) { result = mkdir(NEWFILE); }
static void undo_mkdir(void) { expect(rmdir(NEWFILE), ERR_OK); }
static void do_link(void) { result = link("/README", NEWFILE); }
static void undo_link(void) { expect(unlink(NEWFILE), ERR_OK); }
static void do_chdir(void) { result = chdir("/"); }
static void do_spawnv(void)
{
    char *const argv[] = { "echo", "two words", NULL };
    result = spawnv(argv);
}

static const struct call {
    const char *name;
    void (*run)(void);
    void (*undo)(void);
} calls[] = {
    { "spawn", do_spawn, undo_spawn },
    { "pipe", do_pipe, undo_pipe },
    { "open", do_open, undo_close },
    { "open FS_CREAT", do_create, undo_create },
    { "dup", do_dup, undo_close },
    { "shm_create", do_shm_create, undo_shm_create },
    { "shm_map", do_shm_map, undo_shm_map },
    { "shm_lock", do_shm_lock, undo_shm_lock },
    { "spawnv", do_spawnv, undo_spawn },
    { "shm_resize", do_shm_resize, undo_shm_resize },
    { "proc_list", do_proc_list, undo_nothing },
    { "mkdir", do_mkdir, undo_mkdir },
    { "link", do_link, undo_link },
    { "chdir", do_chdir, undo_nothing },
};

/* Makes each allocation of c fail in turn; checks what is left. */
static void walk(const struct call *c)
{
    int fd0 = lowest_fd(), views0 = region_views("kf_old"), failed = 0, n;
    for (n = 1; n <= MAX_ALLOCS; n++) {
        expect(kalloc_fail(n), 0);
        c->run();
        int left = kalloc_fail(0);
        if (result < 0 && left == 0) {
            if (result != ERR_NOMEM && result != ERR_NORES)
                error("%s with allocation %d failing: %d", c->name, n, result);
            failed++;
            expect(lowest_fd(), fd0);                        /* no fd left behind */
            expect(region_views("kf_new"), -1);              /* no region */
            expect(region_views("kf_old"), views0);          /* no view */
            expect(open(NEWFILE, FS_RDONLY, EMPTY_MODE), ERR_NOTEXIST);   /* no file */
            expect(wait(-1, NULL), ERR_CHILD);               /* no process */
            continue;
        }
        if (result < 0)
            error("%s failed by itself: %d", c->name, result);
        c->undo();
        if (left > 0)
            break;
    }
    if (n > MAX_ALLOCS)
        error("%s still failed with %d allocations to go", c->name, MAX_ALLOCS);
    printf("kalloc_fail_calls: %s: %d allocation(s), each failure a clean error (%d)\n",
           c->name, n - 1, failed);
}

/* mmap's allocations, with the file opened before the count starts. */
static void walk_mmap(void)
{
    int fd = open_ok("/README", FS_RDONLY), failed = 0, n;
    for (n = 1; n <= MAX_ALLOCS; n++) {
        void *view;
        expect(kalloc_fail(n), 0);
        int r = mmap(fd, 0, PAGE, SHM_READ, MAP_SHARED, &view);
        int left = kalloc_fail(0);
        if (r < 0 && left == 0) {
            expect(r, ERR_NOMEM);
            failed++;
            continue;
        }
        expect(r, ERR_OK);
        (void)((volatile char *)view)[0];                    /* the page faults in */
        expect(munmap(view, PAGE), ERR_OK);
        if (left > 0)
            break;
    }
    expect(close(fd), ERR_OK);
    printf("kalloc_fail_calls: mmap: %d allocation(s), each failure a clean error (%d)\n",
           n - 1, failed);
}

/* write() and read() of a file, 3 blocks at a time: a failure moves
 * nothing (the size, and where the next read starts, stay); a success
 * moves it all. */
static char rw[3 * 4096];

static void walk_rw(void)
{
    const char *path = "/kf_data";
    int fd = open_ok(path, FS_RDWR | FS_CREAT), failed = 0, n;
    size_t size = 0;
    for (n = 1; n <= MAX_ALLOCS; n++) {
        memset(rw, n, sizeof(rw));
        expect(kalloc_fail(n), 0);
        long r = write(fd, rw, sizeof(rw));
        int left = kalloc_fail(0);
        if (r < 0 && left == 0) {
            expect(r, ERR_NOMEM);
            expect(stat_of(path).size, size);
            failed++;
            continue;
        }
        expect(r, sizeof(rw));
        size += sizeof(rw);
        if (left > 0)
            break;
    }
    expect(close(fd), ERR_OK);
    printf("kalloc_fail_calls: write: %d allocation(s), each failure a clean error (%d)\n",
           n - 1, failed);
    fd = open_ok(path, FS_RDONLY);
    failed = 0;
    size_t done = 0;
    for (n = 1; n <= MAX_ALLOCS && done < size; n++) {
        expect(kalloc_fail(n), 0);
        long r = read(fd, rw, sizeof(rw));
        int left = kalloc_fail(0);
        if (r < 0 && left == 0) {
            expect(r, ERR_NOMEM);
            failed++;
            continue;
        }
        expect(r, sizeof(rw));
        expect(rw[0], rw[sizeof(rw) - 1]);   /* one write's bytes, whole */
        done += sizeof(rw);
        if (left > 0)
            break;
    }
    expect(close(fd), ERR_OK);
    expect(unlink(path), ERR_OK);
    printf("kalloc_fail_calls: read: %d allocation(s), each failure a clean error (%d)\n",
           n - 1, failed);
}

int main(void)
{
    remove_file(NEWFILE);
    expect(shm_create("kf_old", PAGE, RS_DEFAULT), ERR_OK);
    for (size_t i = 0; i < NELEM(calls); i++) {
        void *view = NULL;
        if (calls[i].run == do_shm_lock)         /* locking needs a view */
            expect(shm_map("kf_old", &view, SHM_READ), ERR_OK);
        walk(&calls[i]);
        if (view)
            expect(shm_unmap("kf_old", view), ERR_OK);
    }
    walk_mmap();
    walk_rw();
    expect(shm_destroy("kf_old"), ERR_OK);
    pass("kalloc_fail_calls");
    return 0;
}
