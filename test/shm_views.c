/*
 * shm_views: what a view lets a process do, and what it must not.
 *   - two processes mapping one region at different addresses see each
 *     other's writes, byte by byte and in copies straddling a page
 *     boundary, both ways, including through a view inherited by fork
 *     (the same frames, never a copy-on-write copy);
 *   - the kernel's copy helpers go through views like user code does:
 *     read() into an untouched page of a view, write() out of one;
 *   - a read-only view: loads work, a store kills the process (and only
 *     it), read() into it is ERR_FAULT and changes nothing; RS_RDONLY
 *     refuses writable views to everyone but the creator, who keeps one,
 *     and a fork child of the creator inherits its writable view
 *     read-only; no view can be executed; an unmapped view is gone (a
 *     touch kills); the page after a view is never mapped (a guard: one
 *     byte past a view kills), however views come and go;
 *   - a creator killed by a fault takes its forgotten region with it.
 * Killed on purpose (one `killed:` line each): store to a read-only view
 * x5, jump into a view, touch after unmap, the creator's NULL store, a
 * store one byte past a view x3.
 */
// test: expect-killed=11
#include "shmlib.h"

#define VSIZE (3 * PAGE)

static void different_addresses(void)
{
    expect(shm_create("v", VSIZE, RS_DEFAULT), ERR_OK);
    char *mine = map_ok("v", SHM_READ | SHM_WRITE);
    struct link l;
    link_open(&l);
    int pid = fork_ok();
    if (pid == 0) {
        link_side(&l, true);
        char *other = map_ok("v", SHM_READ | SHM_WRITE);
        if (other == mine)
            error("a second view got the inherited view's address %p", other);
        link_send(&l, 'a');
        expect(link_recv(&l), 'w');
        /* The parent wrote around the first page boundary. */
        expect(other[PAGE - 1], 'P');
        expect(other[PAGE], 'Q');
        for (int i = 0; i < 200; i++)
            if (i != 99 && i != 100)
                expect(other[PAGE - 100 + i], (char)(i + 1));
        /* Now our writes, the other way, around the second boundary. */
        char buf[300];
        for (int i = 0; i < 300; i++)
            buf[i] = (char)(255 - i);
        memcpy(other + 2 * PAGE - 150, buf, sizeof(buf));
        other[2 * PAGE - 1] = 'c';
        other[2 * PAGE] = 'd';
        /* And through the inherited view: the same frames as the parent's. */
        mine[5] = 'i';
        expect(other[5], 'i');
        link_send(&l, 'r');
        link_close(&l);
        exit(0);
    }
    link_side(&l, false);
    expect(link_recv(&l), 'a');
    char buf[200];
    for (int i = 0; i < 200; i++)
        buf[i] = (char)(i + 1);
    memcpy(mine + PAGE - 100, buf, sizeof(buf));
    mine[PAGE - 1] = 'P';
    mine[PAGE] = 'Q';
    link_send(&l, 'w');
    expect(link_recv(&l), 'r');
    expect(mine[2 * PAGE - 1], 'c');
    expect(mine[2 * PAGE], 'd');
    for (int i = 0; i < 300; i++)
        if (i != 149 && i != 150)
            expect(mine[2 * PAGE - 150 + i], (char)(255 - i));
    expect(mine[5], 'i');
    wait_ok(pid, "child with a second view");
    link_close(&l);

    /* Both at once: each process fills every other 64-byte line, racing. */
    pid = fork_ok();
    int side = pid == 0;
    for (int round = 0; round < 50; round++)
        for (int i = side * 64; i < VSIZE; i += 128)
            mine[i] = (char)(round + side);
    if (pid == 0)
        exit(0);
    wait_ok(pid, "concurrent writer");
    for (int i = 0; i < VSIZE; i += 64)
        expect(mine[i], (char)(49 + (i / 64) % 2));
    expect(shm_unmap("v", mine), ERR_OK);
    expect(shm_destroy("v"), ERR_OK);
}

static void kernel_copies(void)
{
    expect(shm_create("k", 2 * PAGE, RS_DEFAULT), ERR_OK);
    char *w = map_ok("k", SHM_READ | SHM_WRITE);
    char *r = map_ok("k", SHM_READ);
    /* read() from a file into an untouched page of the view. */
    int fd = open_ok("/smallfile", FS_RDONLY);
    expect(read(fd, w + PAGE - 10, 26), 26);            /* straddles the boundary */
    expect(memcmp(r + PAGE - 10, "aaaaaaaaaabbbbbbbbbbccccc", 25), 0);
    expect(close(fd), ERR_OK);
    /* Into the read-only view: ERR_FAULT, nothing written, nobody killed. */
    fd = open_ok("/smallfile", FS_RDONLY);
    expect(read(fd, r, 26), ERR_FAULT);
    expect(read(fd, r + PAGE, 4), ERR_FAULT);           /* untouched page too */
    expect(r[0], 0);
    expect(r[PAGE + 14], 'c');
    expect(r[PAGE + 16], 0);
    expect(close(fd), ERR_OK);
    /* write() out of a view (read-only is fine for that) into a pipe. */
    int fds[2];
    expect(pipe(fds), ERR_OK);
    expect(write(fds[1], r + PAGE - 10, 26), 26);
    char buf[26];
    expect(read(fds[0], buf, 26), 26);
    expect(memcmp(buf, "aaaaaaaaaabbbbbbbbbbccccc\n", 26), 0);
    /* A child reads from the pipe straight into its own view. */
    int pid = fork_ok();
    if (pid == 0) {
        char *v = map_ok("k", SHM_READ | SHM_WRITE);
        expect(read(fds[0], v + 100, 5), 5);
        exit(0);
    }
    expect(write(fds[1], "hello", 5), 5);
    wait_ok(pid, "child reading a pipe into its view");
    expect(memcmp(r + 100, "hello", 5), 0);
    expect(close(fds[0]), ERR_OK);
    expect(close(fds[1]), ERR_OK);
    expect(shm_unmap("k", w), ERR_OK);
    expect(shm_unmap("k", r), ERR_OK);
    expect(shm_destroy("k"), ERR_OK);
}

