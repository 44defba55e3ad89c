/*
 * hostile_maps: spawn's words, file mappings and futexes as a hostile
 * program pushes them, in one quick pass (what spawn_args, shm_filemap,
 * mmap_coherent and shm_futex do not reach):
 *   - spawnv with its array running off the end of the heap before its
 *     NULL, a word crossing into unmapped memory, a word in the guard
 *     page below a view: ERR_FAULT; the array's NULL in the heap's last
 *     slot: it runs; spawn of "/", "." and "..": ERR_NOTEXIST; spawn of a
 *     program another process keeps appending to and rewriting with its
 *     own bytes: every spawn runs it;
 *   - munmap of part of a file mapping (its first page, its last, from
 *     its second page on, one byte past its start), of a shared view, of
 *     the heap, with a huge length: ERR_INVAL, the mapping still whole
 *     and coherent with write(); shm_unmap of a file mapping:
 *     ERR_NOTEXIST (ERR_INVAL with the empty name);
 *   - a futex waiter on a region's word whose creator unmaps and
 *     destroys the region and makes a new one of the same name: a wake
 *     through the new region reaches no one (the key is the region, not
 *     its name), the waiter times out with its word intact; a waiter on
 *     a shared file mapping's word woken by another process's mapping of
 *     the same file after a write() changed the word.
 */
// test: timeout=60
#include "vmlib.h"
#include <lib/file-ext.h>
#include <lib/mman.h>
#include <lib/proc-ext.h>
#include <lib/shm.h>
#include <lib/stddef.h>

#define PROG "/hmaps_prog"
#define FILE_M "/hmaps_file"
#define SPAWNS 20

int main(int argc, char **argv);

static char *const echo_word = "echo";

/* spawnv whose words end wrongly: ERR_FAULT, and no child. */
static void spawnv_faults(void)
{
    /* The array's last slot at the heap's end, no NULL in it. */
    char **tail = (char **)heap_end(2 * sizeof(char *));
    tail[0] = echo_word;
    tail[1] = echo_word;
    expect(spawnv(tail), ERR_FAULT);
    /* The NULL in the last slot: it runs. */
    tail[1] = NULL;
    int pid = spawnv(tail);
    expect(pid > 0, 1);
    expect_exit(pid, 1);                         /* echo exits with its argc */
    /* A word that runs into unmapped memory. */
    char *word = heap_end(4);
    memcpy(word, "echo", 4);
    char *const crossing[] = { word, NULL };
    expect(spawnv(crossing), ERR_FAULT);
    char *const second[] = { echo_word, word, NULL };
    expect(spawnv(second), ERR_FAULT);
    /* A word in the guard page below a view. */
    shm_destroy("hmaps_g");
    expect(shm_create("hmaps_g", PAGE, RS_DEFAULT), ERR_OK);
    char *view = NULL;
    expect(shm_map("hmaps_g", (void **)&view, SHM_READ | SHM_WRITE), ERR_OK);
    char *const guard[] = { echo_word, view - 16, NULL };
    expect(spawnv(guard), ERR_FAULT);
    char *const guard0[] = { view - 1, NULL };
    expect(spawnv(guard0), ERR_FAULT);
    expect(spawnv((char *const *)(view - 8)), ERR_FAULT);
    expect(shm_unmap("hmaps_g", view), ERR_OK);
    expect(shm_destroy("hmaps_g"), ERR_OK);
    expect(wait(-1, NULL), ERR_CHILD);
    expect(spawn("/"), ERR_NOTEXIST);
    expect(spawn("."), ERR_NOTEXIST);
    expect(spawn(".."), ERR_NOTEXIST);
}

/* Copies /echo to PROG. */
static size_t copy_program(void)
{
    static char image[64 * 1024];
    int in = open_ok("/echo", FS_RDONLY);
    size_t n = read_all(in, image, sizeof(image));
    expect(close(in), ERR_OK);
    if (n == sizeof(image))
        error("/echo is larger than %ld bytes", (long)sizeof(image));
    remove_file(PROG);
    int out = open_ok(PROG, FS_WRONLY | FS_CREAT);
    write_all(out, image, n);
    expect(close(out), ERR_OK);
    return n;
}

