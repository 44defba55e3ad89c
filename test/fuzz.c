/*
 * fuzz: a seeded system-call fuzzer. Several worker processes (forked,
 * each with a seed derived from the run's) make random calls of every
 * system call (osv's 1-23 but halt, osv-rv's 24-43 and 46, and numbers
 * that name no call; kalloc_fail, 44, only to inject failures; never
 * journal_cut, 45, which powers the machine off, nor race_delay, 47,
 * which slows the debug kernel's harts) with nasty
 * arguments: NULL, kernel, unmapped, misaligned and read-only pointers,
 * buffers straddling the end of the heap, strings without a NUL, sizes
 * 0, huge and negative, fds negative, closed, out of range, pipes, the
 * console and directories, paths empty, too long, with "//", "." and
 * "..", names empty and too long, every flag bit. Workers fork and spawn children that fuzz too, for a few dozen
 * calls, and exit with a status their parent checks; one child in six
 * ends by touching a bad address instead, and must be killed. Now and
 * then a call whose contract has ERR_NOMEM is made with one of its kernel
 * allocations made to fail (kalloc_fail, armed just for that call:
 * fuzz_nomem.h): it may then say ERR_NOMEM, and must have done nothing.
 *
 * Each result is judged against the call's documented results
 * (lib/usyscall.h, docs/api.md, docs/shm.md), as exactly as the process's
 * model of itself allows (fuzz_model.h; the calls are in fuzz_files.h,
 * fuzz_memory.h and fuzz_procs.h, a byte-for-byte oracle of one file in
 * fuzz_shadow.h, injected failures in fuzz_nomem.h): a result outside
 * them is an ERROR line naming the seed, the process and the call with
 * its arguments. The runner fails the test
 * on that, on a PANIC, on a hang, on a `killed:` line beyond the
 * `expect-killed=N` the run prints (the fuzzer touches no memory it does
 * not own but in a doomed child), and on a leaked frame; after the boot,
 * disk_check fails it on a leaked block or inode.
 *
 *   fuzz                          make test: seed 1, 4 workers, a fixed
 *                                 number of operations each (a few seconds)
 *   fuzz SEED SECONDS [WORKERS]   make fuzz SECONDS=N [SEED=S WORKERS=W]:
 *                                 until SECONDS have passed (0: the fixed
 *                                 count)
 *
 * test: timeout=120
 *
 * The fuzzer never calls halt (it has no argument that could make it
 * harmless), exits only where it chooses to, keeps its files in /fzN (one
 * per worker) and /fzs (shared) and removes them, and destroys the
 * persistent regions it made. A watchdog process stops a time-bounded run
 * and names the call every process is in when no call has returned for
 * STALL_SECONDS.
 */
#include "fuzz_nomem.h"
#include <lib/string-ext.h>

#define DEFAULT_SEED 1
#define DEFAULT_WORKERS 4
#define TEST_CALLS 1200            /* operations per worker in the fixed-count run */
#define RESET_CALLS 1000           /* a worker empties its sandbox this often */
#define STALL_SECONDS 30

/* -------------------------------------------------------- the loop */

static const struct op {
    void (*fn)(void);
    int weight;
} ops[] = {
    { op_open, 10 }, { op_close, 8 }, { op_read, 10 }, { op_write, 10 }, { op_link, 3 },
    { op_unlink, 4 }, { op_mkdir, 4 }, { op_chdir, 2 }, { op_readdir, 4 }, { op_rmdir, 3 },
    { op_fstat, 4 }, { op_sbrk, 3 }, { op_meminfo, 1 }, { op_dup, 4 }, { op_pipe, 3 },
    { op_info, 2 }, { op_vm, 2 }, { op_small, 4 }, { op_fork, 2 }, { op_spawn, 2 }, { op_wait, 3 },
    { op_exit, 1 }, { op_program, 1 }, { op_shm_create, 5 }, { op_shm_map, 5 },
    { op_shm_unmap, 4 }, { op_shm_destroy, 3 }, { op_shm_lock, 3 }, { op_shm_unlock, 2 },
    { op_shm_resize, 3 }, { op_shm_list, 2 }, { op_futex, 4 }, { op_mmap, 5 },
    { op_munmap, 4 }, { op_touch, 4 }, { op_shadow, 6 }, { op_kill, 2 }, { op_setfg, 1 },
    { op_spawnv, 2 }, { op_proc_list, 2 }, { op_scratch, 1 }, { op_nomem, 6 },
};

