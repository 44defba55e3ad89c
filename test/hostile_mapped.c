/*
 * hostile_mapped: memory that goes away, or was never there, while a
 * program still uses it, in one quick pass (what shm_lifetime,
 * hostile_maps and hostile_proc do not reach). Each step runs in a child
 * (run_step), and frames and regions must be back after it:
 *   - a region unmapped and destroyed by its creator and made anew under
 *     its name while a fork child still maps the old one: shm_map of the
 *     name finds only the new one (the creator's *addr untouched when it
 *     finds none), the child's old view keeps its bytes and is unmapped
 *     by that name from any address inside it (then ERR_NOTEXIST), the
 *     lock by name is the new region's, held after its last view goes
 *     and released once (then ERR_NOTEXIST);
 *   - spawnv whose array and words lie in a view of a region destroyed
 *     meanwhile (the last word ending on the view's last byte): it runs
 *     with those words; with that word's NUL gone (it runs into the
 *     guard page) ERR_FAULT;
 *   - a shared file mapping whose fd is closed and whose file is unlinked
 *     while mapped: stores through it, a fork child's futex wait on its
 *     word woken through the parent's mapping, the child's store, all
 *     seen by read() of an fd opened before the unlink; a store past the
 *     end never reaches the file; the inode goes at the munmap (the disk
 *     check after the boot finds none left);
 *   - mmap at the largest offset a file may have (ERR_INVAL), one page
 *     below it with a length past user space (ERR_INVAL) or as large as
 *     user space (ERR_NOMEM, *addr untouched), and four pages from one
 *     below it: every page reads 0, stores there are never written
 *     back, the file keeps its size;
 *   - a process that dies holding a futex-based lock in a region: a
 *     waiter times out with the word as the holder left it, and a wake
 *     finds nobody (the word belongs to the region, not the dead).
 */
// test: timeout=60
#include "shmlib.h"
#include <lib/mman.h>
#include <lib/proc-ext.h>
#include <lib/stddef.h>
#include <lib/layout.h>

/* The largest file's bytes (sfs.h: 10 direct, 1024 indirect and 1024 *
 * 1024 double-indirect blocks of 4 KiB): mmap refuses offsets from here. */
#define MAXB ((offset_t)(10 + 1024 + 1024 * 1024) * 4096)

/* A region destroyed and made anew by name while a child maps the old. */
static void views_gone(void)
{
    expect(shm_create("hc", 2 * PAGE, RS_DEFAULT), ERR_OK);
    char *v1 = map_ok("hc", SHM_READ | SHM_WRITE);
    memset(v1, 'A', 2 * PAGE);
    struct link l;
    link_open(&l);
    int pid = fork_ok();
    if (pid == 0) {
        link_side(&l, true);
        expect(link_recv(&l), 'd');            /* destroyed and made anew */
        char *v2 = map_ok("hc", SHM_READ | SHM_WRITE);
        if (v2[0] != 0 || v1[PAGE] != 'A')
            error("new region %d, old view %d", v2[0], v1[PAGE]);
        expect(shm_lock("hc"), ERR_OK);
        expect(shm_unlock("hc"), ERR_OK);
        expect(shm_unmap("hc", v1 + PAGE + 7), ERR_OK);
        expect(shm_unmap("hc", v1), ERR_NOTEXIST);
        expect(shm_lock("hc"), ERR_OK);        /* the new one's */
        expect(shm_unmap("hc", v2), ERR_OK);
        expect(shm_unlock("hc"), ERR_OK);      /* held without a view */
        expect(shm_unlock("hc"), ERR_NOTEXIST);
        link_send(&l, 'u');
        exit(0);
    }
    link_side(&l, false);
    expect(shm_unmap("hc", v1), ERR_OK);
    expect(shm_destroy("hc"), ERR_OK);
    void *a = (void *)1;
    expect(shm_map("hc", &a, SHM_READ), ERR_NOTEXIST);
    expect((long)a, 1);
    expect(shm_create("hc", 2 * PAGE, RS_DEFAULT), ERR_OK);
    link_send(&l, 'd');
    expect(link_recv(&l), 'u');
    wait_ok(pid, "views_gone child");
    expect(shm_destroy("hc"), ERR_OK);
    link_close(&l);
}

/* spawnv of words in a view whose region is destroyed meanwhile. */
static void argv_in_view(void)
{
    expect(shm_create("hcargv", PAGE, RS_DEFAULT), ERR_OK);
    char *v = map_ok("hcargv", SHM_READ | SHM_WRITE);
    char **argv = (char **)v;
    strcpy(v + 256, "echo");
    strcpy(v + 300, "a");
    strcpy(v + PAGE - 2, "b");                 /* the word ends on the last byte */
    argv[0] = v + 256;
    argv[1] = v + 300;
    argv[2] = v + PAGE - 2;
    argv[3] = NULL;
    struct link l;
    link_open(&l);
    int pid = fork_ok();
    if (pid == 0) {
        link_side(&l, true);
        expect(link_recv(&l), 'd');            /* the parent destroyed it */
        expect(shm_map("hcargv", (void **)&argv, SHM_READ), ERR_NOTEXIST);
        int c = spawnv(argv);
        if (c < 0)
            error("spawnv from a destroyed region's view = %d", c);
        expect_exit(c, 3);
        v[PAGE - 1] = 'x';                     /* no terminator before the guard page */
        expect(spawnv(argv), ERR_FAULT);
        exit(0);
    }
    link_side(&l, false);
    expect(shm_unmap("hcargv", v), ERR_OK);
    expect(shm_destroy("hcargv"), ERR_OK);
    link_send(&l, 'd');
    wait_ok(pid, "argv_in_view child");
    link_close(&l);
}

