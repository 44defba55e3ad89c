/*
 * shm_smoke: the main paths of named shared memory in one quick pass:
 * create, map in parent and child at different addresses, writes seen
 * across a page boundary both ways, a mutex_t counter from 4 processes,
 * a futex timeout, destroy, and a shared file mapping.
 */
#include "testlib.h"
#include <lib/sync.h>
#include <lib/shm.h>
#include <lib/mman.h>

struct shared {
    mutex_t lock;
    long counter;
};

int main(void)
{
    expect(shm_create("smoke", 3 * 4096, RS_DEFAULT), ERR_OK);
    expect(shm_create("smoke", 4096, RS_DEFAULT), ERR_EXIST);
    char *a;
    expect(shm_map("smoke", (void **)&a, SHM_READ | SHM_WRITE), ERR_OK);
    struct shared *s = (struct shared *)a;
    mutex_init(&s->lock);
    s->counter = 0;
    int pid = fork();
    if (pid == 0) {
        char *b;
        expect(shm_map("smoke", (void **)&b, SHM_READ | SHM_WRITE), ERR_OK);
        assert(b != a);
        b[4095] = 'x';
        b[4096] = 'y';
        exit(0);
    }
    int status;
    expect(wait(pid, &status), pid);
    expect(status, 0);
    assert(a[4095] == 'x' && a[4096] == 'y');

    for (int i = 0; i < 4; i++)
        if (fork() == 0) {
            for (int j = 0; j < 2000; j++) {
                mutex_lock(&s->lock);
                s->counter++;
                mutex_unlock(&s->lock);
            }
            exit(0);
        }
    for (int i = 0; i < 4; i++)
        assert(wait(-1, &status) > 0 && status == 0);
    expect(s->counter, 8000);

    int word = 7;
    expect(futex(&word, FUTEX_WAIT, 8, 0), ERR_AGAIN);
    expect(futex(&word, FUTEX_WAIT, 7, 50), ERR_TIMEDOUT);
    expect(futex(&word, FUTEX_WAKE, 1, 0), 0);

    expect(shm_destroy("smoke"), ERR_INVAL);          /* we still map it */
    expect(shm_unmap("smoke", a), ERR_OK);
    expect(shm_destroy("smoke"), ERR_OK);
    expect(shm_destroy("smoke"), ERR_NOTEXIST);

    int fd = open("mapped", FS_RDWR | FS_CREAT, 0);
    assert(fd >= 0);
    expect(write(fd, "hello, file", 11), 11);
    char *m;
    expect(mmap(fd, 0, 4096, SHM_READ | SHM_WRITE, MAP_SHARED, (void **)&m), ERR_OK);
    assert(m[0] == 'h' && m[4] == 'o');
    m[0] = 'J';
    expect(munmap(m, 4096), ERR_OK);
    char buf[12] = {0};
    close(fd);
    fd = open("mapped", FS_RDONLY, 0);
    expect(read(fd, buf, 11), 11);
    assert(buf[0] == 'J' && buf[1] == 'e');
    close(fd);
    unlink("mapped");
    pass("shm_smoke");
    return 0;
}
