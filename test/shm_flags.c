/*
 * shm_flags: who may find and inherit a region, by its creation flags.
 *   - RS_NOINHERIT: a fork child finds nothing at the parent's view (a
 *     touch kills it; shm_unmap and shm_lock say ERR_NOTEXIST), while the
 *     region's name still works for it and other views are inherited as
 *     usual; the child's own view is not inherited by its child either;
 *   - RS_FAMILY: the creator and its descendants (by fork or spawn, at any
 *     depth: 20 generations, all alive or each gone once it forked, also
 *     after the creator exited) find the name; any other process (the
 *     creator's parent, its sibling, a program that parent spawns) gets
 *     ERR_NOTEXIST from every call taking the name and cannot take the
 *     region's lock; a descendant may not destroy it while the creator
 *     lives (ERR_PERM); with RS_PERSIST, a descendant destroys it once
 *     the creator is gone;
 *   - the hidden name does not show: an outsider's shm_create of it makes
 *     the outsider's own region, while the family keeps finding its own;
 *     a family inside another (a child's, made before its parent's) with
 *     the same name shadows the outer one for its own members only, and
 *     the outer one shows again once the inner one is destroyed;
 *   - an RS_FAMILY | RS_PERSIST region whose whole family has exited is
 *     listed to everyone and any process may destroy it (but not map it).
 * `shm_flags probe NAME WANT` is the program's second use: spawned by the
 * test, it maps NAME and exits 0 if shm_map returned WANT.
 * Killed on purpose: the two RS_NOINHERIT touches.
 */
// test: expect-killed=2
#include "shmlib.h"
#include <lib/string-ext.h>

static void noinherit(void)
{
    expect(shm_create("ni", 2 * PAGE, RS_NOINHERIT), ERR_OK);
    expect(shm_create("inh", PAGE, RS_DEFAULT), ERR_OK);
    char *v = map_ok("ni", SHM_READ | SHM_WRITE);
    char *inh = map_ok("inh", SHM_READ | SHM_WRITE);
    v[0] = 'n';
    v[PAGE] = 'N';
    expect(region_views("ni"), 1);
    expect_killed((uintptr_t)v, LOAD, "touch of an RS_NOINHERIT view in a fork child");
    int pid = fork_ok();
    if (pid == 0) {
        expect(region_views("ni"), 1);                 /* the parent's only */
        expect(region_views("inh"), 2);                /* this one was inherited */
        expect(shm_unmap("ni", v), ERR_NOTEXIST);
        expect(shm_lock("ni"), ERR_NOTEXIST);
        inh[0] = 'i';
        /* The name still works: our own view, wherever it lands. */
        char *mine = map_ok("ni", SHM_READ | SHM_WRITE);
        expect(mine[0], 'n');
        expect(mine[PAGE], 'N');
        mine[1] = 'c';
        expect(shm_lock("ni"), ERR_OK);
        expect(shm_unlock("ni"), ERR_OK);
        /* And our view is not inherited by our child either. */
        expect_killed((uintptr_t)mine, STORE, "touch of an RS_NOINHERIT view in a grandchild");
        exit(0);
    }
    wait_ok(pid, "RS_NOINHERIT child");
    expect(v[1], 'c');
    expect(inh[0], 'i');
    expect(region_views("ni"), 1);
    expect(shm_unmap("ni", v), ERR_OK);
    expect(shm_unmap("inh", inh), ERR_OK);
    expect(shm_destroy("ni"), ERR_OK);
    expect(shm_destroy("inh"), ERR_OK);
}

/* Every call taking a name, from a process outside the family. */
static void outsider(const char *name)
{
    void *a = NULL;
    expect(shm_map(name, &a, SHM_READ), ERR_NOTEXIST);
    expect(shm_map(name, &a, SHM_READ | SHM_WRITE), ERR_NOTEXIST);
    expect(a, NULL);
    expect(shm_destroy(name), ERR_NOTEXIST);
    expect(shm_resize(name, PAGE), ERR_NOTEXIST);
    expect(shm_lock(name), ERR_NOTEXIST);
    expect(shm_unlock(name), ERR_NOTEXIST);
    expect(shm_unmap(name, (void *)0x10000), ERR_NOTEXIST);
}

