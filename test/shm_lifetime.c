/*
 * shm_lifetime: when a named region and its frames live and die (shm.h's
 * lifetime rules). Each step runs in a child and must leave the named
 * region count, the resident shared frames and (once the child is reaped)
 * the free-frame count where they were:
 *   - create twice is ERR_EXIST, destroy twice ERR_NOTEXIST;
 *   - destroy while the caller maps it is ERR_INVAL; destroy while another
 *     process maps it frees the name at once (a new region may take it,
 *     with fresh zero frames), while the other's view keeps its data, its
 *     writes, its lock and its unmap, and the frames go with that view;
 *   - a region the creator forgot (no destroy) is gone when the creator
 *     exits, with its frames, whether it was mapped or not;
 *   - a process holding only a view keeps a region alive after its
 *     creator exits, until it unmaps;
 *   - an RS_PERSIST region outlives its creator and any mapper, with its
 *     data, until someone destroys it;
 *   - only the creator may destroy a region while it lives (ERR_PERM for
 *     anyone else, who cannot take the name over either); once the creator
 *     has exited, any process that finds the name may;
 *   - one process mapping a region twice gets two views of the same frames.
 */
#include "shmlib.h"

/* The byte a test writes at offset i. */
static char pattern(size_t i, int seed)
{
    return (char)((i * 7 + seed) % 251 + 1);
}

static void fill(char *v, size_t n, int seed)
{
    for (size_t i = 0; i < n; i += 64)
        v[i] = pattern(i, seed);
}

static void check(const char *v, size_t n, int seed, const char *what)
{
    for (size_t i = 0; i < n; i += 64)
        if (v[i] != pattern(i, seed))
            error("%s: byte %ld is %d, expected %d", what, (long)i, v[i], pattern(i, seed));
}

static void twice(void)
{
    size_t pages = usage_now().shm_pages;
    expect(shm_create("t", PAGE, RS_DEFAULT), ERR_OK);
    expect(shm_create("t", PAGE, RS_DEFAULT), ERR_EXIST);
    char *v = map_ok("t", SHM_READ | SHM_WRITE);
    v[0] = 1;
    expect(shm_create("t", 2 * PAGE, RS_PERSIST), ERR_EXIST);
    expect(shm_destroy("t"), ERR_INVAL);
    expect(shm_unmap("t", v), ERR_OK);
    expect(shm_destroy("t"), ERR_OK);
    expect(shm_destroy("t"), ERR_NOTEXIST);
    expect(usage_now().shm_pages, pages);
    /* The name can be taken again, and the new region starts empty. */
    expect(shm_create("t", PAGE, RS_DEFAULT), ERR_OK);
    v = map_ok("t", SHM_READ);
    expect(v[0], 0);
    expect(shm_unmap("t", v), ERR_OK);
    expect(shm_destroy("t"), ERR_OK);
}

#define LSIZE (3 * PAGE)

static void destroy_while_mapped(void)
{
    struct usage before = usage_now();
    struct link l;
    link_open(&l);
    expect(shm_create("d", LSIZE, RS_DEFAULT), ERR_OK);
    char *mine = map_ok("d", SHM_READ | SHM_WRITE);
    fill(mine, LSIZE, 1);
    int pid = fork_ok();
    if (pid == 0) {
        link_side(&l, true);
        char *v = map_ok("d", SHM_READ | SHM_WRITE);    /* a second view, besides the inherited one */
        expect(shm_unmap("d", mine), ERR_OK);           /* drop the inherited one */
        check(v, LSIZE, 1, "child's view before the destroy");
        link_send(&l, 'm');
        expect(link_recv(&l), 'd');                     /* the parent destroyed "d" */
        /* The view works: reads, writes, the region lock, unmap. */
        check(v, LSIZE, 1, "child's view after the destroy");
        fill(v, LSIZE, 2);
        check(v, LSIZE, 2, "child's writes after the destroy");
        expect(shm_lock("d"), ERR_OK);
        expect(shm_unlock("d"), ERR_OK);
        expect(shm_destroy("d"), ERR_NOTEXIST);         /* the name is the new region's; not ours */
        link_send(&l, 'w');
        expect(link_recv(&l), 'n');                     /* the parent made a new "d" */
        check(v, LSIZE, 2, "child's view after a new region took the name");
        char *fresh = map_ok("d", SHM_READ);
        expect(fresh[0], 0);
        expect(fresh[PAGE], 'N');
        /* Two regions named "d" are mapped here: unmap picks by address. */
        expect(shm_unmap("d", v + PAGE), ERR_OK);
        expect(shm_unmap("d", fresh), ERR_OK);
        link_close(&l);
        exit(0);
    }
    link_side(&l, false);
    expect(link_recv(&l), 'm');
    expect(shm_destroy("d"), ERR_INVAL);                /* we still map it */
    expect(shm_unmap("d", mine), ERR_OK);
    expect(region_views("d"), 1);
    expect(shm_destroy("d"), ERR_OK);
    expect(region_views("d"), -1);                      /* not listed any more */
    void *a = NULL;
    expect(shm_map("d", &a, SHM_READ), ERR_NOTEXIST);
    expect(shm_destroy("d"), ERR_NOTEXIST);
    expect(usage_now().shm_pages, before.shm_pages + LSIZE / PAGE);        /* the child's view holds them */
    link_send(&l, 'd');
    expect(link_recv(&l), 'w');
    /* The name is free: a new region, with fresh frames. */
    expect(shm_create("d", LSIZE, RS_DEFAULT), ERR_OK);
    char *fresh = map_ok("d", SHM_READ | SHM_WRITE);
    expect(fresh[0], 0);
    fresh[PAGE] = 'N';
    link_send(&l, 'n');
    wait_ok(pid, "child using a destroyed region");
    link_close(&l);
    expect(usage_now().shm_pages, before.shm_pages + 2);    /* only the new region's two pages */
    expect(shm_unmap("d", fresh), ERR_OK);
    expect(shm_destroy("d"), ERR_OK);
    expect_shm(before, "destroy while mapped");
}

