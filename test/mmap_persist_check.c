/*
 * mmap_persist_check: the second half of the file-mapping reboot test, run
 * after mmap_persist_write, a halt and a fresh boot on the same disk image.
 * /persist.dat must hold, from the disk:
 *   (a) the MAP_SHARED write made before munmap;
 *   (b) the one made by a process that exited without munmap;
 *   (c) the one still mapped when the machine halted;
 * and not (d), the MAP_PRIVATE writes; its size must not have changed.
 * It removes the file at the end.
 * Helper of the reboot machinery: run alone (no /persist.dat), it fails.
 */
// test: helper
#include "testlib.h"

#define PATH "/persist.dat"
#define PERSIST_SIZE (3 * 4096 + 100)

static char pattern(int i)
{
    return (char)('a' + i % 26);
}

int main(void)
{
    static char buf[PERSIST_SIZE + 64];
    int fd = open(PATH, FS_RDONLY, EMPTY_MODE);
    if (fd == ERR_NOTEXIST)
        error("%s is absent: run mmap_persist_write, halt, and boot the same image first", PATH);
    expect(close(fd), ERR_OK);
    expect(stat_of(PATH).size, PERSIST_SIZE);
    expect(read_file(PATH, buf, sizeof(buf)), PERSIST_SIZE);
    if (memcmp(buf + 10, "SHARED-A", 8) != 0 || memcmp(buf + 4096 - 4, "SPANS-PAGES", 11) != 0)
        error("(a) the MAP_SHARED write made before munmap is not on disk");
    if (memcmp(buf + 2 * 4096 + 20, "SHARED-B", 8) != 0)
        error("(b) the MAP_SHARED write of a process that exited is not on disk");
    if (memcmp(buf + 3 * 4096 + 50, "SHARED-C", 8) != 0)
        error("(c) the MAP_SHARED write still mapped at halt is not on disk");
    if (buf[30] != pattern(30) || buf[3 * 4096 + 40] != pattern(3 * 4096 + 40))
        error("(d) a MAP_PRIVATE write reached the file");
    for (int i = 0; i < PERSIST_SIZE; i++) {
        bool changed = (i >= 10 && i < 18) || (i >= 4092 && i < 4103) ||
                       (i >= 2 * 4096 + 20 && i < 2 * 4096 + 28) ||
                       (i >= 3 * 4096 + 50 && i < 3 * 4096 + 58);
        if (!changed && buf[i] != pattern(i))
            error("byte %d is %d, expected %d", i, buf[i], pattern(i));
    }
    remove_file(PATH);
    pass("mmap_persist_check: shared writes (a) (b) (c) survived the reboot, private (d) did not reach the file");
    return 0;
}