/* A descendant: finds it, sees the creator's data, adds its own. */
static void insider(const char *name, char mark)
{
    char *v = map_ok(name, SHM_READ | SHM_WRITE);
    expect(v[0], 'F');
    v[(int)(mark - '0')] = mark;
    expect(shm_lock(name), ERR_OK);
    expect(shm_unlock(name), ERR_OK);
    expect(shm_unmap(name, v), ERR_OK);
}

static void spawn_probe(const char *name, int want, const char *what)
{
    char cmd[64];
    strcpy(cmd, "shm_flags probe ");
    strcat(cmd, name);
    strcat(cmd, want == ERR_OK ? " ok" : " notexist");
    int pid = spawn(cmd);
    if (pid < 0)
        error("spawn(\"%s\") = %d", cmd, pid);
    if (wait_for(pid) != 0)
        error("%s: a spawned process did not get %d from shm_map(\"%s\")", what, want, name);
}

static void family(void)
{
    struct link l;
    link_open(&l);
    int a = fork_ok();
    if (a == 0) {
        /* A: the creator. */
        link_side(&l, true);
        expect(shm_create("fam", 2 * PAGE, RS_FAMILY), ERR_OK);
        char *v = map_ok("fam", SHM_READ | SHM_WRITE);
        v[0] = 'F';
        int a1 = fork_ok();
        if (a1 == 0) {
            insider("fam", '1');
            expect(shm_destroy("fam"), ERR_PERM);       /* the creator lives */
            int a11 = fork_ok();
            if (a11 == 0) {
                insider("fam", '2');
                exit(0);
            }
            wait_ok(a11, "grandchild of the creator");
            exit(0);
        }
        wait_ok(a1, "child of the creator");
        expect(v[1], '1');
        expect(v[2], '2');
        spawn_probe("fam", ERR_OK, "spawned by the creator");
        link_send(&l, 'c');
        expect(link_recv(&l), 'x');                     /* the parent has checked */
        /* The parent made a "fam" of its own: we still find ours. */
        char *again = map_ok("fam", SHM_READ);
        expect(again[0], 'F');
        expect(region_views("fam"), 2);
        expect(shm_create("fam", PAGE, RS_DEFAULT), ERR_EXIST);
        expect(shm_unmap("fam", again), ERR_OK);
        expect(shm_unmap("fam", v), ERR_OK);
        expect(shm_destroy("fam"), ERR_OK);
        link_close(&l);
        exit(0);
    }
    link_side(&l, false);
    expect(link_recv(&l), 'c');
    /* The creator's parent is not in the family ... */
    outsider("fam");
    expect(region_views("fam"), -1);                   /* the listing hides it too */
    /* ... nor its sibling, nor a program the parent spawns. */
    int b = fork_ok();
    if (b == 0) {
        outsider("fam");
        exit(0);
    }
    wait_ok(b, "sibling of the creator");
    spawn_probe("fam", ERR_NOTEXIST, "spawned by the creator's parent");
    /* Nothing tells us the name is taken: creating it makes our own. */
    expect(shm_create("fam", PAGE, RS_DEFAULT), ERR_OK);
    expect(shm_create("fam", PAGE, RS_DEFAULT), ERR_EXIST);     /* ours now */
    char *ours = map_ok("fam", SHM_READ | SHM_WRITE);
    expect(ours[0], 0);
    ours[0] = 'O';
    link_send(&l, 'x');
    wait_ok(a, "creator of an RS_FAMILY region");
    link_close(&l);
    expect(ours[0], 'O');
    expect(region_views("fam"), 1);
    expect(shm_unmap("fam", ours), ERR_OK);
    expect(shm_destroy("fam"), ERR_OK);
    expect(region_views("fam"), -1);
}

/* Maps name read-only and returns its first byte. */
static char first_byte(const char *name)
{
    char *v = map_ok(name, SHM_READ);
    char c = v[0];
    expect(shm_unmap(name, v), ERR_OK);
    return c;
}

/* Creates name with flags and writes mark into it. */
static void create_marked(const char *name, int flags, char mark)
{
    expect(shm_create(name, PAGE, flags), ERR_OK);
    char *v = map_ok(name, SHM_READ | SHM_WRITE);
    v[0] = mark;
    expect(shm_unmap(name, v), ERR_OK);
}

