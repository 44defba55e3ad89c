/*
 * vm_mix: a seeded random mix of everything that changes an address
 * space, by several processes on every hart at once, with the data
 * checked at every step. Each worker keeps a heap of up to 800 pages
 * (leaf tables fork shares, whole spans and cut ones), knows the word
 * each page must hold, and picks ops at random: stores into runs of
 * pages; a check of every page; sbrk shrinks and growths (grown pages
 * read zero); stack growth; forks whose child reads (and must never see
 * the parent's stores made meanwhile), writes, shrinks, forks a
 * grandchild that reports through the shared region and a futex, stores
 * into an inherited view and file mapping, plays futex ping-pong, makes
 * the worker's ops itself one level down, or is killed at a random
 * moment, mid-fault or mid-fork, while its relatives fault on the same
 * leaf tables; a second view of the shared region (each sees the other's
 * stores) and a region of its own mapped by a child by name and
 * destroyed while the child still uses it; a shared mapping of a file
 * whose stores read() sees at once and the file keeps after munmap, a
 * write() the mapping sees, and a private mapping whose stores stay its
 * own; now and then a new ASID width (every bit, 2, 1, none). Every
 * frame must be back at the end. Existing tests race these one kind at
 * a time; here they meet. Each run draws a new seed and prints it:
 * `vm_mix SEED MS WORKERS [FREE]` at the prompt replays it (up to the
 * harts' interleaving), runs longer, wider, or with a hog that leaves only FREE
 * frames, so that fork, faults and table copies run out of memory
 * (processes then die "out of memory", and only the data the survivors
 * see and the frames are judged). Parent and child read their heap
 * before they store half the time, so a table is attached, then stored
 * to, while the other side still holds it: with the write-protect of
 * that attach left out of vpmap_own_table, 4 runs of 6 failed. While it
 * was written it ran over 1,000 seeds of 3 s (1 to 12 harts, the debug
 * kernel, memory running out) and found no kernel bug.
 */
// test: timeout=60
#include "vmlib.h"
#include <lib/shm.h>
#include <lib/mman.h>
#include <lib/stdio-ext.h>
#include <lib/string-ext.h>

#define WORKERS_MAX 8
#define HEAP_MAX 800             /* pages of a worker's heap */
#define FILE_PAGES WORKERS_MAX   /* worker w owns page w of the file */
#define FILE_WORDS 16            /* words of its page a worker stores to */
#define PINGS 6                  /* futex ping-pong rounds */
#define FUTEX_MS 5000            /* longest futex wait: a lost wake shows as an error */
#define REGION "vmx"
#define FILE "/vmx"

/* The shared region every worker inherits from main. */
struct board {
    int gate;                    /* main sets it to 1 and wakes the workers; 2: main is
                                  * removing the region and the file */
    int hogging;                 /* 1: the hog holds its frames; 2: it may go */
    int done[WORKERS_MAX];       /* ops each worker made, stored at its end */
    int report[WORKERS_MAX];     /* a grandchild's result + 1 */
    int ping[WORKERS_MAX];       /* ping-pong turn counter */
    long mark[WORKERS_MAX];      /* a child's store, for its parent to see */
};

static struct board *board;
static int nworkers = 4;
static int ms = 700;
static unsigned long seed;
static long hog;                 /* nonzero: frames left free, so memory runs out */

static int me;                   /* worker index */
static unsigned long rng;
static char *heap;               /* page aligned */
static long npages;              /* pages of the heap in use */
static unsigned char tags[HEAP_MAX];   /* page i holds page_word(tags[i], i), or 0 if 0 */
static unsigned char next_tag = 1;
static int ops;
static int depth;                /* 0: the worker; its fork children's depth is 1, ... */

static char *fmap;               /* shared mapping of the file, or NULL */
static long fwords[FILE_WORDS];  /* what this worker's page of the file must hold */
static char fbuf[FILE_PAGES * PAGE];   /* the file, read() whole */

/* A number below n from this process's sequence (an LCG). */
static unsigned below(unsigned n)
{
    rng = rng * 6364136223846793005UL + 1442695040888963407UL;
    return (unsigned)(rng >> 33) % n;
}

/* The word heap page i must hold, and where it is. */
static long expected(long i) { return tags[i] ? page_word(tags[i], i) : 0; }
static volatile long *word(long i) { return (volatile long *)(heap + i * PAGE); }

