/*
 * shm_errors: every error return of the named-shared-memory calls, the
 * futex call and mmap/munmap (docs/api.md, shm.h, futex.h, filemap.h), each
 * with the exact code, and that no failed call leaves anything behind: no
 * region, no view, no frame. Bad pointers (NULL, kernel, unmapped, a name
 * running off the end of the heap) must give ERR_FAULT, never a panic or
 * a kill; a bad result pointer must leave no view mapped.
 * Each group of checks runs in a child (run_step); `shm_errors N` at the
 * shell runs only the Nth group, when one needs looking into.
 */
#include "shmlib.h"
#include <lib/bench.h>
#include <lib/proc-ext.h>
#include <lib/string-ext.h>
#include <lib/mman.h>
#include <lib/layout.h>
#include <lib/stddef.h>

static const uintptr_t bad[] = BAD_POINTERS;

/* Every call taking a name, with name n, must return want. */
static void name_calls(const char *n, int want, const char *what)
{
    void *addr = NULL;
    int r;
    if ((r = shm_create(n, PAGE, RS_DEFAULT)) != want)
        error("%s: shm_create = %d, expected %d", what, r, want);
    if ((r = shm_map(n, &addr, SHM_READ)) != want)
        error("%s: shm_map = %d, expected %d", what, r, want);
    if ((r = shm_unmap(n, (void *)0x10000)) != want)
        error("%s: shm_unmap = %d, expected %d", what, r, want);
    if ((r = shm_destroy(n)) != want)
        error("%s: shm_destroy = %d, expected %d", what, r, want);
    if ((r = shm_lock(n)) != want)
        error("%s: shm_lock = %d, expected %d", what, r, want);
    if ((r = shm_unlock(n)) != want)
        error("%s: shm_unlock = %d, expected %d", what, r, want);
    if ((r = shm_resize(n, PAGE)) != want)
        error("%s: shm_resize = %d, expected %d", what, r, want);
    if (addr != NULL)
        error("%s: a failed shm_map stored %p", what, addr);
}