/* A (child of this process) forks C; C makes an RS_FAMILY "nest", then A
 * makes one (C's is hidden from it), then we make a public one. Each finds
 * its nearest: C and its child C's, A and its other child A's, we ours. */
static void nested_families(void)
{
    struct link l;
    link_open(&l);
    int a = fork_ok();
    if (a == 0) {
        link_side(&l, true);
        struct link m;
        link_open(&m);
        int c = fork_ok();
        if (c == 0) {
            link_side(&m, true);
            create_marked("nest", RS_FAMILY, 'C');
            link_send(&m, 'c');
            expect(link_recv(&m), 'a');                 /* A made its own */
            expect(first_byte("nest"), 'C');
            expect(region_views("nest"), 0);            /* one "nest" listed: ours */
            int cc = fork_ok();
            if (cc == 0) {
                expect(first_byte("nest"), 'C');
                expect(shm_destroy("nest"), ERR_PERM);  /* C's, and C lives */
                exit(0);
            }
            wait_ok(cc, "child in both families");
            expect(shm_destroy("nest"), ERR_OK);
            expect(first_byte("nest"), 'A');            /* the outer one shows now */
            expect(shm_create("nest", PAGE, RS_FAMILY), ERR_EXIST);
            link_close(&m);
            exit(0);
        }
        link_side(&m, false);
        expect(link_recv(&m), 'c');
        create_marked("nest", RS_FAMILY, 'A');
        link_send(&m, 'a');
        wait_ok(c, "creator of the inner family's region");
        link_close(&m);
        int other = fork_ok();
        if (other == 0) {
            expect(first_byte("nest"), 'A');
            exit(0);
        }
        wait_ok(other, "child in the outer family only");
        link_send(&l, 'n');
        expect(link_recv(&l), 'p');                     /* our parent made its own */
        expect(first_byte("nest"), 'A');
        expect(shm_destroy("nest"), ERR_OK);
        expect(first_byte("nest"), 'P');                /* now the public one */
        link_close(&l);
        exit(0);
    }
    link_side(&l, false);
    expect(link_recv(&l), 'n');
    void *addr = NULL;
    expect(shm_map("nest", &addr, SHM_READ), ERR_NOTEXIST);
    create_marked("nest", RS_DEFAULT, 'P');
    link_send(&l, 'p');
    wait_ok(a, "creator of the outer family's region");
    link_close(&l);
    expect(first_byte("nest"), 'P');
    expect(shm_destroy("nest"), ERR_OK);
    expect(region_views("nest"), -1);
}

#define DEPTH 20    /* generations below the creator */

/* Generation 1 below the creator of "deep": each generation forks the
 * next and waits for it (wait_each) or exits at once, leaving it an
 * orphan; generation DEPTH maps the region and reports on fd whether it
 * found it. */
static void generations(bool wait_each, int fd)
{
    for (int g = 1; g < DEPTH; g++) {
        int pid = fork_ok();
        if (pid == 0)
            continue;                                   /* the next generation */
        if (wait_each)
            wait_ok(pid, "a generation below the creator");
        exit(0);
    }
    char *v = NULL;
    int r = shm_map("deep", (void **)&v, SHM_READ | SHM_WRITE);
    char found = r == ERR_OK && v[0] == 'F' ? 'y' : 'n';
    if (r == ERR_OK) {
        v[1] = 'D';
        expect(shm_unmap("deep", v), ERR_OK);
    }
    expect(write(fd, &found, 1), 1);
    exit(0);
}

static void family_depth(void)
{
    for (int wait_each = 1; wait_each >= 0; wait_each--) {
        int fds[2];
        expect(pipe(fds), ERR_OK);
        expect(shm_create("deep", PAGE, RS_FAMILY), ERR_OK);
        char *v = map_ok("deep", SHM_READ | SHM_WRITE);
        v[0] = 'F';
        int pid = fork_ok();
        if (pid == 0)
            generations(wait_each, fds[1]);
        char found = 0;
        expect(read(fds[0], &found, 1), 1);
        if (found != 'y')
            error("generation %d below the creator did not find an RS_FAMILY region (%s)",
                  DEPTH, wait_each ? "all alive" : "its ancestors gone");
        expect(v[1], 'D');
        wait_ok(pid, "first generation below the creator");
        expect(close(fds[0]), ERR_OK);
        expect(close(fds[1]), ERR_OK);
        expect(shm_unmap("deep", v), ERR_OK);
        expect(shm_destroy("deep"), ERR_OK);
    }
}

