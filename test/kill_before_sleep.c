/*
 * kill_before_sleep: a kill that comes while a process is on its way into
 * a killable sleep, in the same system call but not yet asleep, is not
 * lost: the sleep ends at once (sched.c's sleep_on looks at the killed
 * flag before it sleeps, under the lock the killer's wakeup takes).
 *
 * The way in is made long: a reader process keeps reading a 2 MiB file
 * in 1 MiB chunks, each holding the file's page cache lock while it waits
 * for the disk. Each round a child sets a shared word and waits on a futex
 * word in its shared mapping of that file (0, as the file is): the futex
 * call first faults the page in, which waits for that lock (a sleep no
 * kill ends), and only then sleeps on the futex with no timeout. The test
 * kills the child as soon as the shared word is set, so kills often come
 * while it waits for the lock. A kill lost there leaves the child asleep
 * for ever and the test times out: without the look before the sleep,
 * 8 runs of 8 did, on 4 harts and on 1, where proc_kill, kill_storm and
 * hostile_pipes passed (their kills come once a child is seen asleep, or
 * at random moments, for which the window is too narrow).
 */
// test: timeout=15

#include "shmlib.h"
#include <lib/mman.h>

#define F "/kill_before_sleep.dat"   /* not "/kill_before_sleep": the program itself */
#define FILE_SIZE (2 << 20)
#define ROUNDS 20
#define REGION "kill_before_sleep"

static char buf[64 * 1024];

/* Reads F whole again and again (until killed), holding its page cache
 * lock a chunk at a time. */
static void reader(int arg)
{
    (void)arg;
    char *big = sbrk(FILE_SIZE);
    if (big == (char *)ERR_NOMEM)
        error("sbrk(%d) failed", FILE_SIZE);
    for (;;) {
        int fd = open_ok(F, FS_RDONLY);
        expect(read_all(fd, big, FILE_SIZE), FILE_SIZE);
        close(fd);
    }
}

int main(void)
{
    remove_file(F);
    int fd = open_ok(F, FS_RDWR | FS_CREAT);
    for (int done = 0; done < FILE_SIZE; done += sizeof(buf))
        write_all(fd, buf, sizeof(buf));
    void *map;
    expect(mmap(fd, 0, PAGE, SHM_READ, MAP_SHARED, &map), ERR_OK);
    expect(close(fd), ERR_OK);
    expect(shm_create(REGION, PAGE, RS_DEFAULT), ERR_OK);
    volatile int *set = map_ok(REGION, SHM_READ | SHM_WRITE);
    int reading = fork_worker(reader, 0);
    for (int round = 0; round < ROUNDS; round++) {
        *set = 0;
        int pid = fork_ok();
        if (pid == 0) {
            *set = 1;
            futex((int *)map, FUTEX_WAIT, 0, 0);
            exit(2);
        }
        while (*set == 0)
            ;
        expect(kill(pid), ERR_OK);
        expect_exit(pid, -1);          /* a lost kill: for ever */
    }
    kill_and_reap(reading);
    expect(munmap(map, PAGE), ERR_OK);
    expect(shm_unmap(REGION, (void *)set), ERR_OK);
    expect(shm_destroy(REGION), ERR_OK);
    remove_file(F);
    pass("kill_before_sleep");
    return 0;
}