static void names(void)
{
    for (size_t i = 0; i < NELEM(bad); i++)
        name_calls((const char *)bad[i], ERR_FAULT, "bad name pointer");
    name_calls("", ERR_INVAL, "empty name");

    /* 127 bytes and a NUL is the longest name; 128 without one is too long. */
    static char longname[MAX_NAME_LEN + 8];
    memset(longname, 'n', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = '\0';
    longname[MAX_NAME_LEN] = '\0';
    name_calls(longname, ERR_INVAL, "128-byte name");
    longname[MAX_NAME_LEN - 1] = '\0';
    expect(shm_create(longname, PAGE, RS_DEFAULT), ERR_OK);
    expect(shm_destroy(longname), ERR_OK);

    /* A name without a NUL that runs into the unmapped page after the heap. */
    char *tail = heap_end(16);
    memset(tail, 'x', 16);
    name_calls(tail, ERR_FAULT, "unterminated name at the end of the heap");
    /* ... and one that ends exactly there is fine. */
    tail[15] = '\0';
    expect(shm_create(tail, PAGE, RS_DEFAULT), ERR_OK);
    expect(shm_destroy(tail), ERR_OK);

    /* Names are any non-NUL bytes: '/', spaces, high bytes. */
    expect(shm_create("/a b\x7f\xff", PAGE, RS_DEFAULT), ERR_OK);
    expect(shm_destroy("/a b\x7f\xff"), ERR_OK);
}

static void create(void)
{
    expect(shm_create("e", 0, RS_DEFAULT), ERR_INVAL);
    expect(shm_create("e", SHM_LIMIT_SIZE + 1, RS_DEFAULT), ERR_INVAL);
    expect(shm_create("e", (size_t)-1, RS_DEFAULT), ERR_INVAL);
    expect(shm_create("e", PAGE, 1), ERR_INVAL);
    expect(shm_create("e", PAGE, 0x1000), ERR_INVAL);
    expect(shm_create("e", PAGE, RS_PERSIST | 0x80), ERR_INVAL);
    expect(shm_create("e", PAGE, -1), ERR_INVAL);
    expect(shm_list(NULL, 0), 0);

    /* Twice, whatever the size and flags of the second. */
    expect(shm_create("e", 1, RS_DEFAULT), ERR_OK);
    expect(shm_create("e", 1, RS_DEFAULT), ERR_EXIST);
    expect(shm_create("e", 5 * PAGE, RS_PERSIST | RS_FAMILY), ERR_EXIST);
    expect(shm_destroy("e"), ERR_OK);
    expect(shm_destroy("e"), ERR_NOTEXIST);

    /* The largest region is fine (frames come on first touch), and it
     * uses up the total: one more page is ERR_NOMEM until it goes. */
    expect(shm_create("big", SHM_LIMIT_SIZE, RS_DEFAULT), ERR_OK);
    expect(shm_create("more", PAGE, RS_DEFAULT), ERR_NOMEM);
    expect(shm_resize("big", SHM_LIMIT_SIZE - PAGE), ERR_OK);
    expect(shm_create("more", PAGE, RS_DEFAULT), ERR_OK);
    expect(shm_resize("big", SHM_LIMIT_SIZE), ERR_NOMEM);
    expect(shm_destroy("more"), ERR_OK);
    expect(shm_destroy("big"), ERR_OK);

    /* The number of live regions is limited too. */
    char name[8] = "nN";
    int made = 0;
    for (int i = 0; i < SHM_LIMIT_REGIONS + 1; i++) {
        name[1] = (char)('0' + i);     /* '0'..'p': distinct printable names */
        int r = shm_create(name, PAGE, RS_DEFAULT);
        if (r == ERR_NOMEM)
            break;
        if (r != ERR_OK)
            error("creating region %d: %d", i, r);
        made++;
    }
    if (made != SHM_LIMIT_REGIONS)
        error("%d regions could be created, expected %d", made, SHM_LIMIT_REGIONS);
    for (int i = 0; i < made; i++) {
        name[1] = (char)('0' + i);
        expect(shm_destroy(name), ERR_OK);
    }
}

/* What a failed call must leave in its result variable: the caller's value
 * (a failed shm_map or mmap used to store NULL there). */
#define UNTOUCHED ((void *)0x5eed)

static void map_errors(void)
{
    void *addr = UNTOUCHED;
    expect(shm_map("none", &addr, SHM_READ), ERR_NOTEXIST);
    expect(shm_create("m", 2 * PAGE, RS_DEFAULT), ERR_OK);
    expect(shm_map("m", &addr, 0), ERR_INVAL);
    expect(shm_map("m", &addr, 4), ERR_INVAL);
    expect(shm_map("m", &addr, SHM_READ | SHM_WRITE | 4), ERR_INVAL);
    expect(shm_map("m", &addr, -1), ERR_INVAL);
    expect(addr, UNTOUCHED);
    /* A result pointer the kernel cannot write: ERR_FAULT and no view. */
    for (size_t i = 0; i < NELEM(bad); i++)
        expect(shm_map("m", (void **)bad[i], SHM_READ), ERR_FAULT);
    expect(shm_map("m", (void **)(uintptr_t)&name_calls, SHM_READ), ERR_FAULT);
    expect(shm_map("m", (void **)STACK_END(4), SHM_READ), ERR_FAULT);
    expect(region_views("m"), 0);
    expect(shm_destroy("m"), ERR_OK);   /* ERR_INVAL if a view had been left */
}

static void unmap_lock_destroy(void)
{
    expect(shm_create("u", 2 * PAGE, RS_DEFAULT), ERR_OK);
    expect(shm_create("other", PAGE, RS_DEFAULT), ERR_OK);
    /* No view yet: lock and unlock need one. */
    expect(shm_lock("u"), ERR_NOTEXIST);
    expect(shm_unlock("u"), ERR_NOTEXIST);
    expect(shm_unmap("u", (void *)0x10000), ERR_NOTEXIST);

    char *v = map_ok("u", SHM_READ | SHM_WRITE);
    char *o = map_ok("other", SHM_READ);
    expect(shm_unmap("nosuch", v), ERR_NOTEXIST);
    expect(shm_unmap("other", v), ERR_NOTEXIST);     /* v is a view of u */
    expect(shm_unmap("u", o), ERR_NOTEXIST);
    expect(shm_unmap("u", NULL), ERR_NOTEXIST);
    expect(shm_unmap("u", v + 2 * PAGE), ERR_NOTEXIST);  /* one past the end */
    expect(shm_unmap("u", v - 1), ERR_NOTEXIST);
    expect(shm_unmap("u", sbrk(0)), ERR_NOTEXIST);
    expect(shm_unmap("u", (void *)KMAP_BASE), ERR_NOTEXIST);
    expect(munmap(v, 2 * PAGE), ERR_INVAL);           /* not a file mapping */

    /* Locks: unlock when free, lock twice, unlock twice. */
    expect(shm_unlock("u"), ERR_INVAL);
    expect(shm_lock("u"), ERR_OK);
    expect(shm_lock("u"), ERR_INVAL);                 /* already ours */
    expect(shm_unlock("u"), ERR_OK);
    expect(shm_unlock("u"), ERR_INVAL);
    expect(shm_lock("other"), ERR_OK);                /* a read-only view suffices */
    expect(shm_unlock("other"), ERR_OK);

    expect(shm_destroy("u"), ERR_INVAL);              /* we map it */
    int pid = fork_ok();
    if (pid == 0) {
        expect(shm_destroy("u"), ERR_PERM);           /* not the creator */
        expect(shm_unmap("u", v), ERR_OK);
        expect(shm_destroy("u"), ERR_PERM);
        exit(0);
    }
    wait_ok(pid, "a non-creator destroying");
    v[PAGE + 7] = 1;
    expect(shm_unmap("u", v + PAGE + 7), ERR_OK);     /* any address inside */
    expect(shm_unmap("u", v), ERR_NOTEXIST);
    expect(shm_lock("u"), ERR_NOTEXIST);              /* no view any more */
    expect(shm_destroy("u"), ERR_OK);
    expect(shm_destroy("u"), ERR_NOTEXIST);
    expect(shm_unmap("other", o), ERR_OK);
    expect(shm_destroy("other"), ERR_OK);
}

static void resize(void)
{
    size_t pages = usage_now().shm_pages;
    expect(shm_resize("r", PAGE), ERR_NOTEXIST);
    expect(shm_create("r", 4 * PAGE, RS_DEFAULT), ERR_OK);
    expect(shm_resize("r", 0), ERR_INVAL);
    expect(shm_resize("r", SHM_LIMIT_SIZE + 1), ERR_INVAL);
    char *v = map_ok("r", SHM_READ | SHM_WRITE);
    v[3 * PAGE] = 'z';
    expect(shm_resize("r", 3 * PAGE), ERR_INVAL);     /* the view reaches past it */
    expect(shm_resize("r", 8 * PAGE), ERR_OK);        /* growing is fine */
    expect(shm_resize("r", 4 * PAGE), ERR_OK);        /* back to the view's size */
    expect(shm_unmap("r", v), ERR_OK);
    expect(shm_resize("r", PAGE), ERR_OK);            /* frees the frames past it */
    expect(usage_now().shm_pages, pages);
    expect(shm_resize("r", 2 * PAGE + 1), ERR_OK);    /* rounded up to 3 pages */
    v = map_ok("r", SHM_READ | SHM_WRITE);
    expect(v[3 * PAGE - 1], 0);                       /* new pages are zero */
    expect(v[3 * PAGE - PAGE], 0);                    /* including the one that held 'z' */
    expect(shm_unmap("r", v), ERR_OK);

    /* RS_RDONLY: only the creator resizes. */
    expect(shm_create("ro", PAGE, RS_RDONLY), ERR_OK);
    int pid = fork_ok();
    if (pid == 0) {
        expect(shm_resize("ro", 2 * PAGE), ERR_PERM);
        exit(0);
    }
    wait_ok(pid, "resize of an RS_RDONLY region by another process");
    expect(shm_resize("ro", 2 * PAGE), ERR_OK);
    expect(shm_destroy("ro"), ERR_OK);
    expect(shm_destroy("r"), ERR_OK);
}

static void list_errors(void)
{
    struct shm_info one;
    expect(shm_list(&one, -1), ERR_INVAL);
    expect(shm_create("l", PAGE, RS_DEFAULT), ERR_OK);
    for (size_t i = 0; i < NELEM(bad); i++)
        expect(shm_list((struct shm_info *)bad[i], 1), ERR_FAULT);
    expect(shm_list(&one, 0), 0);
    /* max 0 stores nothing and needs no memory: 0 even when none is
     * left (it was ERR_NOMEM), as for proc_list; the armed failure is
     * still pending after both, so neither allocated */
    expect(kalloc_fail(1), 0);
    expect(shm_list(&one, 0), 0);
    expect(proc_list(NULL, 0), 0);
    expect(kalloc_fail(0), 1);
    expect(shm_list(&one, 1), 1);
    expect(strcmp(one.name, "l"), 0);
    expect(one.size, PAGE);
    expect(one.views, 0);
    expect(one.holders, 1);
    expect(one.creator, getpid());
    expect(shm_destroy("l"), ERR_OK);
}

static void futex_errors(void)
{
    static int words[4];
    expect(futex((int *)((char *)words + 1), FUTEX_WAIT, 0, 10), ERR_INVAL);
    expect(futex((int *)((char *)words + 2), FUTEX_WAKE, 1, 0), ERR_INVAL);
    for (size_t i = 0; i < NELEM(bad); i++) {
        expect(futex((int *)bad[i], FUTEX_WAIT, 0, 10), ERR_FAULT);
        expect(futex((int *)bad[i], FUTEX_WAKE, 1, 0), ERR_FAULT);
    }
    expect(futex((int *)STACK_END(4) + 1, FUTEX_WAKE, 1, 0), ERR_FAULT);
    expect(futex(&words[0], 2, 0, 0), ERR_INVAL);
    expect(futex(&words[0], -1, 0, 0), ERR_INVAL);
    words[0] = 5;
    expect(futex(&words[0], FUTEX_WAIT, 4, 0), ERR_AGAIN);
    expect(futex(&words[0], FUTEX_WAIT, 5, 30), ERR_TIMEDOUT);
    expect(futex(&words[0], FUTEX_WAKE, 1, 0), 0);
    expect(futex(&words[0], FUTEX_WAKE, 0, 0), 0);
    expect(futex(&words[0], FUTEX_WAKE, -1, 0), 0);
    /* A word in a read-only view can be waited on and woken. */
    expect(shm_create("f", PAGE, RS_DEFAULT), ERR_OK);
    int *ro = map_ok("f", SHM_READ);
    expect(futex(ro, FUTEX_WAIT, 1, 0), ERR_AGAIN);
    expect(futex(ro, FUTEX_WAIT, 0, 20), ERR_TIMEDOUT);
    expect(futex(ro, FUTEX_WAKE, 1, 0), 0);
    expect(shm_unmap("f", ro), ERR_OK);
    expect(shm_destroy("f"), ERR_OK);
    /* An untouched heap page: faulted in, not an error. */
    char *h = heap_end(PAGE);
    expect(futex((int *)h, FUTEX_WAIT, 0, 10), ERR_TIMEDOUT);
}

static void mmap_errors(void)
{
    void *a = UNTOUCHED;
    make_file("/shm_errors.f", "0123456789");
    int rw = open_ok("/shm_errors.f", FS_RDWR);
    int ro = open_ok("/shm_errors.f", FS_RDONLY);
    int wo = open_ok("/shm_errors.f", FS_WRONLY);
    int dir = open_ok("/", FS_RDONLY);
    int fds[2];
    expect(pipe(fds), ERR_OK);
    int closed = open_ok("/smallfile", FS_RDONLY);
    expect(close(closed), ERR_OK);

    expect(mmap(-1, 0, PAGE, SHM_READ, MAP_SHARED, &a), ERR_INVAL);
    expect(mmap(NUM_FILES, 0, PAGE, SHM_READ, MAP_SHARED, &a), ERR_INVAL);
    expect(mmap(closed, 0, PAGE, SHM_READ, MAP_SHARED, &a), ERR_INVAL);
    expect(mmap(dir, 0, PAGE, SHM_READ, MAP_SHARED, &a), ERR_FTYPE);
    expect(mmap(fds[0], 0, PAGE, SHM_READ, MAP_SHARED, &a), ERR_FTYPE);
    expect(mmap(rw, 0, PAGE, SHM_READ, 0, &a), ERR_INVAL);
    expect(mmap(rw, 0, PAGE, SHM_READ, MAP_SHARED | MAP_PRIVATE, &a), ERR_INVAL);
    expect(mmap(rw, 0, PAGE, SHM_READ, 4, &a), ERR_INVAL);
    expect(mmap(rw, 0, PAGE, 0, MAP_SHARED, &a), ERR_INVAL);
    expect(mmap(rw, 0, PAGE, 4, MAP_SHARED, &a), ERR_INVAL);
    expect(mmap(rw, 0, 0, SHM_READ, MAP_SHARED, &a), ERR_INVAL);
    expect(mmap(rw, 1, PAGE, SHM_READ, MAP_SHARED, &a), ERR_INVAL);
    expect(mmap(rw, PAGE / 2, PAGE, SHM_READ, MAP_SHARED, &a), ERR_INVAL);
    expect(mmap(rw, -PAGE, PAGE, SHM_READ, MAP_SHARED, &a), ERR_INVAL);
    expect(mmap(rw, 0, USER_TOP + 1, SHM_READ, MAP_SHARED, &a), ERR_INVAL);
    expect(mmap(rw, 0, (size_t)-1, SHM_READ, MAP_SHARED, &a), ERR_INVAL);
    expect(mmap(ro, 0, PAGE, SHM_READ | SHM_WRITE, MAP_SHARED, &a), ERR_PERM);
    expect(mmap(wo, 0, PAGE, SHM_READ, MAP_SHARED, &a), ERR_PERM);
    expect(mmap(wo, 0, PAGE, SHM_READ, MAP_PRIVATE, &a), ERR_PERM);
    expect(a, UNTOUCHED);
    for (size_t i = 0; i < NELEM(bad); i++)
        expect(mmap(rw, 0, PAGE, SHM_READ, MAP_SHARED, (void **)bad[i]), ERR_FAULT);
    /* Larger than the free address space. */
    expect(mmap(rw, 0, USER_TOP - PAGE, SHM_READ, MAP_SHARED, &a), ERR_NOMEM);

    /* A private writable mapping of a read-only fd is fine: nothing reaches the file. */
    char *p;
    expect(mmap(ro, 0, 10, SHM_READ | SHM_WRITE, MAP_PRIVATE, (void **)&p), ERR_OK);
    p[0] = 'X';
    expect(munmap(p, PAGE + 1), ERR_INVAL);          /* length must be the mapping's */
    expect(munmap(p + PAGE, PAGE), ERR_INVAL);
    expect(munmap(p, 0), ERR_INVAL);
    expect(munmap(NULL, PAGE), ERR_INVAL);
    expect(munmap((void *)KMAP_BASE, PAGE), ERR_INVAL);
    expect(munmap(sbrk(0), PAGE), ERR_INVAL);
    expect(shm_unmap("/shm_errors.f", p), ERR_NOTEXIST);   /* not a region */
    expect(munmap(p, 10), ERR_OK);                   /* rounded like the mapping */
    expect(munmap(p, 10), ERR_INVAL);
    char buf[16];
    expect(read_file("/shm_errors.f", buf, sizeof(buf)), 10);
    expect(strcmp(buf, "0123456789"), 0);

    expect(close(rw), ERR_OK);
    expect(close(ro), ERR_OK);
    expect(close(wo), ERR_OK);
    expect(close(dir), ERR_OK);
    expect(close(fds[0]), ERR_OK);
    expect(close(fds[1]), ERR_OK);
    remove_file("/shm_errors.f");
}

static const struct {
    void (*fn)(void);
    const char *what;
} groups[] = {
    { names, "names" },
    { create, "shm_create" },
    { map_errors, "shm_map" },
    { unmap_lock_destroy, "shm_unmap, shm_lock, shm_destroy" },
    { resize, "shm_resize" },
    { list_errors, "shm_list" },
    { futex_errors, "futex" },
    { mmap_errors, "mmap and munmap" },
};

int main(int argc, char **argv)
{
    int only = argc > 1 ? atoi(argv[1]) : 0;
    struct usage start = usage_now();
    for (int i = 0; i < (int)NELEM(groups); i++)
        if (!only || only == i + 1)
            run_step(groups[i].fn, groups[i].what);
    expect_usage(start, "at the end");
    pass("shm_errors");
    return 0;
}