/* One operation, drawn by weight. */
static void one_op(void)
{
    static int total;
    if (total == 0)
        for (unsigned i = 0; i < NELEM(ops); i++)
            total += ops[i].weight;
    int w = below(total);
    for (unsigned i = 0; i < NELEM(ops); i++) {
        if (w < ops[i].weight) {
            ops[i].fn();
            return;
        }
        w -= ops[i].weight;
    }
}

/* ---------------------------------------------------------- sandbox */

/* Removes the directory `name` (relative to the working directory, or
 * absolute) and everything in it, or the file of that name, best effort:
 * a name that cannot be removed stays, and the runner's disk_check will
 * say so. It works from inside each directory, so no path grows past the
 * longest the kernel takes. */
static void remove_tree(const char *name)
{
    if (chdir(name) != ERR_OK) {
        unlink(name);              /* a file took its name ("/fz0/" created with FS_CREAT) */
        return;
    }
    int fd = open(".", FS_RDONLY, EMPTY_MODE);
    struct dirent d;
    while (fd >= 0 && readdir(fd, &d) == ERR_OK)
        if (unlink(d.name) == ERR_FTYPE)
            remove_tree(d.name);
    if (fd >= 0)
        close(fd);
    chdir("..");
    rmdir(name);
}

/* An empty sandbox at `sandbox`, which becomes the working directory. */
static bool make_sandbox(void)
{
    int r = ERR_NORES;
    /* Other workers may hold every in-memory inode for a while. */
    for (int tries = 0; r == ERR_NORES && tries < 30; tries++) {
        if (tries)
            sleep(1);
        chdir("/");
        remove_tree(sandbox);
        r = mkdir(sandbox);
        if (r == ERR_OK)
            r = chdir(sandbox);
    }
    cwd_shared = false;
    if (r != ERR_OK) {
        complain("cannot make the sandbox %s: %d", sandbox, r);
        return false;
    }
    files_bytes = 0;
    return true;
}

/* Waits for the children, closes every fd but the console's, and empties
 * the sandbox: every RESET_CALLS operations, so the disk never fills. */
static void reset_sandbox(void)
{
    reap_all();
    shadow_stop();
    for (int fd = 2; fd < NUM_FILES; fd++)
        if (fds[fd].kind != FD_FREE)
            close_fd(fd);
    if (!make_sandbox())
        finish();
    shadow_start();
}

/* The break at a page boundary HEAP_PAGES pages above the heap's start. */
static void setup_heap(void)
{
    heap_start = (uintptr_t)sbrk(0);
    uintptr_t top = ((heap_start + PAGE - 1) & ~(PAGE - 1)) + HEAP_PAGES * PAGE;
    if (sbrk((int)(top - heap_start)) == (void *)ERR_NOMEM) {
        heap_ok = false;
        return;
    }
    heap_top = top;
}

/* What a new process knows of itself: the console on fds 0 and 1 (init
 * opens those only), no views, its pid, its heap. */
static void init_model(void)
{
    for (int fd = 0; fd < NUM_FILES; fd++)
        fds[fd] = (struct fdm){ .kind = FD_FREE };
    fds[0] = fds[1] = (struct fdm){ .kind = FD_CONSOLE, .readable = true, .writable = true };
    for (int i = 0; i < MAX_VIEWS; i++)
        views[i].name = -1;
    mypid = getpid();
    last_syscount = syscount();
    fd_cap = one_in(4) ? NUM_FILES : MAX_FDS;
    setup_heap();
}

/*
 * A doomed child's end: one load, store or jump at an address it does not
 * own, which must kill it, with its fds, views and mappings still there
 * for the kernel to clean up. Counted first, for the runner's
 * expect-killed line.
 */