/* A child creates (and maps and touches, if asked) and exits without
 * cleaning up; the region must be gone with it. */
static void forgotten(void)
{
    for (int touch = 0; touch < 2; touch++) {
        struct usage before = usage_now();
        int pid = fork_ok();
        if (pid == 0) {
            expect(shm_create("forgot", 8 * PAGE, RS_NOINHERIT), ERR_OK);
            if (touch) {
                char *v = map_ok("forgot", SHM_READ | SHM_WRITE);
                fill(v, 8 * PAGE, 3);
                char *w = map_ok("forgot", SHM_READ);
                check(w, 8 * PAGE, 3, "second view");
            }
            exit(0);
        }
        wait_ok(pid, "creator that forgets its region");
        void *a = NULL;
        expect(shm_map("forgot", &a, SHM_READ), ERR_NOTEXIST);
        expect(shm_destroy("forgot"), ERR_NOTEXIST);
        expect_shm(before, "after the creator of a forgotten region exited");
        expect(shm_create("forgot", PAGE, RS_DEFAULT), ERR_OK);   /* the name is free */
        expect(shm_destroy("forgot"), ERR_OK);
    }
    /* A creator killed by a fault goes the same way: see shm_views. */
}

/* A process that only maps a region keeps it alive after the creator exits. */
static void held_by_a_view(void)
{
    struct usage before = usage_now();
    struct link l;
    link_open(&l);
    int pid = fork_ok();
    if (pid == 0) {
        link_side(&l, true);
        expect(shm_create("held", 2 * PAGE, RS_DEFAULT), ERR_OK);
        char *v = map_ok("held", SHM_READ | SHM_WRITE);
        fill(v, 2 * PAGE, 4);
        link_send(&l, 'c');
        expect(link_recv(&l), 'm');                     /* the parent has a view: go */
        link_close(&l);
        exit(0);
    }
    link_side(&l, false);
    expect(link_recv(&l), 'c');
    char *v = map_ok("held", SHM_READ | SHM_WRITE);
    link_send(&l, 'm');
    wait_ok(pid, "creator");
    link_close(&l);
    check(v, 2 * PAGE, 4, "view after the creator exited");
    /* The name still works for others while we hold it. */
    int pid2 = fork_ok();
    if (pid2 == 0) {
        expect(shm_unmap("held", v), ERR_OK);           /* the inherited view */
        char *w = map_ok("held", SHM_READ);
        check(w, 2 * PAGE, 4, "another process's view");
        exit(0);                                        /* exits still mapping it */
    }
    wait_ok(pid2, "second mapper");
    expect(region_views("held"), 1);
    /* Our last view gone, nobody holds it: it goes. */
    expect(shm_unmap("held", v), ERR_OK);
    expect(region_views("held"), -1);
    void *a = NULL;
    expect(shm_map("held", &a, SHM_READ), ERR_NOTEXIST);
    expect_shm(before, "region held by a view");
}