/* A tag for the next run of stores (never 0, which means a zero page). */
static unsigned char new_tag(void)
{
    if (++next_tag == 0)
        next_tag = 1;
    return next_tag;
}

/* Pages of the heap not holding their word; each named once on the console. */
static long check_heap(const char *who)
{
    long bad = 0;
    for (long i = 0; i < npages; i++)
        if (*word(i) != expected(i)) {
            if (bad++ < 3)
                printf("vm_mix: seed %lu worker %d %s (pid %d): page %ld of %ld holds %lx, "
                       "expected %lx\n", seed, me, who, getpid(), i, npages, *word(i),
                       expected(i));
        }
    return bad;
}

/* Stores a new tag into a random run of pages. */
static void store_run(void)
{
    if (npages == 0)
        return;
    long from = below(npages), n = 1 + below(npages - from);
    unsigned char t = new_tag();
    for (long i = from; i < from + n; i++) {
        tags[i] = t;
        *word(i) = page_word(t, i);
    }
}

/* True for ERR_NOMEM when memory is meant to run out (hog). */
static bool short_of_memory(long r)
{
    return hog && r == ERR_NOMEM;
}

/* After r, ERR_NOTEXIST from the board region or the file: fine only for
 * an orphan (its worker died "out of memory") still running when main
 * removed them, which then has nothing left to do. */
static void exit_if_orphaned(long r)
{
    if (r == ERR_NOTEXIST && hog && __atomic_load_n(&board->gate, __ATOMIC_SEQ_CST) == 2)
        exit(0);
}

/* Moves the heap's end to a random page count; pages grown read zero. */
static void resize_heap(void)
{
    long n = below(HEAP_MAX + 1);
    void *old = sbrk((int)((n - npages) * (long)PAGE));
    if (short_of_memory((long)old))
        return;
    if (old != heap + npages * PAGE)
        error("seed %lu worker %d: sbrk = %p, expected %p", seed, me, old, heap + npages * PAGE);
    for (long i = npages; i < n; i++)
        tags[i] = 0;
    npages = n;
}

/* Grows the stack by depth KiB and stores in every frame. */
static long deep(int depth)
{
    volatile char frame[1024];
    for (unsigned i = 0; i < sizeof(frame); i += 64)
        frame[i] = (char)depth;
    long sum = depth > 0 ? deep(depth - 1) : 0;
    return sum + frame[64];
}

/* futex wait until *w != old: true, or false after FUTEX_MS. */
static bool wait_change(int *w, int old, const char *what)
{
    uint64_t end = rdtime() + FUTEX_MS * (TIME_HZ / 1000);
    while (__atomic_load_n(w, __ATOMIC_SEQ_CST) == old) {
        int r = futex(w, FUTEX_WAIT, old, 50);
        if (r != ERR_OK && r != ERR_AGAIN && r != ERR_TIMEDOUT)
            error("seed %lu worker %d: %s: futex wait = %d", seed, me, what, r);
        if (rdtime() > end)
            return false;
    }
    return true;
}

/* Ping-pong on board->ping[me]: the parent moves it from even to odd,
 * the child from odd to even, each storing into its heap in between. A
 * child whose parent was killed gives up quietly; a parent that waits in
 * vain fails the test. */
static void ping_pong(bool parent)
{
    int *w = &board->ping[me];
    for (int k = 0; k < PINGS; k++) {
        int v = __atomic_load_n(w, __ATOMIC_SEQ_CST);
        while ((v % 2 == 0) != parent) {
            if (!wait_change(w, v, "ping-pong") && !parent)
                exit(0);
            if (parent && __atomic_load_n(w, __ATOMIC_SEQ_CST) == v && hog)
                return;          /* the child may have run out of memory */
            if (parent && __atomic_load_n(w, __ATOMIC_SEQ_CST) == v)
                error("seed %lu worker %d: ping-pong: no change in %d ms", seed, me, FUTEX_MS);
            v = __atomic_load_n(w, __ATOMIC_SEQ_CST);
        }
        store_run();
        __atomic_store_n(w, v + 1, __ATOMIC_SEQ_CST);
        futex(w, FUTEX_WAKE, 1, 0);
    }
}

enum { C_EXIT, C_READ, C_WRITE, C_RESIZE, C_GRANDCHILD, C_SPIN, C_SHARED, C_PING, C_MIX,
       C_KINDS };