static void die(void)
{
    struct {
        uintptr_t addr;
        enum how how;
        const char *what;
    } t[] = {
        { 0, LOAD, "load at NULL" },
        { KMAP_BASE, LOAD, "load from the kernel" },
        { KMAP_BASE + 0x80200000UL, STORE, "store into the kernel image" },
        { 0x3000000000UL, STORE, "store to unmapped memory" },
        { (uintptr_t)&die, STORE, "store into the text" },
        { 0, JUMP, "jump to NULL" },
        { KMAP_BASE, JUMP, "jump into the kernel" },
        { USTACK_UPPERBOUND, LOAD, "load above the stack" },
        { 0x8000000000UL, LOAD, "non-canonical load" },
        { heap_top, STORE, "store past the break" },
        { 0, STORE, "store into a read-only view or mapping" },
    };
    int i = below(NELEM(t));
    if (i == NELEM(t) - 2 && !heap_ok)
        i = 0;
    if (i == NELEM(t) - 1) {
        struct viewm *v = own_view();
        struct mapm *m = own_map();
        if (v && !(v->prot & SHM_WRITE))
            t[i].addr = v->addr;
        else if (m && !(m->prot & SHM_WRITE))
            t[i].addr = m->addr;
        else
            i = 0;
    }
    if (ctl)
        __atomic_fetch_add(&ctl->doomed, 1, __ATOMIC_RELAXED);
    access_address(t[i].addr, t[i].how);
    complain("a %s (%p) did not kill the process", t[i].what, (void *)t[i].addr);
    exit(0);
}

/* Ends this process the way it chose: children reaped, its own views
 * unmapped and the persistent regions it made destroyed (nobody else may
 * be able to), its sandbox removed (a worker's or a spawned child's). */
static void finish(void)
{
    bool doomed = my_status == -1;
    reap_all();
    /* A doomed child dies with its views, but destroying a region needs
     * ours of it gone. */
    for (int i = 0; i < MAX_VIEWS; i++)
        if (views[i].name >= 0 && (!doomed || (persist_made & (1u << views[i].name))))
            unmap_view(&views[i]);
    for (int i = 0; i < NSHM; i++)
        if (persist_made & (1u << i)) {
            call_begin(SYS_shm_destroy, "shm_destroy");
            call_ptr((long)shm_names[i], shm_names[i]);
            /* ERR_PERM: ours went and another process made the name anew. */
            allow(call_make(), 0, 0, E(ERR_NOTEXIST) | E(ERR_PERM));
        }
    if (depth == 0 || spawned) {
        for (int fd = 2; fd < NUM_FILES; fd++)
            if (fds[fd].kind != FD_FREE)
                close_fd(fd);
        chdir("/");
        remove_tree(sandbox);
    }
    if (ctl && my_slot >= 0)
        ctl->slot[my_slot].pid = 0;
    if (doomed)
        die();
    call_begin(SYS_exit, "exit");
    call_arg(my_status, "status");
    call_make();
    for (;;)
        ;
}

/* The operations of this process, until its budget is spent or (time-
 * bounded, for workers) the watchdog says stop; then finish(). A fork
 * inside an operation makes the child start its own count here. */
static void run(void)
{
    for (long i = 0;; i++) {
        if (budget ? i >= budget : ctl->stop)
            break;
        if (ctl && ctl->stop && depth > 0)
            break;
        if (depth == 0 && !spawned && ((i + 1) % RESET_CALLS == 0 || files_bytes > FILES_BUDGET))
            reset_sandbox();
        long before = depth;
        one_op();
        if (depth != before)
            i = -1;                /* we are a new child: its budget starts now */
    }
    finish();
}

/* ------------------------------------------------------------ roles */

/* Worker w: its seed, its control slot, its sandbox /fzW and shadow file. */
static void worker(int w, uint64_t seed)
{
    worker_id = w;
    proc_seed = seed;
    seed_rng(seed);
    my_slot = w * SLOTS_PER_WORKER;
    init_model();
    ctl->slot[my_slot].pid = mypid;
    snprintf(sandbox, sizeof(sandbox), "/fz%d", w);
    if (!make_sandbox())
        finish();
    shadow_start();
    run();
}

