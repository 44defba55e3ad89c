/*
 * shm_osv: a program written for osv's named shared memory, as an osv
 * student would write it: only osv's headers and spellings
 * (createSharedRegion with a size in pages, map, unmap, lockSharedRegion,
 * unlockSharedRegion, destroySharedRegion), no osv-rv helper. It must
 * compile unmodified (including its own variables named PG_SIZE and errno,
 * which osv's headers leave free) and behave as on osv: the region is
 * npages pages (the last byte is usable, the next page is not), views are
 * read-write and shared with children, the lock serializes processes, and
 * the errors are osv's. An RS_RDONLY region is its creator's to write:
 * another process's map() gives it a read-only view (as the view a fork
 * child inherits is), which reads the creator's bytes and whose store kills.
 * Killed on purpose: the child touching one page past the region, and
 * the child storing into its view of an RS_RDONLY region.
 */
// test: expect-killed=2
#include <lib/test.h>
#include <lib/stdio.h>
#include <lib/string.h>
#include <lib/usyscall.h>

static int PG_SIZE = 4096;        /* osv programs declare these themselves */
static int errno;

#define NPAGES 3
#define NCHILD 4
#define ROUNDS 100

struct board {
    int counter;
    char note[32];
};

/* An RS_RDONLY region: the creator writes it; a child's own map() of it
 * succeeds, reads what the creator wrote, and its store kills it. */
static void rdonly_region(void)
{
    char *mine = NULL;
    if ((errno = createSharedRegion("table", 1, RS_RDONLY)) != ERR_OK)
        error("createSharedRegion RS_RDONLY = %d", errno);
    if ((errno = map("table", (void **)&mine)) != ERR_OK)
        error("the creator's map of its RS_RDONLY region = %d", errno);
    strcpy(mine, "published");
    int pid = fork();
    if (pid == 0) {
        char *view = NULL;
        if ((errno = map("table", (void **)&view)) != ERR_OK)
            error("another process's map of an RS_RDONLY region = %d", errno);
        if (strcmp(view, "published") != 0)
            error("the read-only view holds \"%s\"", view);
        asm volatile("sb zero, 0(%0)" : : "r"(view) : "memory");
        error("a store into a read-only view of an RS_RDONLY region did not kill");
    }
    int status = 0;
    if (wait(pid, &status) != pid || status != -1)
        error("storing into a read-only view: child status %d, expected -1", status);
    if (strcmp(mine, "published") != 0)
        error("the creator's region holds \"%s\"", mine);
    if ((errno = unmap("table", mine)) != ERR_OK || (errno = destroySharedRegion("table")) != ERR_OK)
        error("unmap or destroySharedRegion of the RS_RDONLY region = %d", errno);
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    void *addr = NULL;

    if ((errno = createSharedRegion("board", NPAGES, RS_DEFAULT)) != ERR_OK)
        error("createSharedRegion = %d", errno);
    if ((errno = createSharedRegion("board", 1, RS_DEFAULT)) != ERR_EXIST)
        error("createSharedRegion twice = %d, expected ERR_EXIST", errno);
    if ((errno = createSharedRegion("empty", 0, RS_DEFAULT)) != ERR_INVAL)
        error("createSharedRegion of 0 pages = %d, expected ERR_INVAL", errno);
    if ((errno = map("nosuch", &addr)) != ERR_NOTEXIST)
        error("map of a missing region = %d", errno);
    if ((errno = map("board", &addr)) != ERR_OK || addr == NULL)
        error("map = %d, addr %p", errno, addr);

    struct board *b = addr;
    char *bytes = addr;
    b->counter = 0;
    strcpy(b->note, "from the parent");
    bytes[NPAGES * PG_SIZE - 1] = 'z';             /* the last byte of the last page */

    for (int i = 0; i < NCHILD; i++) {
        int pid = fork();
        if (pid < 0)
            error("fork = %d", pid);
        if (pid == 0) {
            void *mine = NULL;
            if ((errno = map("board", &mine)) != ERR_OK)
                error("child: map = %d", errno);
            struct board *cb = mine;
            if (strcmp(cb->note, "from the parent") != 0)
                error("child: note is \"%s\"", cb->note);
            for (int j = 0; j < ROUNDS; j++) {
                if ((errno = lockSharedRegion("board")) != ERR_OK)
                    error("child: lockSharedRegion = %d", errno);
                int c = cb->counter;
                for (volatile int spin = 0; spin < 100; spin++)
                    ;
                cb->counter = c + 1;
                if ((errno = unlockSharedRegion("board")) != ERR_OK)
                    error("child: unlockSharedRegion = %d", errno);
            }
            if ((errno = unmap("board", mine)) != ERR_OK)
                error("child: unmap = %d", errno);
            exit(0);
        }
    }
    for (int i = 0; i < NCHILD; i++) {
        int status = -5;
        if (wait(-1, &status) < 0 || status != 0)
            error("a child failed (status %d)", status);
    }
    if (b->counter != NCHILD * ROUNDS)
        error("counter = %d, expected %d", b->counter, NCHILD * ROUNDS);

    /* The region is NPAGES pages: one page more is not mapped. */
    int pid = fork();
    if (pid == 0) {
        if (bytes[NPAGES * PG_SIZE - 1] != 'z')
            error("child: last byte lost");
        asm volatile("sb zero, 0(%0)" : : "r"(bytes + NPAGES * PG_SIZE) : "memory");
        error("the page after an %d-page region is mapped", NPAGES);
    }
    int status = 0;
    if (wait(pid, &status) != pid || status != -1)
        error("touching past the region: child status %d, expected -1", status);

    if ((errno = unlockSharedRegion("board")) != ERR_INVAL)
        error("unlockSharedRegion without the lock = %d", errno);
    if ((errno = destroySharedRegion("board")) != ERR_INVAL)
        error("destroySharedRegion while mapped = %d", errno);
    if ((errno = unmap("board", addr)) != ERR_OK)
        error("unmap = %d", errno);
    if ((errno = destroySharedRegion("board")) != ERR_OK)
        error("destroySharedRegion = %d", errno);
    if ((errno = destroySharedRegion("board")) != ERR_NOTEXIST)
        error("destroySharedRegion twice = %d", errno);
    if ((errno = map("board", &addr)) != ERR_NOTEXIST)
        error("map after destroy = %d", errno);
    rdonly_region();
    pass("shm_osv");
    return 0;
}