static void random_op(void);

/* A fork child's work of kind; its result is its exit status (0: good). */
static int child(int kind)
{
    rng ^= (unsigned long)getpid() * 0x9E3779B97F4A7C15UL;
    depth++;
    long bad = 0;
    switch (kind) {
    case C_EXIT:
        return 0;
    case C_READ:
        for (int pass = 0; pass < 3; pass++)
            bad += check_heap("child reading");
        return (int)bad;
    case C_WRITE:                /* reads first, half the time: a table attached, then stored to */
        if (below(2))
            bad = check_heap("child about to write");
        for (int k = 0; k < 3; k++)
            store_run();
        return (int)(bad + check_heap("child writing"));
    case C_RESIZE:
        resize_heap();
        store_run();
        bad = check_heap("child resized");
        resize_heap();
        return (int)(bad + check_heap("child resized twice"));
    case C_GRANDCHILD: {
        int pid = fork();
        if (pid < 0)
            return short_of_memory(pid) ? 0 : 100;
        if (pid == 0) {
            store_run();
            bad = check_heap("grandchild");
            __atomic_store_n(&board->report[me], (int)bad + 1, __ATOMIC_SEQ_CST);
            futex(&board->report[me], FUTEX_WAKE, 1, 0);
            exit(0);
        }
        return 0;                /* the grandchild runs on, an orphan */
    }
    case C_SPIN: {               /* until killed: faults, copies, forks */
        /* (or for FUTEX_MS, should its parent have died first) */
        uint64_t end = rdtime() + FUTEX_MS * (TIME_HZ / 1000);
        while (rdtime() < end) {
            store_run();
            if (below(8) == 0)
                resize_heap();
            if (below(16) == 0) {
                int pid = fork();
                if (pid == 0)
                    exit((int)check_heap("spinner's child"));
                int status = pid > 0 ? wait_for(pid) : 0;
                if (status != 0 && !(hog && status == -1))
                    error("seed %lu worker %d: spinner's child failed", seed, me);
            }
        }
        return 0;
    }
    case C_SHARED:
        board->mark[me] = (long)getpid() << 8 | 1;
        if (fmap)
            ((volatile long *)(fmap + me * PAGE))[FILE_WORDS] = getpid();
        return (int)check_heap("child sharing");
    case C_PING:
        ping_pong(false);
        return (int)check_heap("ping-pong child");
    case C_MIX:                  /* the worker's ops, one level down */
        for (int k = 3 + below(4); k > 0; k--)
            random_op();
        return (int)check_heap("mixing child");
    }
    return 99;
}

/* Fork, the child doing kind of work while the parent stores and checks;
 * now and then the child is killed at a random moment instead. */
static void op_fork(void)
{
    int kind = below(depth < 2 ? C_KINDS : C_MIX);
    /* Not a child that forks or waits for its parent: no orphan of a kill
     * may use the board's slots later */
    bool killing = kind == C_SPIN ||
                   (kind != C_GRANDCHILD && kind != C_PING && kind != C_MIX && below(4) == 0);
    board->report[me] = 0;
    board->mark[me] = 0;
    int pid = fork();
    if (pid == ERR_NOMEM)
        return;
    if (pid < 0)
        error("seed %lu worker %d: fork = %d", seed, me, pid);
    if (pid == 0)
        exit(child(kind));
    if (kind == C_PING)
        ping_pong(true);
    else if (below(2) && check_heap("parent, child running"))
        error("seed %lu worker %d: parent's heap changed across a fork", seed, me);
    else
        for (int k = below(3); k > 0; k--)
            store_run();
    if (killing) {
        for (volatile unsigned k = below(20000); k > 0; k--)
            ;
        int r = kill(pid);
        if (r != ERR_OK && r != ERR_NOTEXIST)
            error("seed %lu worker %d: kill(%d) = %d", seed, me, pid, r);
    }
    int status = wait_for(pid);
    if (status != 0 && !((killing || hog) && status == -1))
        error("seed %lu worker %d: child of kind %d exited with %d", seed, me, kind, status);
    if (kind == C_GRANDCHILD) {
        if (!wait_change(&board->report[me], 0, "grandchild's report") && !hog)
            error("seed %lu worker %d: no report from the grandchild", seed, me);
        if (board->report[me] > 1)
            error("seed %lu worker %d: grandchild found %d bad pages", seed, me,
                  board->report[me] - 1);
    }
    if (kind == C_SHARED && status == 0) {
        if (board->mark[me] != ((long)pid << 8 | 1))
            error("seed %lu worker %d: child's store to the view not seen: %lx", seed, me,
                  board->mark[me]);
        if (fmap && ((volatile long *)(fmap + me * PAGE))[FILE_WORDS] != pid)
            error("seed %lu worker %d: child's store to the file mapping not seen", seed, me);
    }
    if (check_heap("parent after fork"))
        error("seed %lu worker %d: parent's heap changed across a fork", seed, me);
}

