/*
 * hostile_share: fork's shared leaf tables (vpmap.h) when the parent
 * shrinks its heap inside a shared span before it touches the span again.
 *
 * The heap ends on a 2 MiB boundary, its last span whole; the parent
 * writes the first half of that span (tag 1) and forks, so the span's
 * table is shared, the parent's pointer to it detached and never
 * write-protected. The parent then gives back the last quarter of the
 * span (nothing mapped there, so no copy is needed) and writes the first
 * half again, by user stores (tag 2) and by a kernel store (read() into
 * the heap); the child, blocked meanwhile, must still see tag 1 and its
 * file bytes untouched, and its own stores must not reach the parent.
 * Before the fix the unmap attached the detached table as it was, W bits
 * and all: the parent's stores went straight into the child's frames.
 * Then the same with a quarter that was touched (the table is copied
 * before the unmap), and the frames all come back (the runner's check).
 */
// test: timeout=30
#include "vmlib.h"

#define SPAN (2L << 20)
#define SPAN_PAGES (SPAN / (long)PAGE)
#define HALF (SPAN_PAGES / 2)
#define KBYTES 100                     /* the kernel store's bytes, page 0 */

/* Fork after writing pages [0, HALF) and touching [0, touched) of the
 * span at span, shrink the heap by a quarter span, write again: the child
 * sees only its own memory. */
static void shrink_after_fork(char *span, long touched, const char *what)
{
    write_pages(span, touched, 1);
    struct channel go, done;
    chan_open(&go);
    chan_open(&done);
    int pid = fork_ok();
    if (pid == 0) {
        chan_take(&go);
        long bad = check_pages(span, HALF, 1);
        for (int i = 8; i < KBYTES; i++)
            bad += span[i] != 0;
        write_pages(span, HALF, 3);
        chan_post(&done);
        exit((int)bad);
    }
    expect((long)sbrk(-(int)(SPAN / 4)), (long)(span + SPAN));
    write_pages(span, HALF, 2);
    int fd = open_ok("/README", FS_RDONLY);
    expect(read(fd, span + 8, KBYTES - 8), KBYTES - 8);
    expect(close(fd), ERR_OK);
    chan_post(&go);
    chan_take(&done);
    int bad = wait_for(pid);
    if (bad)
        error("%s: the child saw %d of the parent's stores", what, bad);
    expect(check_pages(span, HALF, 2), 0);
    expect(span[8] != 0, 1);
    expect((long)sbrk((int)(SPAN / 4)), (long)(span + SPAN - SPAN / 4));
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    char *brk = sbrk(0);
    long pad = (long)(-(uintptr_t)brk & (SPAN - 1));
    if (pad)
        heap_pages(pad / (long)PAGE);
    char *span = heap_pages(SPAN_PAGES);
    if ((uintptr_t)span & (SPAN - 1))
        error("the heap's span at %p is not 2 MiB aligned", span);
    shrink_after_fork(span, HALF, "an untouched quarter given back");
    memset(span, 0, SPAN);
    shrink_after_fork(span, SPAN_PAGES, "a touched quarter given back");
    heap_set_break(brk);
    pass("hostile_share");
    return 0;
}