static void persist(void)
{
    struct usage before = usage_now();
    int pid = fork_ok();
    if (pid == 0) {
        expect(shm_create("keep", 4 * PAGE, RS_PERSIST), ERR_OK);
        char *v = map_ok("keep", SHM_READ | SHM_WRITE);
        fill(v, 4 * PAGE, 5);
        exit(0);                                        /* no unmap, no destroy */
    }
    wait_ok(pid, "creator of a persistent region");
    expect(usage_now().shm_regions, before.shm_regions + 1);
    expect(usage_now().shm_pages, before.shm_pages + 4);
    /* Another process maps it, unmaps it, exits: it stays. */
    for (int i = 0; i < 2; i++) {
        int p2 = fork_ok();
        if (p2 == 0) {
            char *v = map_ok("keep", SHM_READ | SHM_WRITE);
            check(v, 4 * PAGE, 5 + i, "persistent region's data");
            fill(v, 4 * PAGE, 6 + i);
            if (i == 0)
                expect(shm_unmap("keep", v), ERR_OK);
            exit(0);
        }
        wait_ok(p2, "user of a persistent region");
        expect(region_views("keep"), 0);
    }
    char *v = map_ok("keep", SHM_READ);
    check(v, 4 * PAGE, 7, "persistent region, later");
    expect(shm_unmap("keep", v), ERR_OK);
    /* Its creator has exited: anyone who finds it may destroy it; then it
     * is gone with its frames. */
    expect(shm_destroy("keep"), ERR_OK);
    void *a = NULL;
    expect(shm_map("keep", &a, SHM_READ), ERR_NOTEXIST);
    expect_shm(before, "persistent region destroyed");
}

static void who_destroys(void)
{
    struct usage before = usage_now();
    expect(shm_create("mine", PAGE, RS_PERSIST | RS_RDONLY), ERR_OK);
    char *v = map_ok("mine", SHM_READ | SHM_WRITE);
    v[0] = 'M';
    expect(shm_unmap("mine", v), ERR_OK);
    int pid = fork_ok();
    if (pid == 0) {
        expect(shm_destroy("mine"), ERR_PERM);
        expect(shm_create("mine", PAGE, RS_DEFAULT), ERR_EXIST);   /* no takeover */
        char *r = map_ok("mine", SHM_READ);
        expect(r[0], 'M');
        expect(shm_destroy("mine"), ERR_PERM);          /* mapping it changes nothing */
        expect(shm_unmap("mine", r), ERR_OK);
        exit(0);
    }
    wait_ok(pid, "a process destroying a region it did not create");
    expect(region_views("mine"), 0);
    expect(shm_destroy("mine"), ERR_OK);                /* the creator may */
    /* The creator has exited: the name is anyone's to destroy. */
    pid = fork_ok();
    if (pid == 0) {
        expect(shm_create("left", PAGE, RS_PERSIST | RS_RDONLY), ERR_OK);
        exit(0);
    }
    wait_ok(pid, "creator that leaves a persistent region behind");
    expect(shm_destroy("left"), ERR_OK);
    expect_shm(before, "who destroys");
}

static void mapped_twice(void)
{
    struct usage before = usage_now();
    expect(shm_create("two", 2 * PAGE, RS_DEFAULT), ERR_OK);
    char *a = map_ok("two", SHM_READ | SHM_WRITE);
    char *b = map_ok("two", SHM_READ | SHM_WRITE);
    char *r = map_ok("two", SHM_READ);
    assert(a != b && a != r && b != r);
    assert(a + 2 * PAGE <= b || b + 2 * PAGE <= a);     /* views do not overlap */
    expect(region_views("two"), 3);
    a[PAGE - 1] = 'a';
    b[PAGE] = 'b';
    expect(b[PAGE - 1], 'a');
    expect(a[PAGE], 'b');
    expect(r[PAGE - 1], 'a');
    expect(r[PAGE], 'b');
    expect(usage_now().shm_pages, before.shm_pages + 2);    /* one set of frames */
    /* A child inherits all three and adds a fourth. */
    int pid = fork_ok();
    if (pid == 0) {
        char *c = map_ok("two", SHM_READ | SHM_WRITE);
        expect(region_views("two"), 7);
        c[0] = 'c';
        expect(a[0], 'c');
        b[1] = 'd';
        exit(0);
    }
    wait_ok(pid, "child with four views");
    expect(region_views("two"), 3);
    expect(r[0], 'c');
    expect(r[1], 'd');
    expect(shm_unmap("two", a), ERR_OK);
    expect(b[0], 'c');                                  /* the others still work */
    b[2] = 'e';
    expect(r[2], 'e');
    expect(shm_destroy("two"), ERR_INVAL);
    expect(shm_unmap("two", b), ERR_OK);
    expect(shm_unmap("two", r), ERR_OK);
    expect(shm_destroy("two"), ERR_OK);
    expect_shm(before, "mapped twice");
}

int main(void)
{
    struct usage start = usage_now();
    run_step(twice, "create and destroy twice");
    run_step(destroy_while_mapped, "destroy while mapped");
    run_step(forgotten, "forgotten region");
    run_step(held_by_a_view, "held by a view");
    run_step(persist, "RS_PERSIST");
    run_step(who_destroys, "who may destroy");
    run_step(mapped_twice, "mapped twice");
    expect_usage(start, "at the end");
    pass("shm_lifetime");
    return 0;
}