static void read_only(void)
{
    expect(shm_create("ro", 2 * PAGE, RS_DEFAULT), ERR_OK);
    char *w = map_ok("ro", SHM_READ | SHM_WRITE);
    char *r = map_ok("ro", SHM_READ);
    w[PAGE + 3] = 'w';
    expect(r[PAGE + 3], 'w');
    expect(r[0], 0);
    /* A child (which inherits both views) dies storing through r; the
     * writable view stays writable. */
    expect_killed((uintptr_t)r, STORE, "store to a read-only view");
    expect_killed((uintptr_t)(r + PAGE + 8), STORE, "store to a touched page of a read-only view");
    expect(r[0], 0);
    expect(r[PAGE + 8], 0);
    w[0] = 'x';
    expect(r[0], 'x');
    /* Views are never executable. */
    expect_killed((uintptr_t)w, JUMP, "jump into a view");
    /* An unmapped view is gone. */
    expect(shm_unmap("ro", r), ERR_OK);
    expect_killed((uintptr_t)r, LOAD, "load from an unmapped view");
    expect(shm_unmap("ro", w), ERR_OK);
    expect(shm_destroy("ro"), ERR_OK);

    /* RS_RDONLY: only the creator may map it writable. */
    expect(shm_create("rdonly", 2 * PAGE, RS_RDONLY), ERR_OK);
    char *cw = map_ok("rdonly", SHM_READ | SHM_WRITE);
    cw[0] = 'C';
    int pid = fork_ok();
    if (pid == 0) {
        void *a = NULL;
        expect(shm_map("rdonly", &a, SHM_READ | SHM_WRITE), ERR_PERM);
        expect(shm_map("rdonly", &a, SHM_WRITE), ERR_PERM);
        expect(a, NULL);
        char *cr = map_ok("rdonly", SHM_READ);
        expect(cr[0], 'C');
        expect(cw[0], 'C');             /* the view fork copied reads ... */
        access_address((uintptr_t)cr, STORE);
        error("store to an RS_RDONLY view did not kill");
    }
    expect(wait_for(pid), -1);
    /* ... but is read-only: only the creator writes an RS_RDONLY region,
     * and a fork child is not its creator. */
    expect_killed((uintptr_t)(cw + 1), STORE, "a fork child's store to its creator's writable RS_RDONLY view");
    expect_killed((uintptr_t)(cw + PAGE + 8), STORE, "the same, on a page no one touched yet");
    expect(cw[0], 'C');
    expect(cw[1], 0);
    cw[1] = 'D';
    expect(shm_unmap("rdonly", cw), ERR_OK);
    expect(shm_destroy("rdonly"), ERR_OK);
}

/* The creator is killed while mapping its (forgotten) region. */
static void creator_killed(void)
{
    struct usage before = usage_now();
    int pid = fork_ok();
    if (pid == 0) {
        expect(shm_create("victim", 4 * PAGE, RS_DEFAULT), ERR_OK);
        char *v = map_ok("victim", SHM_READ | SHM_WRITE);
        for (int i = 0; i < 4; i++)
            v[i * PAGE] = 1;
        access_address(0, STORE);
        exit(0);
    }
    expect(wait_for(pid), -1);
    void *a = NULL;
    expect(shm_map("victim", &a, SHM_READ), ERR_NOTEXIST);
    expect_shm(before, "after the creator was killed");
}

/* Views of 2 and 1 pages, then the first unmapped and one of 3 pages
 * mapped: it fits in the hole the first left only by touching the second
 * view, so placing it must keep looking. The byte after each live view is
 * a guard. */
static void guard_pages(void)
{
    expect(shm_create("g2", 2 * PAGE, RS_DEFAULT), ERR_OK);
    expect(shm_create("g1", PAGE, RS_DEFAULT), ERR_OK);
    expect(shm_create("g3", 3 * PAGE, RS_DEFAULT), ERR_OK);
    char *two = map_ok("g2", SHM_READ | SHM_WRITE);
    char *one = map_ok("g1", SHM_READ | SHM_WRITE);
    expect_killed((uintptr_t)(two + 2 * PAGE), STORE, "store one byte past a view");
    expect(shm_unmap("g2", two), ERR_OK);
    char *three = map_ok("g3", SHM_READ | SHM_WRITE);
    one[PAGE - 1] = 1;
    three[3 * PAGE - 1] = 3;
    expect_killed((uintptr_t)(one + PAGE), STORE, "store one byte past a view below a hole");
    expect_killed((uintptr_t)(three + 3 * PAGE), STORE, "store one byte past a view placed in a hole");
    expect(three[0], 0);
    expect(shm_unmap("g1", one), ERR_OK);
    expect(shm_unmap("g3", three), ERR_OK);
    expect(shm_destroy("g1"), ERR_OK);
    expect(shm_destroy("g2"), ERR_OK);
    expect(shm_destroy("g3"), ERR_OK);
}

int main(void)
{
    struct usage start = usage_now();
    run_step(different_addresses, "different addresses");
    run_step(kernel_copies, "kernel copies");
    run_step(read_only, "read-only views");
    run_step(creator_killed, "creator killed");
    run_step(guard_pages, "guard pages");
    expect_usage(start, "at the end");
    pass("shm_views");
    return 0;
}