/* A second view of the board: stores through each seen through the other. */
static void op_view(void)
{
    struct board *b2;
    int r = shm_map(REGION, (void **)&b2, SHM_READ | SHM_WRITE);
    exit_if_orphaned(r);
    if (r == ERR_NOMEM)
        return;
    if (r != ERR_OK)
        error("seed %lu worker %d: shm_map = %d", seed, me, r);
    long v = (long)below(1000000) << 8 | 2;
    b2->mark[me] = v;
    if (board->mark[me] != v)
        error("seed %lu worker %d: second view's store not seen", seed, me);
    board->mark[me] = v + 1;
    if (b2->mark[me] != v + 1)
        error("seed %lu worker %d: first view's store not seen in the second", seed, me);
    expect(shm_unmap(REGION, (char *)b2 + below(sizeof(*b2))), ERR_OK);
}

/* A region of this worker's own, mapped by a child by name too, and
 * destroyed while the child may still use it. */
static void op_region(void)
{
    char name[16];
    snprintf(name, sizeof(name), "vmx%d", me);
    size_t pages = 1 + below(4);
    int r = shm_create(name, pages * PAGE, below(2) ? RS_NOINHERIT : 0);
    if (r == ERR_NOMEM || r == ERR_EXIST)
        return;                  /* (a killed child's region, held by its orphan) */
    if (r != ERR_OK)
        error("seed %lu worker %d: shm_create = %d", seed, me, r);
    long *v;
    if (short_of_memory(r = shm_map(name, (void **)&v, SHM_READ | SHM_WRITE))) {
        expect(shm_destroy(name), ERR_OK);
        return;
    }
    if (r != ERR_OK)
        error("seed %lu worker %d: shm_map(own) = %d", seed, me, r);
    long word0 = (long)below(1000000) + 7;
    for (size_t p = 0; p < pages; p++)
        v[p * PAGE / 8] = word0 + (long)p;
    int pid = fork();
    if (pid == 0) {
        long *w;
        r = shm_map(name, (void **)&w, SHM_READ | SHM_WRITE);
        if (r != ERR_OK)
            exit(short_of_memory(r) ? 0 : 1);
        for (size_t p = 0; p < pages; p++)
            if (w[p * PAGE / 8] != word0 + (long)p)
                exit(2);
        int *mapped = (int *)&w[1];
        __atomic_store_n(mapped, 1, __ATOMIC_SEQ_CST);   /* the parent may destroy it now */
        futex(mapped, FUTEX_WAKE, 1, 0);
        store_run();
        if (check_heap("region child"))
            exit(3);
        msleep(1 + below(3));
        for (size_t p = 0; p < pages; p++)
            if (w[p * PAGE / 8] != word0 + (long)p)
                exit(4);         /* the region lives while this view does */
        exit(0);
    }
    if (pid < 0 && pid != ERR_NOMEM)
        error("seed %lu worker %d: fork = %d", seed, me, pid);
    if (pid > 0 && !wait_change((int *)&v[1], 0, "region child's view") && !hog)
        error("seed %lu worker %d: the region child never mapped it", seed, me);
    expect(shm_unmap(name, v), ERR_OK);
    expect(shm_destroy(name), ERR_OK);
    if (pid > 0) {
        int status = wait_for(pid);
        if (status != 0 && !(hog && status == -1))
            error("seed %lu worker %d: region child failed at step %d", seed, me, status);
    }
}

/* The shared file mapping, made, stored to, or unmapped and checked
 * through read(); a private mapping's stores never reach the file. */
