/*
 * mmap_halt_write: the first half of a second file-mapping reboot test
 * (the second is mmap_halt_check, after a halt and a boot on the same
 * image), for what mmap_persist leaves out. It makes /halt.dat and changes
 * it through MAP_SHARED mappings:
 *   (k) a child stores and is killed, then reaped; another stores and is
 *       killed right before the halt, never reaped (its exit's write-back
 *       races the halt's);
 *   (w) a store then a write() at the same bytes, and a write() then a
 *       store (the later one must be on the disk), the mapping live at halt;
 *   (f) a fork child stores to a page its parent only read, and exits;
 *       a parent stores, forks, and the child stores to that page too and
 *       lives on with it until halt;
 *   (t) two processes store at the same bytes; the first unmaps (written
 *       back), the second, whose store came later, lives until halt;
 *   (g) a store past the end, then write() appends over it (its bytes
 *       win), then the mapping stores there again without a fault.
 * It checks with read() before the halt. Helper of the reboot machinery:
 * it leaves sleeping children behind for the halt.
 */
// test: helper
#include "testlib.h"
#include <lib/shm.h>
#include <lib/mman.h>
#include "mmap_halt.h"

static int fd;
static int ready[2];   /* children say they are ready */
static int go[2];      /* the parent says go on */

static char *map_shared(void)
{
    char *a = NULL;
    expect(mmap(fd, 0, HALT_MAP, SHM_READ | SHM_WRITE, MAP_SHARED, (void **)&a), ERR_OK);
    return a;
}

static void put(char *m, int at, const char *s)
{
    memcpy(m + at, s, strlen(s));
}

static void signal_fd(int w)
{
    expect(write(w, "x", 1), 1);
}

static void wait_fd(int r)
{
    char x;
    expect(read(r, &x, 1), 1);
}

static void sleep_until_halt(void)
{
    for (;;)
        sleep(1000);
}

/* A child that maps the file, stores s at at, says it is ready and sleeps. */
static int store_and_sleep(int at, const char *s)
{
    int pid = fork();
    if (pid == 0) {
        put(map_shared(), at, s);
        signal_fd(ready[1]);
        sleep_until_halt();
    }
    wait_fd(ready[0]);
    return pid;
}

static void write_string(int off, const char *s)
{
    write_at(HALT_PATH, off, s, strlen(s));
}

int main(void)
{
    make_file_of(HALT_PATH, HALT_SIZE, pattern);
    fd = open_ok(HALT_PATH, FS_RDWR);
    expect(pipe(ready), ERR_OK);
    expect(pipe(go), ERR_OK);

    /* (k), the reaped one */
    kill_and_reap(store_and_sleep(100, "KILLED-REAPED"));

    /* (w) */
    if (fork() == 0) {
        char *m = map_shared();
        put(m, 300, "MAP-FIRST");
        signal_fd(ready[1]);
        wait_fd(go[0]);
        put(m, 600, "MAP-SECOND!");          /* page 0 is writable already */
        signal_fd(ready[1]);
        sleep_until_halt();
    }
    wait_fd(ready[0]);
    write_string(300, "WRITE-SECOND");
    write_string(600, "WRITE-FIRST");
    signal_fd(go[1]);
    wait_fd(ready[0]);

    /* (f) */
    if (fork() == 0) {
        char *m = map_shared();
        expect(m[900], pattern(900));
        put(m, 4096 + 1200, "FORK-PARENT");
        int pid = fork();
        if (pid == 0) {
            put(m, 900, "FORKCHILD");
            exit(0);
        }
        expect_exit(pid, 0);
        if (fork() == 0) {
            put(m, 4096 + 900, "FORK-GC-LIVE");
            signal_fd(ready[1]);
            sleep_until_halt();
        }
        sleep_until_halt();              /* the grandchild says ready */
    }
    wait_fd(ready[0]);

    /* (t) */
    char *a = map_shared();
    put(a, 1200, "TWO-A-STORE");
    store_and_sleep(1200, "TWO-B-STORE");
    expect(munmap(a, HALT_MAP), ERR_OK);

    /* (g) */
    if (fork() == 0) {
        char *m = map_shared();
        put(m, 2 * 4096 + 300, "PAST-END");
        signal_fd(ready[1]);
        wait_fd(go[0]);
        put(m, 2 * 4096 + 300, "GROWN");
        signal_fd(ready[1]);
        sleep_until_halt();
    }
    wait_fd(ready[0]);
    static char grow[HALT_GROW];
    for (int i = 0; i < HALT_GROW; i++)
        grow[i] = pattern(HALT_SIZE + i);
    write_at(HALT_PATH, HALT_SIZE, grow, HALT_GROW);
    signal_fd(go[1]);
    wait_fd(ready[0]);

    /* (k), the one killed last: its exit may still be writing back when
     * the halt comes. Everything is checked before the kill. */
    int last = store_and_sleep(4096 + 100, "KILLED-ZOMBIE");
    static char buf[HALT_SIZE + HALT_GROW + 4096];
    expect(read_file(HALT_PATH, buf, sizeof(buf)), HALT_SIZE + HALT_GROW);
    halt_expect(buf, "before the halt");
    expect(kill(last), ERR_OK);
    expect(close(fd), ERR_OK);
    pass("mmap_halt_write: every change seen by read(); mappings held until halt");
    return 0;
}
