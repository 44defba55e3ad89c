/*
 * mmap_persist_check: the second half of the file-mapping reboot test, run
 * after mmap_persist_write, a halt and a fresh boot on the same disk image.
 * /persist.dat must hold, from the disk, every MAP_SHARED store (made
 * before munmap, before exit, or still mapped at halt; also one made after
 * another view of its page was written back) and every write() (into pages
 * that live mappings only read or had dirtied, and the tail appended while
 * mapped), and none of the MAP_PRIVATE stores; its size is the written
 * size plus the tail: a store past the end never grew it (mmap_persist.h
 * lists the changes). It removes the file at the end.
 * Helper of the reboot machinery: run alone (no /persist.dat), it fails.
 */
// test: helper
#include "testlib.h"
#include "mmap_persist.h"

int main(void)
{
    static char buf[PERSIST_SIZE + 4096];
    check_after_reboot(PERSIST_PATH, PERSIST_SIZE + TAIL_LEN, buf, sizeof(buf), persist_expect,
                       "mmap_persist_write");
    pass("mmap_persist_check: shared stores and write()s survived the halt, private stores did not reach the file");
    return 0;
}