/* fuzz -c SEED SLOT DIR RUNSEED WORKER: a spawned child, in a sandbox of its own
 * under DIR; it gets the console on fds 0 and 1 and closes what else it
 * inherited (its parent's pipes, whose contents its parent tracks). */
static void spawned_child(char **argv)
{
    spawned = true;
    depth = 1;
    proc_seed = strtou64(argv[2]);
    my_slot = atoi(argv[3]);
    run_seed = strtou64(argv[5]);
    worker_id = atoi(argv[6]);
    seed_rng(proc_seed);
    for (int fd = 2; fd < NUM_FILES; fd++)
        close(fd);
    void *p;
    if (shm_map(CTL_NAME, &p, SHM_READ | SHM_WRITE) == ERR_OK)
        ctl = p;
    if (my_slot < 0 || my_slot >= NSLOTS)
        my_slot = -1;
    init_model();
    if (ctl && my_slot >= 0)
        ctl->slot[my_slot].pid = mypid;
    budget = CHILD_CALLS + below(CHILD_CALLS);
    snprintf(sandbox, sizeof(sandbox), "%s/s%d", argv[4], mypid);
    if (mkdir(sandbox) != ERR_OK || chdir(sandbox) != ERR_OK)
        exit(0);                   /* the parent's sandbox is gone: nothing to do */
    shadow_start();
    run();
}

/* The calls every process with a control slot is in (the watchdog's
 * report of a hang): pid, call number and its six arguments. */
static void print_stuck(void)
{
    printf("ERROR: fuzz: no call returned for %d s (seed %lu); calls in progress:\n",
           STALL_SECONDS, run_seed);
    for (int s = 0; s < NSLOTS; s++) {
        struct slot *sl = &ctl->slot[s];
        if (sl->pid && sl->nr >= 0)
            printf("fuzz:   pid %d (slot %d): call %d (%lx, %lx, %lx, %lx, %lx, %lx)\n", sl->pid,
                   s, sl->nr, sl->arg[0], sl->arg[1], sl->arg[2], sl->arg[3], sl->arg[4],
                   sl->arg[5]);
    }
}

/* Wakes second by second: stops the workers once `seconds` have passed
 * since `began` (by the time CSR: waits end late on a busy machine), and
 * names the stuck calls when nothing moves for STALL_SECONDS waits. Ends
 * when the coordinator has reaped every worker (ctl->over), which wakes
 * it: a sleep(1) here kept the coordinator waiting up to a second for
 * nothing at the end of every run. */
static void watchdog(int seconds, long began)
{
    long last = -1;
    int still = 0;
    while (!ctl->over) {
        /* a second or more (a busy machine wakes it late), or the end */
        futex((int *)&ctl->over, FUTEX_WAIT, 0, 1000);
        if (seconds > 0 && !ctl->stop && seconds_now() - began >= seconds) {
            ctl->stopped_at = seconds_now();
            ctl->stop = 1;
        }
        long now = ctl->progress;
        still = now == last ? still + 1 : 0;
        last = now;
        if (still == STALL_SECONDS)
            print_stuck();
    }
    exit(0);
}

/* The run in numbers: time, calls in all and per system call. */
static void summary(int seconds, int nworkers, long began)
{
    long now = seconds_now();
    if (ctl->stopped_at)
        printf("fuzz: %ld s, of which %ld s to stop and clean up\n", now - began,
               now - ctl->stopped_at);
    else
        printf("fuzz: %ld s\n", now - began);
    char line[600];
    int len = 0;
    for (int b = 0; b < NR_BUCKETS; b++)
        if (ctl->by_nr[b] && len < (int)sizeof(line))
            len += snprintf(line + len, sizeof(line) - len, " %s %ld",
                            call_names[b] ? call_names[b] : "?", ctl->by_nr[b]);
    printf("fuzz: %ld calls by %d workers and their children%s:%s\n", ctl->progress, nworkers,
           seconds ? "" : " (fixed count)", line);
    printf("fuzz: %ld calls had an allocation made to fail, %ld of them said ERR_NOMEM\n",
           ctl->injected, ctl->injected_nomem);
}