/* The writer: appends junk past the program's end and writes its first
 * bytes again with what they hold, until the word at stop is set. */
static void rewriter(volatile int *stop)
{
    char head[512], junk[700];
    memset(junk, 'j', sizeof(junk));
    int fd = open_ok(PROG, FS_RDONLY);
    expect(read_all(fd, head, sizeof(head)), sizeof(head));
    expect(close(fd), ERR_OK);
    while (!*stop) {
        write_at(PROG, 0, head, sizeof(head));
        int app = open_ok(PROG, FS_WRONLY | FS_APPEND);
        write_all(app, junk, sizeof(junk));
        expect(close(app), ERR_OK);
    }
}

/* Spawns PROG while another process writes it: always the same program. */
static void spawn_while_written(void)
{
    copy_program();
    shm_destroy("hmaps_stop");
    expect(shm_create("hmaps_stop", PAGE, RS_DEFAULT), ERR_OK);
    volatile int *stop = NULL;
    expect(shm_map("hmaps_stop", (void **)&stop, SHM_READ | SHM_WRITE), ERR_OK);
    int wpid = fork_ok();
    if (wpid == 0) {
        rewriter(stop);
        exit(0);
    }
    for (int i = 0; i < SPAWNS; i++) {
        int pid = spawn(PROG);
        if (pid < 0)
            error("spawn %d of a program being written = %d", i, pid);
        expect_exit(pid, 1);
    }
    *stop = 1;
    expect_exit(wpid, 0);
    expect(shm_unmap("hmaps_stop", (void *)stop), ERR_OK);
    expect(shm_destroy("hmaps_stop"), ERR_OK);
    expect(unlink(PROG), ERR_OK);
}

static char file_byte(size_t i)
{
    return (char)('a' + i % 26);
}

/* munmap of anything but a whole mapping changes nothing. */
static void munmap_parts(void)
{
    make_file_of(FILE_M, 3 * PAGE, file_byte);
    int fd = open_ok(FILE_M, FS_RDWR);
    char *m = NULL;
    expect(mmap(fd, 0, 3 * PAGE, SHM_READ | SHM_WRITE, MAP_SHARED, (void **)&m), ERR_OK);
    expect(m[0], 'a');
    expect(munmap(m, PAGE), ERR_INVAL);
    expect(munmap(m + PAGE, 2 * PAGE), ERR_INVAL);
    expect(munmap(m + 2 * PAGE, PAGE), ERR_INVAL);
    expect(munmap(m + 1, 3 * PAGE - 1), ERR_INVAL);
    expect(munmap(m, 4 * PAGE), ERR_INVAL);
    expect(munmap(m, (size_t)-1), ERR_INVAL);
    expect(munmap(m, (size_t)-PAGE), ERR_INVAL);
    expect(munmap(m, 0), ERR_INVAL);
    expect(munmap((char *)sbrk(0) - PAGE, PAGE), ERR_INVAL);
    expect(shm_unmap(FILE_M, m), ERR_NOTEXIST);
    expect(shm_unmap("", m), ERR_INVAL);
    shm_destroy("hmaps_v");
    expect(shm_create("hmaps_v", PAGE, RS_DEFAULT), ERR_OK);
    char *view = NULL;
    expect(shm_map("hmaps_v", (void **)&view, SHM_READ | SHM_WRITE), ERR_OK);
    expect(munmap(view, PAGE), ERR_INVAL);
    expect(shm_unmap("hmaps_v", view), ERR_OK);
    expect(shm_destroy("hmaps_v"), ERR_OK);
    /* Still whole: every page readable, and coherent with write(). */
    for (int p = 0; p < 3; p++)
        expect(m[p * PAGE + 5], file_byte(p * PAGE + 5));
    write_at(FILE_M, 2 * PAGE + 7, "Z", 1);
    expect(m[2 * PAGE + 7], 'Z');
    m[PAGE] = 'Y';
    expect(munmap(m, 3 * PAGE - 100), ERR_OK);   /* its length as given, rounded */
    expect(close(fd), ERR_OK);
    char buf[3 * PAGE + 1];
    expect(read_file(FILE_M, buf, sizeof(buf)), 3 * PAGE);
    expect(buf[PAGE], 'Y');
    expect(buf[2 * PAGE + 7], 'Z');
}