static void op_file(void)
{
    int fd = open(FILE, FS_RDWR, EMPTY_MODE);
    exit_if_orphaned(fd);
    if (short_of_memory(fd))
        return;
    if (fd < 0)
        error("seed %lu worker %d: open = %d", seed, me, fd);
    switch (depth ? 2 * below(2) : below(hog ? 3 : 4)) {   /* write() needs memory */
    case 0:                      /* map, or unmap and check the file */
        if (!fmap) {
            int r = mmap(fd, 0, FILE_PAGES * PAGE, SHM_READ | SHM_WRITE, MAP_SHARED,
                         (void **)&fmap);
            if (r == ERR_NOMEM)
                fmap = NULL;
            else if (r != ERR_OK)
                error("seed %lu worker %d: mmap = %d", seed, me, r);
        } else {
            expect(munmap(fmap, FILE_PAGES * PAGE), ERR_OK);
            fmap = NULL;
        }
        break;
    case 1:                      /* a store through the mapping */
        if (fmap) {
            int k = below(FILE_WORDS);
            fwords[k] = (long)below(1 << 30) << 8 | me;
            ((volatile long *)(fmap + me * PAGE))[k] = fwords[k];
        }
        break;
    case 2: {                    /* a private mapping: its stores stay its own */
        char *p;
        int r = mmap(fd, 0, FILE_PAGES * PAGE, SHM_READ | SHM_WRITE, MAP_PRIVATE, (void **)&p);
        if (r == ERR_NOMEM)
            break;
        if (r != ERR_OK)
            error("seed %lu worker %d: mmap private = %d", seed, me, r);
        for (int k = 0; k < FILE_WORDS; k++)
            if (((long *)(p + me * PAGE))[k] != fwords[k])
                error("seed %lu worker %d: private mapping word %d", seed, me, k);
        ((volatile long *)(p + me * PAGE))[below(FILE_WORDS)] = -1;
        expect(munmap(p, FILE_PAGES * PAGE), ERR_OK);
        break;
    }
    case 3: {                    /* a write() the mapping sees */
        int k = below(FILE_WORDS);
        long v = (long)below(1 << 30) << 8 | me;
        write_at(FILE, me * PAGE + k * 8, &v, sizeof(v));
        fwords[k] = v;
        if (fmap && ((volatile long *)(fmap + me * PAGE))[k] != v)
            error("seed %lu worker %d: the mapping missed a write()", seed, me);
        break;
    }
    }
    /* read() sees the file's bytes, a live mapping's stores included;
     * into a buffer in memory fork may share */
    ssize_t n = read(fd, fbuf, sizeof(fbuf));
    if (short_of_memory(n) || (hog && n >= 0 && n < (ssize_t)sizeof(fbuf))) {
        /* (a read returns what it moved before memory ran out) */
        expect(close(fd), ERR_OK);
        return;
    }
    if (n != sizeof(fbuf))
        error("seed %lu worker %d: read of the file = %ld", seed, me, (long)n);
    long *got = (long *)(fbuf + me * PAGE);
    for (int k = 0; k < FILE_WORDS; k++)
        if (got[k] != fwords[k])
            error("seed %lu worker %d: file word %d holds %lx, expected %lx", seed, me, k,
                  got[k], fwords[k]);
    expect(close(fd), ERR_OK);
}

/* One op of the worker's mix, also made by C_MIX children (depth > 0),
 * which leave the file's words to the worker: they only read them. */
static void random_op(void)
{
    switch (below(16)) {
    case 0: case 1: case 2:
        store_run();
        break;
    case 3:
        if (check_heap("worker"))
            error("seed %lu worker %d depth %d: heap changed", seed, me, depth);
        break;
    case 4:
        resize_heap();
        break;
    case 5:
        deep(1 + below(28));
        break;
    case 6: case 7: case 8: case 9:
        op_fork();
        break;
    case 10:
        op_view();
        break;
    case 11:
        op_region();
        break;
    case 12: case 13: case 14:
        op_file();
        break;
    case 15:
        if (below(8) == 0) {
            static const int widths[] = { -1, 2, 1, 0 };
            asid_limit(widths[below(4)]);
        }
        break;
    }
}

