/*
 * nomem_pointers: a good pointer stays good when memory runs out.
 *
 * With no free frame, a system call whose user buffer is valid but has no
 * frame of its own yet (a page shared copy-on-write with a fork child, or
 * one never touched) cannot finish its copy. It must return ERR_NOMEM,
 * not ERR_FAULT (which says the pointer is bad), and leave things so that
 * the same call succeeds once memory is back: read() from a pipe keeps
 * the bytes in the pipe, read() from a file keeps its offset, wait()
 * leaves the child unreaped, write() sends nothing.
 *
 * Memory is run out exactly: after most of it is filled from user mode,
 * the last frames are taken one page at a time by fstat() storing into
 * fresh heap pages (a kernel store that fails cleanly, where a user store
 * would kill), all in one 2 MiB range whose page table exists already, so
 * that each page takes one frame and the first failure means none is left.
 */
// test: timeout=90 mem=64M
#include "vmlib.h"

#define SPARE 256               /* frames left to the page-by-page part */
#define RANGE_PAGES 512L       /* one page table's worth: 2 MiB */
#define RANGE (RANGE_PAGES * PAGE)
#define MSG_LEN 64

static char msg[MSG_LEN] = "bytes that wait in the pipe until memory is back, then arrive.";

/* The fork child that keeps the buffer page shared: it makes its own
 * stack private first, says so, and then needs no frame until released. */
static void sharer(struct channel *ready, struct channel *go)
{
    warm_up_stack();
    chan_post(ready);
    chan_take(go);
    exit(0);
}

/* Takes every free frame: returns the break to go back to. fd is any
 * open file, for fstat. */
static char *exhaust_memory(int fd)
{
    char *start = sbrk(0);
    /* A 2 MiB-aligned range with its page table made by a first store. */
    uintptr_t brk = (uintptr_t)start;
    heap_pages((long)((((brk + RANGE - 1) & ~(RANGE - 1)) - brk) / PAGE));
    char *range = heap_pages(RANGE_PAGES);
    *(volatile long *)range = 1;
    /* Most of the rest from user mode. */
    long n = free_pages() - SPARE;
    write_pages(heap_pages(n), n, 1);
    /* The last frames page by page: the range's pages, each taking one. */
    long i = 1;
    struct stat *st = (struct stat *)(range + i * PAGE);
    while (i < RANGE_PAGES && fstat(fd, st) == ERR_OK)
        st = (struct stat *)(range + ++i * PAGE);
    if (i == RANGE_PAGES)
        error("%ld frames still free after the whole range", free_pages());
    expect(free_pages(), 0);
    return start;
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    warm_up_stack();
    char readme[MSG_LEN], got[MSG_LEN];
    int readme_fd = open_ok("/README", FS_RDONLY);
    expect(read_all(readme_fd, readme, MSG_LEN), MSG_LEN);
    expect(close(readme_fd), ERR_OK);
    readme_fd = open_ok("/README", FS_RDONLY);

    /* The buffer: a page shared copy-on-write with the sharer. The pipe
     * holds MSG_LEN bytes. untouched is a heap page never touched. */
    char *buf = heap_pages(1);
    memset(buf, 'b', PAGE);
    char *untouched = heap_pages(1);
    int pfd[2];
    expect(pipe(pfd), ERR_OK);
    write_all(pfd[1], msg, MSG_LEN);
    struct channel ready, go;
    chan_open(&ready);
    chan_open(&go);
    int sharer_pid = fork();
    if (sharer_pid == 0)
        sharer(&ready, &go);
    expect(sharer_pid > 0, 1);
    chan_take(&ready);

    /* A child that exits at once; its exit closes the only write end of
     * done, so EOF there says it is past its user code. */
    int done[2];
    expect(pipe(done), ERR_OK);
    int child = fork();
    if (child == 0)
        exit(7);
    expect(child > 0, 1);
    expect(close(done[1]), ERR_OK);
    expect(read(done[0], got, 1), 0);
    await_state(child, PROC_INFO_ZOMBIE, "exited child");   /* its memory all freed */

    char *start = exhaust_memory(readme_fd);
    int *status = (int *)(buf + 128);
    struct stat *st = (struct stat *)(buf + 256);
    expect(read(pfd[0], buf, MSG_LEN), ERR_NOMEM);
    expect(wait(child, status), ERR_NOMEM);
    expect(fstat(readme_fd, st), ERR_NOMEM);
    expect(write(pfd[1], untouched, 16), ERR_NOMEM);
    expect(free_pages(), 0);
    /* One frame: read() from a file gets its bounce frame, not the copy. */
    heap_set_break(sbrk(0) - PAGE);
    expect(free_pages(), 1);
    expect(read(readme_fd, buf, MSG_LEN), ERR_NOMEM);
    expect(free_pages(), 1);
    for (int i = 0; i < (int)PAGE; i++)
        if (buf[i] != 'b')
            error("byte %d of the buffer changed to 0x%x", i, buf[i]);

    /* Memory back: the same calls succeed, nothing was lost. */
    heap_set_break(start);
    expect(read(pfd[0], buf, MSG_LEN), MSG_LEN);
    if (memcmp(buf, msg, MSG_LEN) != 0)
        error("the pipe's bytes changed");
    *status = 12345;
    expect(wait(child, status), child);
    expect(*status, 7);
    expect(fstat(readme_fd, st), ERR_OK);
    expect(st->size, 150);
    expect(write(pfd[1], untouched, 16), 16);
    expect(read(readme_fd, buf, MSG_LEN), MSG_LEN);
    if (memcmp(buf, readme, MSG_LEN) != 0)
        error("read() after ERR_NOMEM did not start at offset 0");

    chan_post(&go);
    expect_exit(sharer_pid, 0);
    chan_close(&ready);
    chan_close(&go);
    expect(close(pfd[0]), ERR_OK);
    expect(close(pfd[1]), ERR_OK);
    expect(close(done[0]), ERR_OK);
    expect(close(readme_fd), ERR_OK);
    pass("nomem_pointers: ERR_NOMEM, not ERR_FAULT, for good pointers; retries succeed");
    return 0;
}