/* RS_FAMILY | RS_PERSIST, and the creator and all its descendants exit:
 * no one is left to hide it from, or to destroy it, so anyone may. */
static void family_gone(void)
{
    struct usage before = usage_now();
    int a = fork_ok();
    if (a == 0) {
        expect(shm_create("gone", 2 * PAGE, RS_FAMILY | RS_PERSIST), ERR_OK);
        char *v = map_ok("gone", SHM_READ | SHM_WRITE);
        v[0] = 'F';
        int a1 = fork_ok();
        if (a1 == 0) {
            insider("gone", '1');
            exit(0);
        }
        wait_ok(a1, "child of the creator");
        exit(0);
    }
    wait_ok(a, "creator of a region whose family is gone");
    expect(usage_now().shm_regions, before.shm_regions + 1);
    expect(region_views("gone"), 0);                    /* listed, to be found */
    void *addr = NULL;
    expect(shm_map("gone", &addr, SHM_READ), ERR_NOTEXIST);     /* its data stays private */
    expect(shm_resize("gone", PAGE), ERR_NOTEXIST);
    expect(shm_lock("gone"), ERR_NOTEXIST);
    expect(shm_destroy("gone"), ERR_OK);
    expect(shm_destroy("gone"), ERR_NOTEXIST);
    expect(region_views("gone"), -1);
    expect_shm(before, "RS_FAMILY | RS_PERSIST whose family is gone");
}

/* RS_FAMILY | RS_PERSIST: the creator exits first; its child, now an
 * orphan, still belongs to the family and destroys the region. */
static void family_persist(void)
{
    struct usage before = usage_now();
    int fds[2];                                         /* the orphan's "done" */
    expect(pipe(fds), ERR_OK);
    struct link l;
    link_open(&l);
    int a = fork_ok();
    if (a == 0) {
        expect(close(fds[0]), ERR_OK);
        expect(shm_create("famp", PAGE, RS_FAMILY | RS_PERSIST), ERR_OK);
        char *v = map_ok("famp", SHM_READ | SHM_WRITE);
        v[0] = 'F';
        int a1 = fork_ok();
        if (a1 == 0) {
            link_side(&l, true);
            expect(link_recv(&l), 'g');                 /* the creator is gone */
            expect(shm_unmap("famp", v), ERR_OK);
            insider("famp", '3');
            expect(shm_destroy("famp"), ERR_OK);
            link_close(&l);
            exit(0);                                    /* closes fds[1]: done */
        }
        exit(0);                                        /* without waiting for a1 */
    }
    expect(close(fds[1]), ERR_OK);
    link_side(&l, false);
    wait_ok(a, "creator of an RS_FAMILY | RS_PERSIST region");
    expect(region_views("famp"), -1);                   /* hidden from us in the listing too */
    outsider("famp");
    link_send(&l, 'g');
    char c;
    expect(read(fds[0], &c, 1), 0);                     /* the orphan exited */
    expect(close(fds[0]), ERR_OK);
    link_close(&l);
    expect(region_views("famp"), -1);
    expect_shm(before, "RS_FAMILY | RS_PERSIST");
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "probe") == 0) {
        void *a = NULL;
        int want = strcmp(argv[3], "ok") == 0 ? ERR_OK : ERR_NOTEXIST;
        int r = shm_map(argv[2], &a, SHM_READ);
        if (r == ERR_OK)
            expect(shm_unmap(argv[2], a), ERR_OK);
        exit(r == want ? 0 : 1);
    }
    struct usage start = usage_now();
    run_step(noinherit, "RS_NOINHERIT");
    run_step(family, "RS_FAMILY");
    run_step(family_persist, "RS_FAMILY | RS_PERSIST");
    run_step(nested_families, "nested RS_FAMILY name spaces");
    run_step(family_depth, "RS_FAMILY, 20 generations down");
    run_step(family_gone, "RS_FAMILY | RS_PERSIST, family gone");
    expect_usage(start, "at the end");
    pass("shm_flags");
    return 0;
}
