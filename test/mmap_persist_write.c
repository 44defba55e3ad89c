/*
 * mmap_persist_write: the first half of the file-mapping reboot test (the
 * second is mmap_persist_check, run after the machine halted and booted
 * again on the same disk image). It makes /persist.dat (PERSIST_SIZE bytes
 * of a known pattern) and changes it through file mappings three ways:
 *   (a) MAP_SHARED write, then munmap;
 *   (b) MAP_SHARED write by a child that exits without munmap;
 *   (c) MAP_SHARED write by a child that is still mapping the file when the
 *       machine halts (it sleeps; halt writes mapped files back);
 *   (d) MAP_PRIVATE writes (never reach the file).
 * It checks (a), (b) and (d) with read() before the reboot. (c) can only be
 * checked after it.
 * Helper of the reboot machinery, not a test of its own: the runner boots,
 * runs this, halts (`quit`), boots the same image again and runs
 * mmap_persist_check. It leaves a sleeping child (c) behind on purpose, so
 * it needs `no-leak-check` and no test may run after it in that boot.
 */
// test: helper
#include "testlib.h"
#include <lib/shm.h>
#include <lib/mman.h>

#define PATH "/persist.dat"
#define PERSIST_SIZE (3 * 4096 + 100)

static char pattern(int i)
{
    return (char)('a' + i % 26);
}

static char *map_file(int fd, size_t len, int prot, int flags)
{
    char *a = NULL;
    int r = mmap(fd, 0, len, prot, flags, (void **)&a);
    if (r != ERR_OK)
        error("mmap(%s, flags %d) = %d", PATH, flags, r);
    return a;
}

int main(void)
{
    static char buf[PERSIST_SIZE + 1];
    for (int i = 0; i < PERSIST_SIZE; i++)
        buf[i] = pattern(i);
    remove_file(PATH);
    int fd = open_ok(PATH, FS_RDWR | FS_CREAT);
    write_all(fd, buf, PERSIST_SIZE);

    /* (a) */
    char *m = map_file(fd, PERSIST_SIZE, SHM_READ | SHM_WRITE, MAP_SHARED);
    memcpy(m + 10, "SHARED-A", 8);
    memcpy(m + 4096 - 4, "SPANS-PAGES", 11);
    expect(munmap(m, PERSIST_SIZE), ERR_OK);

    /* (b) */
    int pid = fork();
    if (pid == 0) {
        char *c = map_file(fd, PERSIST_SIZE, SHM_READ | SHM_WRITE, MAP_SHARED);
        memcpy(c + 2 * 4096 + 20, "SHARED-B", 8);
        exit(0);
    }
    int status = -5;
    expect(wait(pid, &status), pid);
    expect(status, 0);

    /* (d) */
    char *p = map_file(fd, PERSIST_SIZE, SHM_READ | SHM_WRITE, MAP_PRIVATE);
    memcpy(p + 30, "PRIVATE!", 8);
    memcpy(p + 3 * 4096 + 40, "PRIVATE!", 8);
    expect(munmap(p, PERSIST_SIZE), ERR_OK);

    /* Before the reboot, through read(). */
    expect(read_file(PATH, buf, sizeof(buf)), PERSIST_SIZE);
    assert(memcmp(buf + 10, "SHARED-A", 8) == 0);
    assert(memcmp(buf + 4096 - 4, "SPANS-PAGES", 11) == 0);
    assert(memcmp(buf + 2 * 4096 + 20, "SHARED-B", 8) == 0);
    expect(buf[30], pattern(30));
    expect(buf[3 * 4096 + 40], pattern(3 * 4096 + 40));

    /* (c): a child keeps a dirty shared mapping until the machine halts. */
    int pipefd[2];
    expect(pipe(pipefd), ERR_OK);
    pid = fork();
    if (pid == 0) {
        char *c = map_file(fd, PERSIST_SIZE, SHM_READ | SHM_WRITE, MAP_SHARED);
        memcpy(c + 3 * 4096 + 50, "SHARED-C", 8);
        expect(write(pipefd[1], "x", 1), 1);
        for (;;)
            sleep(1000);                 /* still mapped at halt */
    }
    char x;
    expect(read(pipefd[0], &x, 1), 1);
    expect(close(fd), ERR_OK);
    pass("mmap_persist_write: (a) (b) (d) checked; (c) held by pid %d until halt", pid);
    return 0;
}