/* A shared mapping of a file whose last name and fd go while mapped. */
static void mapped_unlinked(void)
{
    make_file("/hc.dat", "0123456789");
    int fd = open_ok("/hc.dat", FS_RDWR);
    int *m = NULL;
    expect(mmap(fd, 0, 2 * PAGE, SHM_READ | SHM_WRITE, MAP_SHARED, (void **)&m), ERR_OK);
    int rd = open_ok("/hc.dat", FS_RDONLY);
    expect(close(fd), ERR_OK);
    expect(unlink("/hc.dat"), ERR_OK);
    m[0] = 0x41424344;
    m[PAGE / 4] = 7;                          /* past the end: never written */
    int pid = fork_ok();
    if (pid == 0) {
        expect(m[0], 0x41424344);
        expect(futex(&m[1], FUTEX_WAIT, m[1], 5000), ERR_OK);
        m[2] = 99;
        exit(0);
    }
    /* Asleep is not yet waiting (a fault may sleep first): wake until
     * the wake finds it, up to its 5 s. */
    await_state(pid, PROC_INFO_SLEEPING, "futex waiter");
    int woken, tries = 0;
    while ((woken = futex(&m[1], FUTEX_WAKE, 1, 0)) == 0 && tries++ < 400)
        msleep(10);
    expect(woken, 1);
    wait_ok(pid, "mapped_unlinked child");
    char buf[16];
    expect(read(rd, buf, sizeof(buf)), 10);
    if (buf[0] != 0x44 || buf[8] != 99)
        error("read of the unlinked file: %x %d", buf[0], buf[8]);
    expect(munmap(m, 2 * PAGE), ERR_OK);
    expect(read(rd, buf, sizeof(buf)), 0);    /* the size stayed 10 */
    expect(close(rd), ERR_OK);
}

/* A mapping at the largest offset a file may have, and beyond. */
static void mapped_far(void)
{
    make_file("/hc.far", "far");
    int fd = open_ok("/hc.far", FS_RDWR);
    char *m = (char *)7;
    expect(mmap(fd, MAXB, PAGE, SHM_READ, MAP_SHARED, (void **)&m), ERR_INVAL);
    expect(mmap(fd, MAXB - PAGE, USER_TOP + 1, SHM_READ, MAP_SHARED, (void **)&m), ERR_INVAL);
    expect(mmap(fd, MAXB - PAGE, USER_TOP, SHM_READ, MAP_SHARED, (void **)&m), ERR_NOMEM);
    expect((long)m, 7);
    expect(mmap(fd, MAXB - PAGE, 4 * PAGE, SHM_READ | SHM_WRITE, MAP_SHARED, (void **)&m), ERR_OK);
    for (int i = 0; i < 4; i++) {
        if (m[i * PAGE] != 0)
            error("page %d past the largest file reads %d", i, m[i * PAGE]);
        m[i * PAGE] = 'z';
    }
    expect(munmap(m, 4 * PAGE), ERR_OK);
    expect(stat_of("/hc.far").size, 3);
    expect(close(fd), ERR_OK);
    remove_file("/hc.far");
}

/* A "mutex" word in a region whose holder exits holding it. */
static void holder_dies(void)
{
    expect(shm_create("hcmutex", PAGE, RS_DEFAULT), ERR_OK);
    int *word = map_ok("hcmutex", SHM_READ | SHM_WRITE);
    int pid = fork_ok();
    if (pid == 0) {
        word[0] = 1;                           /* taken, and never given back */
        exit(0);
    }
    wait_ok(pid, "holder");
    expect(futex(word, FUTEX_WAIT, 1, 20), ERR_TIMEDOUT);
    expect(word[0], 1);
    expect(futex(word, FUTEX_WAKE, 1, 0), 0);
    expect(shm_unmap("hcmutex", word), ERR_OK);
    expect(shm_destroy("hcmutex"), ERR_OK);
}

int main(void)
{
    remove_file("/hc.dat");
    run_step(views_gone, "views_gone");
    run_step(argv_in_view, "argv_in_view");
    run_step(mapped_unlinked, "mapped_unlinked");
    run_step(mapped_far, "mapped_far");
    run_step(holder_dies, "holder_dies");
    pass("hostile_mapped");
    return 0;
}
