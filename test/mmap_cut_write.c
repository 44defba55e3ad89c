/*
 * mmap_cut_write: the first half of the mmap_persist scenario's power cut
 * (the second is
 * mmap_cut_check, after a power cut, not a halt, and a boot on the same
 * image). A MAP_SHARED store is on the disk once munmap, or the exit of
 * its process, returned: it makes /cut.dat, stores and unmaps, has a
 * child store and exit (reaped), write()s, and prints its pass line; the
 * scenario then kills QEMU at once.
 */
// test: helper
#include "testlib.h"
#include <lib/shm.h>
#include <lib/mman.h>
#include "mmap_cut.h"

static char *map_shared(int fd)
{
    char *a = NULL;
    expect(mmap(fd, 0, CUT_SIZE, SHM_READ | SHM_WRITE, MAP_SHARED, (void **)&a), ERR_OK);
    return a;
}

int main(void)
{
    make_file_of(CUT_PATH, CUT_SIZE, pattern);
    int fd = open_ok(CUT_PATH, FS_RDWR);
    char *m = map_shared(fd);
    memcpy(m + 100, "UNMAPPED", 8);
    expect(munmap(m, CUT_SIZE), ERR_OK);
    int pid = fork();
    if (pid == 0) {
        memcpy(map_shared(fd) + 4096 - 3, "EXITED-ACROSS", 13);
        exit(0);
    }
    expect_exit(pid, 0);
    write_at(CUT_PATH, 2 * 4096 + 10, "WRITTEN", 7);
    expect(close(fd), ERR_OK);
    pass("mmap_cut_write: stored, unmapped, reaped and written; cut the power now");
    return 0;
}
