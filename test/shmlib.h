/*
 * shmlib.h: helpers shared by the named-shared-memory tests (test/shm_*.c)
 * and the shared-memory benchmark, on top of testlib.h. Every helper is
 * static inline, as in testlib.h.
 *
 *   SHM_LIMIT_SIZE, ...        the kernel's limits (include/kernel/shm.h),
 *                              repeated here: user programs cannot include
 *                              kernel headers
 *   map_ok(name, prot)         shm_map or fail the test; returns the view
 *   wait_ok(pid, what)         reap pid, which must exit with 0
 *   reap_all(n, what)          reap n children (any order), all with 0
 *   struct usage, usage_now()  free frames, live named regions and their
 *   expect_usage(before, what) resident frames; expect_usage checks that
 *                              all three are back where they were (frames
 *                              retried briefly: a reaped child's last
 *                              frames go back when its parent's wait runs)
 *   expect_shm(before, what)   the same for the two shm counts only: for
 *                              checks inside a process, whose own frames
 *                              (its stack, its heap) may have moved
 *   region_info(name)          shm_list's record of a live named region
 *                              (views and holders -1 if it is not listed)
 *   region_views(name)         its views, -1 if the name is not listed
 *   struct link, link_open,    a pair of pipes between a parent and one
 *   link_side, link_send,      child: after fork each side calls link_side
 *   link_recv, link_close      (closing the ends it does not use), then
 *                              sends bytes to the other and receives its
 *                              bytes (link_recv returns one)
 *   run_step(fn, what)         runs fn in a forked child (which must exit
 *                              0) and checks expect_usage around it: the
 *                              child's own page tables and stack go with it,
 *                              so what is left is what the calls leaked
 *   repeat_unmoved(fn, n, what) calls fn once (it may take a page for good:
 *                              a stack page, a slab), then n times more,
 *                              and the free frames must not have moved: a
 *                              small kernel object leaked per call shows
 */
#ifndef _TEST_SHMLIB_H_
#define _TEST_SHMLIB_H_

#include "testlib.h"
#include <lib/shm.h>
#include <lib/futex.h>
#include <stdbool.h>

#define SHM_LIMIT_SIZE (64UL << 20)     /* SHM_MAX_SIZE: bytes per region */
#define SHM_LIMIT_REGIONS 64            /* SHM_MAX_REGIONS */
#define PAGE 4096                       /* (user code may not use PG_SIZE) */

static inline void *map_ok(const char *name, int prot)
{
    void *addr = NULL;
    int r = shm_map(name, &addr, prot);
    if (r != ERR_OK)
        error("shm_map(\"%s\", prot %d) = %d", name, prot, r);
    if (addr == NULL)
        error("shm_map(\"%s\") returned ERR_OK and a NULL view", name);
    return addr;
}

static inline void wait_ok(int pid, const char *what)
{
    int status = wait_for(pid);
    if (status != 0)
        error("%s: child %d exited with %d, expected 0", what, pid, status);
}

static inline void reap_all(int n, const char *what)
{
    for (int i = 0; i < n; i++) {
        int status = 12345;
        int pid = wait(-1, &status);
        if (pid < 0)
            error("%s: wait(-1) = %d after %d of %d children", what, pid, i, n);
        if (status != 0)
            error("%s: child %d exited with %d, expected 0", what, pid, status);
    }
}

struct usage {
    size_t free_pages;
    size_t shm_regions;
    size_t shm_pages;
};

static inline struct usage usage_now(void)
{
    struct sys_info i;
    memset(&i, 0, sizeof(i));
    info(&i);
    struct usage u = { i.free_pages, i.shm_regions, i.shm_pages };
    return u;
}

static inline void expect_shm(struct usage before, const char *what)
{
    struct usage now = usage_now();
    if (now.shm_regions != before.shm_regions)
        error("%s: %ld named regions, expected %ld", what, (long)now.shm_regions,
              (long)before.shm_regions);
    if (now.shm_pages != before.shm_pages)
        error("%s: %ld shared frames resident, expected %ld", what, (long)now.shm_pages,
              (long)before.shm_pages);
}

static inline void expect_usage(struct usage before, const char *what)
{
    struct usage now = usage_now();
    for (int tries = 0; tries < 40 && now.free_pages != before.free_pages; tries++) {
        msleep(20);
        now = usage_now();
    }
    expect_shm(before, what);
    if (now.free_pages != before.free_pages)
        error("%s: free_pages %ld, expected %ld (%ld leaked)", what, (long)now.free_pages,
              (long)before.free_pages, (long)before.free_pages - (long)now.free_pages);
}

static inline struct shm_info region_info(const char *name)
{
    static struct shm_info list[SHM_LIMIT_REGIONS];
    int n = shm_list(list, SHM_LIMIT_REGIONS);
    if (n < 0)
        error("shm_list = %d", n);
    for (int i = 0; i < n; i++)
        if (strcmp(list[i].name, name) == 0)
            return list[i];
    struct shm_info none = { .views = -1, .holders = -1 };
    return none;
}

static inline int region_views(const char *name)
{
    return region_info(name).views;
}

/* Two pipes: down (parent to child) and up (child to parent). */
struct link {
    int down[2], up[2];
    bool child;
};

static inline void link_open(struct link *l)
{
    expect(pipe(l->down), ERR_OK);
    expect(pipe(l->up), ERR_OK);
    l->child = false;
}

/* Call once in each process right after fork: closes the unused ends. */
static inline void link_side(struct link *l, bool child)
{
    l->child = child;
    expect(close(child ? l->down[1] : l->down[0]), ERR_OK);
    expect(close(child ? l->up[0] : l->up[1]), ERR_OK);
}

static inline void link_send(struct link *l, char c)
{
    expect(write(l->child ? l->up[1] : l->down[1], &c, 1), 1);
}

static inline char link_recv(struct link *l)
{
    char c = 0;
    expect(read(l->child ? l->down[0] : l->up[0], &c, 1), 1);
    return c;
}

static inline void link_close(struct link *l)
{
    expect(close(l->child ? l->down[0] : l->up[0]), ERR_OK);
    expect(close(l->child ? l->up[1] : l->down[1]), ERR_OK);
}

static inline void run_step(void (*fn)(void), const char *what)
{
    struct usage before = usage_now();
    int pid = fork_ok();
    if (pid == 0) {
        fn();
        exit(0);
    }
    wait_ok(pid, what);
    expect_usage(before, what);
}

static inline void repeat_unmoved(void (*fn)(void), int n, const char *what)
{
    fn();
    struct usage before = usage_now();
    for (int i = 0; i < n; i++)
        fn();
    struct usage after = usage_now();
    if (after.free_pages != before.free_pages)
        error("%d x %s: %ld frames fewer", n, what,
              (long)before.free_pages - (long)after.free_pages);
}

#endif /* _TEST_SHMLIB_H_ */