/* One worker: a heap of its own, then random ops until its time is up. */
static void worker(int w)
{
    me = w;
    rng = seed * 1000003 + (unsigned long)w * 7919 + 1;
    heap = heap_pages(0);
    npages = 0;
    resize_heap();
    store_run();
    int *gate = &board->gate;
    while (__atomic_load_n(gate, __ATOMIC_SEQ_CST) == 0)
        futex(gate, FUTEX_WAIT, 0, 100);
    uint64_t end = rdtime() + (uint64_t)ms * (TIME_HZ / 1000);
    while (rdtime() < end) {
        ops++;
        random_op();
    }
    if (check_heap("worker at the end"))
        error("seed %lu worker %d: heap changed", seed, me);
    if (fmap)
        expect(munmap(fmap, FILE_PAGES * PAGE), ERR_OK);
    board->done[me] = ops;
    exit(0);
}

/* Frees the file and the board; frames must come back to start
 * (orphaned grandchildren are reaped by init meanwhile). */
int main(int argc, char **argv)
{
    seed = rdtime() % 1000000007 + 1;    /* a new interleaving of ops each run */
    if (argc > 1)
        seed = (unsigned long)atoi(argv[1]);
    if (argc > 2)
        ms = atoi(argv[2]);
    if (argc > 3)
        nworkers = atoi(argv[3]);
    if (argc > 4)
        hog = atoi(argv[4]);
    if (nworkers < 1 || nworkers > WORKERS_MAX || ms < 1)
        error("usage: vm_mix [SEED [MS [WORKERS (1..%d) [FREE_FRAMES]]]]", WORKERS_MAX);
    printf("vm_mix: seed %lu, %d ms, %d workers, hog %ld (rerun: vm_mix %lu %d %d %ld)\n", seed,
           ms, nworkers, hog, seed, ms, nworkers, hog);
    remove_file(FILE);
    shm_destroy(REGION);
    static char zeros[FILE_PAGES * PAGE];
    int fd = open_ok(FILE, FS_RDWR | FS_CREAT);
    write_all(fd, zeros, sizeof(zeros));
    expect(close(fd), ERR_OK);
    long before = free_pages();          /* zeros is faulted in by now */
    expect(shm_create(REGION, sizeof(struct board), 0), ERR_OK);
    expect(shm_map(REGION, (void **)&board, SHM_READ | SHM_WRITE), ERR_OK);
    board->gate = 0;                     /* its page in before memory runs out */
    int hog_pid = hog ? fork_ok() : 0;
    if (hog_pid == 0 && hog) {           /* holds all but hog frames until told */
        long n = free_pages() - hog;
        char *h = heap_pages(n > 0 ? n : 0);
        for (long i = 0; i < n; i++)
            h[i * PAGE] = 1;
        __atomic_store_n(&board->hogging, 1, __ATOMIC_SEQ_CST);
        while (__atomic_load_n(&board->hogging, __ATOMIC_SEQ_CST) == 1)
            futex(&board->hogging, FUTEX_WAIT, 1, 100);
        exit(0);
    }
    while (hog && __atomic_load_n(&board->hogging, __ATOMIC_SEQ_CST) == 0)
        msleep(5);
    int pids[WORKERS_MAX];
    for (int w = 0; w < nworkers; w++)
        if ((pids[w] = fork_ok()) == 0)
            worker(w);
    __atomic_store_n(&board->gate, 1, __ATOMIC_SEQ_CST);
    futex(&board->gate, FUTEX_WAKE, WORKERS_MAX, 0);
    long total = 0;
    for (int w = 0; w < nworkers; w++) {
        int status = wait_for(pids[w]);
        if (status != 0 && !(hog && status == -1))
            error("seed %lu: worker %d exited with %d", seed, w, status);
        total += board->done[w];
    }
    if (hog) {
        __atomic_store_n(&board->hogging, 2, __ATOMIC_SEQ_CST);
        futex(&board->hogging, FUTEX_WAKE, 1, 0);
        expect_exit(hog_pid, 0);
    }
    expect(asid_limit(-1) > 0, 1);
    __atomic_store_n(&board->gate, 2, __ATOMIC_SEQ_CST);
    expect(shm_unmap(REGION, board), ERR_OK);
    expect(shm_destroy(REGION), ERR_OK);
    remove_file(FILE);
    long after = free_pages();
    /* (a ping-pong child whose parent died waits FUTEX_MS before it
     * gives up, holding its leaf tables) */
    for (int k = 0; k < FUTEX_MS / 10 + 200 && after != before; k++) {
        msleep(10);
        after = free_pages();
    }
    if (after != before)
        error("seed %lu: free frames %ld before, %ld after", seed, before, after);
    pass("vm_mix: seed %lu, %ld ops", seed, total);
    return 0;
}