/* Names of ours still listed after every process is gone: a persistent
 * region its creator did not destroy, or one the kernel kept. */
static void check_regions(void)
{
    static struct shm_info list[32];
    int n = shm_list(list, NELEM(list));
    for (int i = 0; i < n; i++)
        for (int k = 0; k < NSHM; k++)
            if (strcmp(list[i].name, shm_names[k]) == 0) {
                printf("ERROR: fuzz: region \"%s\" (flags 0x%x, creator %d) outlived the run\n",
                       list[i].name, list[i].flags, list[i].creator);
                shm_destroy(list[i].name);
            }
}

/* The first process: makes the control region and the shared sandbox,
 * forks the workers and the watchdog, reaps them, checks that no region
 * of ours outlived them, and passes if nothing went wrong. */
static int coordinator(uint64_t seed, int seconds, int nworkers)
{
    long began = seconds_now();
    run_seed = seed;
    printf("fuzz: seed %lu, %d workers, %s (rerun: fuzz %lu %d %d)\n", seed, nworkers,
           seconds ? "time-bounded" : "fixed count", seed, seconds, nworkers);
    void *p;
    if (shm_create(CTL_NAME, sizeof(struct ctl), RS_DEFAULT) != ERR_OK ||
        shm_map(CTL_NAME, &p, SHM_READ | SHM_WRITE) != ERR_OK)
        error("cannot make the control region %s", CTL_NAME);
    ctl = p;
    remove_tree(SHARED_DIR);
    if (mkdir(SHARED_DIR) != ERR_OK)
        error("cannot make %s", SHARED_DIR);
    budget = seconds ? 0 : TEST_CALLS;
    int pids[FUZZ_MAX_WORKERS];
    for (int w = 0; w < nworkers; w++) {
        pids[w] = fork();
        if (pids[w] < 0)
            error("fork of worker %d: %d", w, pids[w]);
        if (pids[w] == 0)
            worker(w, mix_seed(seed + w));
    }
    int dog = fork();
    if (dog == 0)
        watchdog(seconds, began);
    if (dog < 0)
        error("fork of the watchdog: %d", dog);
    int failed = 0;
    for (int w = 0; w < nworkers; w++) {
        int status = 0;
        expect(wait(pids[w], &status), pids[w]);
        if (status != 0) {
            printf("ERROR: fuzz: worker %d (pid %d, seed %lu) exited with %d%s\n", w, pids[w],
                   mix_seed(seed + w), status, status == -1 ? " (killed)" : "");
            failed++;
        }
    }
    ctl->over = 1;
    futex((int *)&ctl->over, FUTEX_WAKE, 1, 0);
    expect(wait(dog, NULL), dog);
    asid_limit(-1);                /* the default ASID width: op_vm changes it */
    remove_tree(SHARED_DIR);
    check_regions();
    summary(seconds, nworkers, began);
    printf("expect-killed=%ld\n", ctl->doomed);   /* for the runner */
    if (failed || ctl->impossible || ctl->kills)
        error("fuzz: seed %lu: %ld impossible result(s), %ld child(ren) killed, "
              "%d worker(s) failed",
              seed, ctl->impossible, ctl->kills, failed);
    pass("fuzz: seed %lu, %ld calls", seed, ctl->progress);
    return 0;
}

/* fuzz [SEED [SECONDS [WORKERS]]], or fuzz -c ... for a spawned child. */
int main(int argc, char **argv)
{
    if (argc >= 7 && strcmp(argv[1], "-c") == 0)
        spawned_child(argv);
    uint64_t seed = argc > 1 ? strtou64(argv[1]) : DEFAULT_SEED;
    int seconds = argc > 2 ? atoi(argv[2]) : 0;
    int nworkers = argc > 3 ? atoi(argv[3]) : DEFAULT_WORKERS;
    if (nworkers < 1 || nworkers > FUZZ_MAX_WORKERS || seconds < 0)
        error("usage: fuzz [SEED [SECONDS [WORKERS (1..%d)]]]", FUZZ_MAX_WORKERS);
    return coordinator(seed, seconds, nworkers);
}