/* Forks a child that waits on word while it holds val (timeout ms) and
 * exits with the futex's result; returns once the child is about to wait
 * and then some, so it is most likely waiting. */
static int fork_waiter(int *word, int val, unsigned int ms)
{
    int go[2];
    expect(pipe(go), ERR_OK);
    int pid = fork_ok();
    if (pid == 0) {
        close(go[0]);
        expect(write(go[1], "w", 1), 1);
        exit(futex(word, FUTEX_WAIT, val, ms));
    }
    expect(close(go[1]), ERR_OK);
    char c;
    expect(read(go[0], &c, 1), 1);
    expect(close(go[0]), ERR_OK);
    msleep(50);
    return pid;
}

/* A waiter on a region that is destroyed and made anew under it. */
static void futex_region_replaced(void)
{
    shm_destroy("hmaps_f");
    expect(shm_create("hmaps_f", PAGE, RS_DEFAULT), ERR_OK);
    int *word = NULL;
    expect(shm_map("hmaps_f", (void **)&word, SHM_READ | SHM_WRITE), ERR_OK);
    *word = 5;
    int pid = fork_waiter(word, 5, 400);
    expect(shm_unmap("hmaps_f", word), ERR_OK);
    expect(shm_destroy("hmaps_f"), ERR_OK);
    expect(shm_create("hmaps_f", PAGE, RS_DEFAULT), ERR_OK);
    int *fresh = NULL;
    expect(shm_map("hmaps_f", (void **)&fresh, SHM_READ | SHM_WRITE), ERR_OK);
    expect(futex(fresh, FUTEX_WAKE, 100, 0), 0);
    expect_exit(pid, ERR_TIMEDOUT);
    expect(shm_unmap("hmaps_f", fresh), ERR_OK);
    expect(shm_destroy("hmaps_f"), ERR_OK);
}

/* A waiter on a shared file mapping, woken through another process's
 * mapping of the file after write() changed the word. */
static void futex_file_word(void)
{
    make_file_of(FILE_M, PAGE, file_byte);
    int fd = open_ok(FILE_M, FS_RDWR);
    int *m = NULL;
    expect(mmap(fd, 0, PAGE, SHM_READ, MAP_SHARED, (void **)&m), ERR_OK);
    int old = m[10];
    int pid = fork_waiter(&m[10], old, 5000);
    int v = 0x12345678;
    write_at(FILE_M, 10 * sizeof(int), &v, sizeof(v));
    int fd2 = open_ok(FILE_M, FS_RDONLY);
    int *m2 = NULL;
    expect(mmap(fd2, 0, PAGE, SHM_READ, MAP_SHARED, (void **)&m2), ERR_OK);
    expect(m2[10], v);
    int woken = 0;
    for (int tries = 0; tries < 500 && woken == 0; tries++) {
        woken = futex(&m2[10], FUTEX_WAKE, 1, 0);
        if (woken == 0)
            msleep(10);
    }
    int status = wait_for(pid);      /* ERR_AGAIN: it came too late to wait */
    if (!(woken == 1 && status == ERR_OK) && !(woken == 0 && status == ERR_AGAIN))
        error("a file mapping's futex: %d woken, the waiter exited with %d", woken, status);
    expect(munmap(m2, PAGE), ERR_OK);
    expect(munmap(m, PAGE), ERR_OK);
    expect(close(fd2), ERR_OK);
    expect(close(fd), ERR_OK);
    expect(unlink(FILE_M), ERR_OK);
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    spawnv_faults();
    spawn_while_written();
    munmap_parts();
    futex_region_replaced();
    futex_file_word();
    pass("hostile_maps");
    return 0;
}
