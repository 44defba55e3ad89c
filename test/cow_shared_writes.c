/*
 * cow_shared_writes: parent and children writing the same shared pages
 * each see only their own writes.
 *
 * 1. In turn, exactly: the parent writes all N pages first (N faults, N
 *    copies, N frames: the frames are shared), then the child writes the
 *    same pages: N faults but no copy and no frame, because the parent's
 *    copies left the child the only holder of the originals. N copies in
 *    all, never 2N.
 * 2. At once (20 times, with fresh children): the parent and three
 *    children write the same pages in a loop on all harts, each checking after every pass that it sees only
 *    its own values, while a fourth child only reads and must see the
 *    values of the fork the whole time.
 * 3. The kernel writing into a shared page (read() from a file or a pipe,
 *    info()) copies it for the writer only, on either side of the fork.
 * free_pages is back to its value before each fork once the children are
 * reaped.
 */
// test: timeout=60
#include "vmlib.h"

#define N 64
#define PASSES 20
#define REPEATS 20                /* fresh children: new copy-on-write races each time */
#define WRITERS 3

static char *heap;

static void in_turn(void)
{
    write_pages(heap, N, 1);
    struct channel ready, go;
    chan_open(&ready);
    chan_open(&go);
    warm_up_stack();                     /* any stack growth at this depth happens now */
    long f = free_pages(), copies = cow_copies();
    int pid = fork_ok();
    if (pid == 0) {
        warm_up_stack();
        chan_post(&ready);
        chan_take(&go);
        if (check_pages(heap, N, 1))
            error("the child sees the parent's writes made after the fork");
        expect_window(measure_pages(heap, N, 1, 3), N, 0, 0, "child writes second", N);
        expect(check_pages(heap, N, 3), 0);
        exit(0);
    }
    warm_up_stack();
    volatile int status = 12345;
    chan_take(&ready);
    expect_window(measure_pages(heap, N, 1, 2), N, N, N, "parent writes first", N);
    chan_post(&go);
    expect(wait(pid, (int *)&status), pid);
    expect(status, 0);
    expect(check_pages(heap, N, 2), 0);
    expect(free_pages(), f);
    /* The N copies, and the few stack pages both sides copied. */
    long made = cow_copies() - copies;
    if (made < N || made > N + 8)
        error("writing %d shared pages on both sides made %ld copies", N, made);
    chan_close(&ready);
    chan_close(&go);
}

/* Writes tag-and-pass words to every page PASSES times, checking each pass. */
static int writer(int tag)
{
    for (int pass_no = 0; pass_no < PASSES; pass_no++) {
        int t = tag * 1000 + pass_no;
        write_pages(heap, N, t);
        if (check_pages(heap, N, t))
            return 1;
    }
    return 0;
}

static int reader(void)
{
    for (int pass_no = 0; pass_no < PASSES * 2; pass_no++)
        if (check_pages(heap, N, 7))
            return 1;
    return 0;
}

static void at_once(void)
{
    write_pages(heap, N, 7);
    struct channel go;
    chan_open(&go);
    long f = free_pages();
    int pids[WRITERS + 1];
    for (int c = 0; c <= WRITERS; c++) {
        pids[c] = fork();
        if (pids[c] < 0)
            error("fork = %d", pids[c]);
        if (pids[c] == 0) {
            chan_take(&go);
            exit(c == WRITERS ? reader() : writer(c + 1));
        }
    }
    for (int c = 0; c <= WRITERS; c++)
        chan_post(&go);
    if (writer(9))
        error("the parent's pages changed under it");
    for (int c = 0; c <= WRITERS; c++) {
        int status = wait_for(pids[c]);
        if (status != 0)
            error("%s %d saw pages it did not write (status %d)",
                  c == WRITERS ? "the reader" : "writer", c, status);
    }
    expect(check_pages(heap, N, 9 * 1000 + PASSES - 1), 0);
    expect(free_pages(), f);
    chan_close(&go);
}

/* The kernel writes into page 0 (a file), 1 (a pipe) and 2 (info). */
static int kernel_writes(int tag)
{
    int fd = open("/smallfile", FS_RDONLY, EMPTY_MODE);
    if (fd < 0 || read(fd, heap, 26) != 26 || memcmp(heap, "aaaaaaaaaabbbbbbbbbbccccc\n", 26))
        return 1;
    close(fd);
    int fds[2];
    if (pipe(fds) != ERR_OK)
        return 2;
    long word = page_word(tag, 1);
    if (write(fds[1], &word, 8) != 8 || read(fds[0], heap + PAGE, 8) != 8)
        return 3;
    close(fds[0]);
    close(fds[1]);
    info((struct sys_info *)(heap + 2 * PAGE));
    if (((struct sys_info *)(heap + 2 * PAGE))->total_pages == 0)
        return 4;
    return 0;
}

static int child_kernel_writes(void) { return kernel_writes(5); }

static void kernel_copies(void)
{
    write_pages(heap, N, 11);
    long f = free_pages();
    /* The child's kernel writes; the parent's pages stay. */
    in_child(child_kernel_writes, "kernel writes into shared pages in the child");
    expect(check_pages(heap, N, 11), 0);
    expect(free_pages(), f);
    /* The parent's kernel writes while a child holds the pages. */
    struct channel done;
    chan_open(&done);
    int pid = fork();
    if (pid == 0) {
        chan_take(&done);
        exit(check_pages(heap, N, 11) ? 1 : 0);
    }
    expect(kernel_writes(6), 0);
    chan_post(&done);
    expect(wait_for(pid), 0);
    for (long i = 3; i < N; i++)                       /* pages 0-2 now hold kernel data */
        expect(*(volatile long *)(heap + i * PAGE), page_word(11, i));
    chan_close(&done);
    expect(free_pages(), f);
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    heap = heap_pages(N);
    write_pages(heap, N, 1);
    warm_up_stack();

    in_turn();
    for (int r = 0; r < REPEATS; r++)
        at_once();
    kernel_copies();

    pass("cow_shared_writes: in turn (%d copies for %d pages), at once, kernel writes", N, N);
    return 0;
}
