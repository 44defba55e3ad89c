/*
 * mmap_nomem: a shared mapping's stores reach the file even when munmap
 * finds no free frame.
 *
 * Writing a dirty page back used to take a bounce frame from pmem; with
 * none free, the page was dropped with a console line ("[filemap] ...
 * not written back: error -1") while munmap still returned ERR_OK, so the
 * stores were lost. The fuzz-like run that found it: hundreds of fork
 * children storing into one MAP_SHARED page, killed at once while memory
 * was full. Here one process stores into two pages of a shared mapping
 * (the second store ends past the end of the file, which must not grow),
 * takes every free frame (fstat into fresh heap pages until ERR_NOMEM,
 * a kernel store that fails cleanly) and unmaps: ERR_OK, and once memory
 * is given back read() finds both stores in the file, and only the
 * file's own bytes past them.
 */
// test: timeout=90 mem=16M
#include "vmlib.h"
#include <lib/mman.h>
#include <lib/shm.h>

#define F "/mmap_nomem.dat"          /* not "/mmap_nomem": the program itself */
#define SIZE (PAGE + 100)

static char a_byte(size_t i)
{
    (void)i;
    return 'a';
}

/* Takes every free frame, one heap page at a time (a fresh leaf table
 * may take one more); user stores fill most of it first. */
static void take_all(int fd)
{
    long n = free_pages() - 64;
    if (n > 0)
        write_pages(heap_pages(n), n, 1);
    for (;;) {
        char *p = sbrk(PAGE);
        if (p == (char *)ERR_NOMEM)
            break;
        if (fstat(fd, (struct stat *)p) != ERR_OK) {
            sbrk(-(int)PAGE);
            break;
        }
    }
    expect(free_pages(), 0);
}

int main(void)
{
    warm_up_stack();
    make_file_of(F, SIZE, a_byte);
    int fd = open_ok(F, FS_RDWR);
    char *m;
    expect(mmap(fd, 0, 2 * PAGE, SHM_READ | SHM_WRITE, MAP_SHARED, (void **)&m), ERR_OK);
    m[5] = 'X';
    m[PAGE + 99] = 'Y';                 /* the file's last byte */
    m[PAGE + 100] = 'Z';                /* past the end: never the file's */

    char *start = sbrk(0);
    take_all(fd);
    expect(munmap(m, 2 * PAGE), ERR_OK);
    heap_set_break(start);

    static char buf[SIZE + 16];
    expect(stat_of(F).size, SIZE);
    expect(read_file(F, buf, sizeof(buf)), SIZE);
    for (size_t i = 0; i < SIZE; i++) {
        char want = i == 5 ? 'X' : i == PAGE + 99 ? 'Y' : 'a';
        if (buf[i] != want)
            error("byte %ld of the file is '%c', expected '%c'", (long)i, buf[i], want);
    }
    expect(close(fd), ERR_OK);
    remove_file(F);
    pass("mmap_nomem");
    return 0;
}
