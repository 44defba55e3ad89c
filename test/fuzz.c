/*
 * fuzz: a seeded system-call fuzzer. Several worker processes (forked,
 * each with a seed derived from the run's) make random calls of every
 * system call (osv's 1-23 but halt, osv-rv's 24-35 and 40, and numbers
 * that name no call) with nasty arguments: NULL, kernel, unmapped,
 * misaligned and read-only pointers, buffers straddling the end of the
 * heap, strings without a NUL, sizes 0, huge and negative, fds negative,
 * closed, out of range, pipes, the console and directories, paths empty,
 * too long, with "//", "." and "..", names empty and too long, every flag
 * bit. Workers fork and spawn children that fuzz too, for a few dozen
 * calls, and exit with a status their parent checks.
 *
 * Each result is judged against the call's documented results
 * (lib/usyscall.h, docs/api.md, docs/shm.md), as exactly as the process's
 * model of itself allows (fuzz_model.h): a result outside them is printed
 * as an ERROR line naming the seed, the process and the call with its
 * arguments. The runner fails the test on that, on a PANIC, on a hang, on
 * a `killed:` line (the fuzzer never touches memory it does not own, so a
 * kill is the kernel's fault) and on a leaked frame; after the boot,
 * disk_check fails it on a leaked block or inode.
 *
 *   fuzz                          make test: seed 1, 4 workers, a fixed
 *                                 number of calls each (a few seconds)
 *   fuzz SEED SECONDS [WORKERS]   make fuzz SECONDS=N [SEED=S]: calls until
 *                                 SECONDS have passed (0: the fixed count)
 *
 * The fuzzer never calls halt (it has no argument that could make it
 * harmless), exits only where it chooses to, keeps its files in /fzN
 * (removed at the end) and destroys the persistent regions it created. A
 * watchdog process names the calls every process is in when no call has
 * returned for STALL_SECONDS.
 */
// test: timeout=120
#include "fuzz_shadow.h"
#include <lib/string-ext.h>

#define DEFAULT_SEED 1
#define DEFAULT_WORKERS 4
#define TEST_CALLS 1200            /* operations per worker in the fixed-count run */
#define CHILD_CALLS 40             /* a child makes 40 to 80 */
#define RESET_CALLS 1000           /* a worker empties its sandbox this often */
#define FILES_BUDGET (2L << 20)    /* or after writing this many bytes to files */
#define MAX_FDS 40                 /* past this many open fds, new ones are closed first */
#define STALL_SECONDS 30

static long budget;                /* operations this process makes; 0: until ctl->stop */
static int my_status;              /* the status this process exits with */
static bool spawned;               /* started by spawn (not forked from a worker) */
static uintptr_t heap_start;
static bool heap_ok = true;        /* the break is at heap_top */
static size_t total_pages;         /* from the first info() */
static long last_syscount;

static void finish(void) __attribute__((noreturn));
static void one_op(void);

/* ---------------------------------------------------------- helpers */

static long name_verdict(const struct ustr *s)
{
    long v = str_verdict(s, MAX_NAME_LEN);
    return v == ERR_OK && s->cls == S_OK && s->len == 0 ? ERR_INVAL : v;
}

/* A pointer for a fixed-size result of need bytes: it has the room or any
 * length is safe at it (the write then faults where we expect). With
 * stable, one whose result we can read back: our own memory, or none. */
static struct uptr out_fixed(size_t need, bool stable)
{
    for (;;) {
        struct uptr u = any_ptr(true);
        if ((u.any_len || u.wroom >= need) && (!stable || u.stable || u.wroom == 0))
            return u;
    }
}

/* The status a child ends with, from its seed: edges of int, or -1 for
 * one child in six, which ends by touching a bad address (die()). */
static int status_of(uint64_t seed)
{
    static const int edges[] = { 0, 1, 2, 255, 256, 0x7fffffff, -0x7fffffff - 1, -2, 42 };
    if ((seed >> 4) % 6 == 0)
        return -1;
    int s = seed & 1 ? (int)(seed >> 8) : edges[(seed >> 8) % NELEM(edges)];
    return s == -1 ? 0 : s;
}

static int free_kid_slot(void)
{
    if (depth != 0 || spawned || my_slot < 0)
        return -1;
    for (int s = 1; s < SLOTS_PER_WORKER; s++) {
        bool used = false;
        for (int k = 0; k < MAX_KIDS; k++)
            used |= kids[k].pid && kids[k].slot == my_slot + s;
        if (!used)
            return my_slot + s;
    }
    return -1;
}

static struct kidm *free_kid(void)
{
    for (int k = 0; k < MAX_KIDS; k++)
        if (kids[k].pid == 0)
            return &kids[k];
    return NULL;
}

static struct kidm *kid_of(int pid)
{
    for (int k = 0; k < MAX_KIDS; k++)
        if (kids[k].pid && kids[k].pid == pid)
            return &kids[k];
    return NULL;
}

static int nkids(void)
{
    int n = 0;
    for (int k = 0; k < MAX_KIDS; k++)
        n += kids[k].pid != 0;
    return n;
}

/* A reaped child's status against what it had to exit with. */
static void check_status(struct kidm *k, int status)
{
    if (status == k->status)
        return;
    if (status == -1 && ctl)
        __atomic_fetch_add(&ctl->kills, 1, __ATOMIC_RELAXED);
    complain("child %d exited with %d, expected %d%s", k->pid, status, k->status,
             status == -1 ? " (killed)" : "");
}

/* Closes fd through a judged call (it is open: ERR_OK). */
static void close_fd(int fd)
{
    call_begin(SYS_close, "close");
    call_arg(fd, fd_note(fd));
    long r = call_make();
    allow(r, 0, 0, 0);
    if (r == 0)
        fd_forget(fd);
}

/* Learns whether a freshly opened fd is a file or a directory. */
static void learn_fd(int fd, bool readable, bool writable)
{
    struct stat st;
    call_begin(SYS_fstat, "fstat");
    call_arg(fd, "new fd");
    call_arg((long)&st, "stack");
    long r = call_make();
    allow(r, 0, 0, 0);
    fds[fd] = (struct fdm){ .kind = FD_FILE, .readable = readable, .writable = writable };
    if (r == 0 && st.ftype == FTYPE_DIR)
        fds[fd].kind = FD_DIR;
    else if (r == 0 && st.ftype != FTYPE_FILE)
        impossible(st.ftype, "fstat of a path gave neither a file nor a directory");
}

/* ------------------------------------------------------------- files */

/* Too many fds open: closes one of them (not the console's 0 and 1). */
static bool close_some(void)
{
    if (open_fds() <= fd_cap)
        return false;
    int fd = 2 + below(NUM_FILES - 2);
    while (fds[fd].kind == FD_FREE || fds[fd].kind == FD_SHADOW)
        fd = 2 + (fd - 1) % (NUM_FILES - 2);
    close_fd(fd);
    return true;
}

static void op_open(void)
{
    if (close_some())
        return;
    static const int modes[] = { FS_RDONLY, FS_WRONLY, FS_RDWR };
    bool ro = one_in(4);
    struct ustr s = ro ? gen_ro_path() : gen_path(0);
    int flags = PICK(modes) | (one_in(2) ? FS_CREAT : 0);
    if (one_in(6))
        flags = one_in(2) ? 1 << below(32) : (int)rnd();      /* every bit */
    int mode = flags & ~FS_CREAT;
    bool valid = mode == FS_RDONLY || mode == FS_WRONLY || mode == FS_RDWR;
    if (ro && valid)
        flags = mode = FS_RDONLY;  /* the disk's own files are never changed */
    call_begin(SYS_open, "open");
    call_arg(s.p, s.note);
    call_arg(flags, "flags");
    call_arg((long)rnd(), "mode");
    long r = call_make();
    long sv = str_verdict(&s, 256);
    int lo = lowest_free_fd();
    if (sv != ERR_OK)
        allow(r, 1, 0, E(sv));
    else if (!valid)
        allow(r, 1, 0, E(ERR_INVAL));
    else if (lo < 0)
        allow(r, 1, 0, E(ERR_NOMEM));
    else
        allow(r, lo, lo, E_PATH | E(ERR_NOMEM));
    if (r >= 0 && r < NUM_FILES && fds[r].kind == FD_FREE) {
        learn_fd(r, mode != FS_WRONLY, mode != FS_RDONLY);
        fds[r].shared = s.shared;
    }
}

static void op_close(void)
{
    int fd = pick_fd(false);
    if (fd == 0 || fd == 1)
        return;
    call_begin(SYS_close, "close");
    call_arg(fd, fd_note(fd));
    long r = call_make();
    if (fd_kind(fd) == FD_FREE) {
        allow(r, 1, 0, E(ERR_INVAL));
    } else {
        allow(r, 0, 0, 0);
        if (r == 0)
            fd_forget(fd);
    }
}

/* read() or write() of n bytes at u on fd. */
static long rw_call(int nr, const char *name, int fd, const struct uptr *u, size_t n)
{
    call_begin(nr, name);
    call_arg(fd, fd_note(fd));
    call_arg(u->p, u->note);
    call_arg(n, "n");
    return call_make();
}

static void op_read(void)
{
    int fd = pick_fd(true), kind = fd_kind(fd);
    struct uptr u = any_ptr(true);
    size_t n = pick_len(&u, u.wroom);
    bool early = refused(u.p, n);
    struct pipem *pp = kind == FD_PIPE_R ? &pipes[fds[fd].pipe] : NULL;
    /* Never wait: not for the console, nor for a pipe only we could fill. */
    if (!early && n > 0 && (kind == FD_CONSOLE || (pp && pp->bytes == 0 && pp->writers > 0)))
        n = 0;
    early = refused(u.p, n);
    long r = rw_call(SYS_read, "read", fd, &u, n);
    size_t hi = n < u.wroom ? n : u.wroom;
    uint32_t fault = hi < n ? E(ERR_FAULT) : 0;
    if (kind == FD_FREE)
        allow(r, 1, 0, E(ERR_INVAL));
    else if (early)
        allow(r, 1, 0, E(ERR_FAULT));
    else if (kind == FD_DIR)
        allow(r, 1, 0, E(ERR_FTYPE));
    else if (kind == FD_CONSOLE || !fds[fd].readable || n == 0)
        allow(r, 0, 0, 0);
    else if (kind == FD_FILE)
        allow(r, 0, hi, fault | E(ERR_NOMEM));
    else if (pp->bytes == 0)
        allow(r, 0, 0, 0);         /* no writer left: end of file */
    else {
        size_t want = n < (size_t)pp->bytes ? n : (size_t)pp->bytes;
        if (u.wroom >= want)
            allow(r, want, want, 0);
        else
            allow(r, 1, u.wroom, E(ERR_FAULT));
    }
    if (pp && r > 0 && pipe_pop(fds[fd].pipe, (const char *)u.p, r, u.stable) >= 0)
        impossible(r, "read from a pipe: bytes other than those written");
}

static void op_write(void)
{
    int fd = pick_fd(true), kind = fd_kind(fd);
    struct uptr u = any_ptr(false);
    size_t n = pick_len(&u, u.rroom);
    bool early = refused(u.p, n);
    struct pipem *pp = kind == FD_PIPE_W ? &pipes[fds[fd].pipe] : NULL;
    if (!early && n > 0 && kind == FD_CONSOLE && u.rroom > 0)
        n = 0;                     /* our bytes never reach the console */
    if (!early && n > 0 && pp && pp->readers > 0) {
        /* Never wait for room that only we could make. */
        size_t room = PIPE_CAP - pp->bytes;
        if (n > room && u.rroom >= room)
            n = room;
    }
    if (kind == FD_FILE && !early && (fds[fd].shared || files_bytes > FILES_BUDGET))
        n = n < SHARED_WRITE ? n : SHARED_WRITE;   /* the disk is not ours alone */
    early = refused(u.p, n);
    long r = rw_call(SYS_write, "write", fd, &u, n);
    size_t hi = n < u.rroom ? n : u.rroom;
    uint32_t fault = hi < n ? E(ERR_FAULT) : 0;
    if (kind == FD_FREE)
        allow(r, 1, 0, E(ERR_INVAL));
    else if (early)
        allow(r, 1, 0, E(ERR_FAULT));
    else if (!fds[fd].writable || n == 0)
        allow(r, 0, 0, 0);
    else if (kind == FD_CONSOLE)
        allow(r, 1, 0, E(ERR_FAULT));
    else if (kind == FD_FILE)
        allow(r, hi ? 1 : 0, hi, fault | E(ERR_NORES) | E(ERR_NOMEM));
    else if (pp->readers == 0)
        allow(r, 0, n, E(ERR_END) | fault);   /* a child may still hold a read end */
    else if (u.rroom >= n)
        allow(r, n, n, 0);
    else
        allow(r, 1, hi, E(ERR_FAULT));
    if (r > 0 && pp)
        pipe_push(fds[fd].pipe, (const char *)u.p, r, u.stable);
    if (r > 0 && kind == FD_FILE)
        files_bytes += r;
}

/* A path call whose string is judged first, then the documented errors. */
static long path_call(int nr, const char *name, uint32_t errs, struct ustr *s)
{
    *s = gen_path(0);
    call_begin(nr, name);
    call_arg(s->p, s->note);
    long r = call_make();
    long sv = str_verdict(s, 256);
    if (sv != ERR_OK)
        allow(r, 1, 0, E(sv));
    else
        allow(r, 0, 0, errs);
    return r;
}

static void op_mkdir(void)
{
    struct ustr s;
    path_call(SYS_mkdir, "mkdir", E_PATH | E(ERR_EXIST), &s);
}

static void op_unlink(void)
{
    struct ustr s;
    path_call(SYS_unlink, "unlink", E_PATH, &s);
}

static void op_rmdir(void)
{
    struct ustr s;
    path_call(SYS_rmdir, "rmdir", E_PATH | E(ERR_NOTEMPTY), &s);
}

static void op_chdir(void)
{
    struct ustr s;
    if (path_call(SYS_chdir, "chdir", E_PATH, &s) == ERR_OK)
        cwd_shared = s.shared;
}

static void op_link(void)
{
    struct ustr a = gen_path(0), b = gen_path(1);
    call_begin(SYS_link, "link");
    call_arg(a.p, a.note);
    call_arg(b.p, b.note);
    long r = call_make();
    long va = str_verdict(&a, 256), vb = str_verdict(&b, 256);
    if (va != ERR_OK)
        allow(r, 1, 0, E(va));
    else if (vb != ERR_OK)
        allow(r, 1, 0, E(vb));
    else
        allow(r, 0, 0, E_PATH | E(ERR_EXIST));
}

static void op_readdir(void)
{
    int fd = pick_fd(true), kind = fd_kind(fd);
    struct uptr u = out_fixed(sizeof(struct dirent), false);
    call_begin(SYS_readdir, "readdir");
    call_arg(fd, fd_note(fd));
    call_arg(u.p, u.note);
    long r = call_make();
    bool room = u.wroom >= sizeof(struct dirent);
    if (kind == FD_FREE)
        allow(r, 1, 0, E(ERR_INVAL));
    else if (refused(u.p, sizeof(struct dirent)))
        allow(r, 1, 0, E(ERR_FAULT));
    else if (kind != FD_DIR)
        allow(r, 1, 0, E(ERR_FTYPE));
    else
        allow(r, room ? 0 : 1, 0, E(ERR_END) | (room ? 0 : E(ERR_FAULT)));
    if (r == 0 && room && u.stable) {  /* (a view's bytes may change under us) */
        const struct dirent *d = (const struct dirent *)u.p;
        size_t len = strnlen_(d->name, FNAME_LEN);
        if (len == 0 || len == FNAME_LEN || strcmp(d->name, ".") == 0 ||
            strcmp(d->name, "..") == 0 || d->inode_num <= 0)
            impossible(r, "readdir gave an empty, unterminated, \".\" or \"..\" name, or inode 0");
    }
}

static void op_fstat(void)
{
    int fd = pick_fd(true), kind = fd_kind(fd);
    struct uptr u = out_fixed(sizeof(struct stat), false);
    call_begin(SYS_fstat, "fstat");
    call_arg(fd, fd_note(fd));
    call_arg(u.p, u.note);
    long r = call_make();
    bool room = u.wroom >= sizeof(struct stat);
    if (kind == FD_FREE)
        allow(r, 1, 0, E(ERR_INVAL));
    else if (!room)
        allow(r, 1, 0, E(ERR_FAULT));
    else if (kind != FD_FILE && kind != FD_DIR)
        allow(r, 1, 0, E(ERR_INVAL));
    else
        allow(r, 0, 0, 0);
    if (r == 0 && room && u.stable) {
        const struct stat *st = (const struct stat *)u.p;
        if (st->ftype != (kind == FD_DIR ? FTYPE_DIR : FTYPE_FILE) || st->inode_num <= 0)
            impossible(st->ftype, "fstat's ftype is not the kind the fd was opened as, or inode 0");
    }
}

static void op_dup(void)
{
    if (close_some())
        return;
    int fd = pick_fd(true), kind = fd_kind(fd);
    call_begin(SYS_dup, "dup");
    call_arg(fd, fd_note(fd));
    long r = call_make();
    int lo = lowest_free_fd();
    if (kind == FD_FREE)
        allow(r, 1, 0, E(ERR_INVAL));
    else if (lo < 0)
        allow(r, 1, 0, E(ERR_NOMEM));
    else
        allow(r, lo, lo, E(ERR_NOMEM));
    if (kind != FD_FREE && r == lo)
        fd_copy(r, &fds[fd]);
}

static void op_pipe(void)
{
    if (close_some())
        return;
    struct uptr u = out_fixed(2 * sizeof(int), true);
    call_begin(SYS_pipe, "pipe");
    call_arg(u.p, u.note);
    long r = call_make();
    int lo = -1, lo2 = -1;
    for (int fd = 0; fd < NUM_FILES && lo2 < 0; fd++)
        if (fds[fd].kind == FD_FREE) {
            if (lo < 0)
                lo = fd;
            else
                lo2 = fd;
        }
    bool room = u.wroom >= 2 * sizeof(int);
    if (refused(u.p, 2 * sizeof(int)))
        allow(r, 1, 0, E(ERR_FAULT));
    else if (lo2 < 0)
        allow(r, 1, 0, E(ERR_NOMEM));
    else
        allow(r, room ? 0 : 1, 0, E(ERR_NOMEM) | (room ? 0 : E(ERR_FAULT)));
    if (r != 0 || !room || lo2 < 0)
        return;
    const int *got = (const int *)u.p;
    if (got[0] != lo || got[1] != lo2) {
        impossible(r, "pipe's fds are not the two lowest free ones");
        return;
    }
    int pi = 0;
    while (pipes[pi].readers || pipes[pi].writers)
        pi++;
    pipes[pi] = (struct pipem){ .readers = 1, .writers = 1, .bytes = 0, .head = 0 };
    fds[lo] = (struct fdm){ .kind = FD_PIPE_R, .readable = true, .pipe = pi };
    fds[lo2] = (struct fdm){ .kind = FD_PIPE_W, .writable = true, .pipe = pi };
}

/* ------------------------------------------------------------ memory */

static long sbrk_call(int inc, const char *note)
{
    call_begin(SYS_sbrk, "sbrk");
    call_arg(inc, note);
    return call_make();
}

/* Moves the break by inc and back, touching what it grew. */
static void op_sbrk(void)
{
    static const int incs[] = { 0, 1, 7, 4096, 4097, 65536, -1, -7, -4096, -4097, 0x7fffffff,
                                -0x7fffffff - 1, 1 << 24, 1 << 28, -(HEAP_PAGES + 1) * 4096 };
    if (!heap_ok)
        return;
    int inc = one_in(4) ? (int)rnd() : PICK(incs);
    long r = sbrk_call(inc, "increment");
    bool below = inc < 0 && (long)heap_top + inc < (long)heap_start;
    if (inc > 0)
        allow(r, heap_top, heap_top, E(ERR_NOMEM));
    else
        allow(r, heap_top, heap_top, 0);
    if (r == ERR_NOMEM)            /* a failed sbrk changed nothing */
        allow(sbrk_call(0, "after ERR_NOMEM"), heap_top, heap_top, 0);
    if (r != (long)heap_top || inc == 0 || below)
        return;
    if (inc > 0)
        for (long off = 0; off < inc && off < 4 * (long)PAGE; off += PAGE)
            ((volatile char *)heap_top)[off] = (char)off;
    /* Back to heap_top; growing back needs frames, which may be short. */
    for (int tries = 0; tries < 20; tries++) {
        r = sbrk_call(-inc, "back");
        allow(r, heap_top + inc, heap_top + inc, inc < 0 ? E(ERR_NOMEM) : 0);
        if (r == (long)(heap_top + inc))
            return;
        call_begin(SYS_sleep, "sleep");
        call_arg(0, "");
        call_make();
    }
    heap_ok = false;               /* the straddling pointers are gone */
}

static void op_info(void)
{
    struct uptr u = out_fixed(sizeof(struct sys_info), false);
    call_begin(SYS_info, "info");
    call_arg(u.p, u.note);
    long r = call_make();
    bool room = u.wroom >= sizeof(struct sys_info);
    allow(r, room ? 0 : 1, 0, room ? 0 : E(ERR_FAULT));
    if (r == 0 && room && u.stable) {
        const struct sys_info *si = (const struct sys_info *)u.p;
        if (total_pages == 0)
            total_pages = si->total_pages;
        if (si->total_pages != total_pages || si->free_pages > si->total_pages ||
            si->shm_regions > 64 || si->shm_pages > 16384)
            impossible(si->free_pages, "info: total_pages changed, more free pages than pages, "
                                       "or shm counts past the limits (64 regions, 16384 pages)");
    }
}

static void op_meminfo(void)
{
    if (!one_in(200))
        return;                    /* it prints a dozen lines */
    call_begin(SYS_meminfo, "meminfo");
    allow(call_make(), 0, 0, 0);
}

/* Stores into or loads from our own views and mappings. */
static void op_touch(void)
{
    struct viewm *v = one_in(2) ? own_view() : NULL;
    struct mapm *m = v ? NULL : own_map();
    uintptr_t base = v ? v->addr : m ? m->addr : 0;
    size_t room = v ? PAGE : m ? map_room(m) : 0;
    int prot = v ? v->prot : m ? m->prot : 0;
    for (int i = 0; base && i < 8; i++) {
        volatile char *p = (volatile char *)(base + below(room));
        if (prot & SHM_WRITE)
            *p = (char)i;
        else
            (void)*p;
    }
}

/* --------------------------------------------------------- processes */

static void become_child(uint64_t seed, int slot)
{
    depth++;
    spawned = false;               /* the sandbox is the parent's to remove */
    proc_seed = seed;
    seed_rng(seed);
    my_status = status_of(seed);
    my_slot = slot;
    reports = 0;
    last_syscount = 0;             /* a new process counts from 0 */
    fd_cap = one_in(4) ? NUM_FILES : MAX_FDS;
    budget = CHILD_CALLS + below(CHILD_CALLS);
    call_begin(SYS_getpid, "getpid");
    mypid = call_make();
    if (ctl && my_slot >= 0)
        ctl->slot[my_slot].pid = mypid;
    for (int k = 0; k < MAX_KIDS; k++)
        kids[k].pid = 0;
    persist_made = 0;
    for (int i = 0; i < MAX_VIEWS; i++)
        views[i].inherited = true;
    for (int i = 0; i < MAX_MAPS; i++)
        maps[i].inherited = true;
    /* Our pipes and the shadow file are the parent's: it must know what
     * they hold. */
    for (int fd = 2; fd < NUM_FILES; fd++)
        if (fds[fd].kind == FD_PIPE_R || fds[fd].kind == FD_PIPE_W)
            close_fd(fd);
    shadow_forget();
}

static void op_fork(void)
{
    struct kidm *k = free_kid();
    if (depth >= 2 || k == NULL)
        return;
    bool copy = one_in(4);
    uint64_t seed = rnd();
    int slot = free_kid_slot();
    call_begin(copy ? SYS_fork_copy : SYS_fork, copy ? "fork_copy" : "fork");
    long r = call_make();
    if (r == 0) {
        become_child(seed, slot);
        return;
    }
    allow(r, 1, 0x7fffffff, E(ERR_NOMEM));
    if (r > 0)
        *k = (struct kidm){ .pid = r, .status = status_of(seed), .slot = slot };
}

static void op_spawn(void)
{
    static const char *const fail[] = {
        "zq-none", "/zq-none", "zq/zq", "", "   ", " \t ", "/", ".", "..", "README",
        "/smallfile x y", "largefile", "a", "b", "dd", "/fz-none/a", "e.f",
    };
    struct kidm *k = free_kid();
    struct ustr s;
    int status = 0, slot = -1, r0 = below(10);
    bool good = k != NULL && r0 < 4;
    if (good && r0 == 0 && depth == 0 && !spawned) {
        slot = free_kid_slot();
        uint64_t seed = rnd();
        snprintf(strbuf[0], sizeof(strbuf[0]), "fuzz -c %lu %d %s %lu %d", seed, slot, sandbox,
                 run_seed, worker_id);
        s = str_at(strbuf[0], "fuzz -c");
    } else if (good) {
        int words = below(4);
        int len = snprintf(strbuf[0], sizeof(strbuf[0]), "%s", one_in(2) ? "echo" : "/echo");
        for (int i = 0; i < words; i++)
            len += snprintf(strbuf[0] + len, sizeof(strbuf[0]) - len, " x%d", i);
        status = words + 1;
        s = str_at(strbuf[0], NULL);
    } else if (r0 < 8) {
        s = str_at(PICK(fail), NULL);
    } else if (r0 == 8) {
        memset(strbuf[0], 'e', 300);
        strbuf[0][one_in(2) ? 255 : 299] = '\0';
        s = str_at(strbuf[0], "long");
    } else {
        s = bad_str();
    }
    call_begin(SYS_spawn, "spawn");
    call_arg(s.p, s.note);
    long r = call_make();
    long sv = str_verdict(&s, 256);
    if (sv != ERR_OK)
        allow(r, 1, 0, E(sv));
    else if (good)
        allow(r, 1, 0x7fffffff, E(ERR_NOMEM));
    else
        allow(r, 1, 0, E(ERR_NOTEXIST) | E(ERR_INVAL) | E(ERR_NOMEM));
    if (r > 0 && good)
        *k = (struct kidm){ .pid = r, .status = status, .slot = slot };
}

/* /echo's size, and where its loadable bytes end in the file (0: not
 * known yet): a copy cut there or later still runs, one cut before is
 * not an executable. */
static long echo_size, echo_load_end;

static bool learn_echo(void)
{
    static unsigned char h[4096];
    if (echo_size)
        return true;
    int fd = open("/echo", FS_RDONLY, EMPTY_MODE);
    if (fd < 0)
        return false;
    long n = read(fd, h, sizeof(h));
    struct stat st;
    long r = fstat(fd, &st);
    close(fd);
    uint64_t phoff = *(uint64_t *)(h + 32);
    int phnum = *(uint16_t *)(h + 56);
    if (n != sizeof(h) || r != ERR_OK || phoff + phnum * 56UL > sizeof(h))
        return false;
    for (int i = 0; i < phnum; i++) {
        const unsigned char *ph = h + phoff + i * 56;
        uint64_t end = *(uint64_t *)(ph + 8) + *(uint64_t *)(ph + 32);   /* offset + filesz */
        if (*(uint32_t *)ph == 1 && (long)end > echo_load_end)         /* PT_LOAD */
            echo_load_end = end;
    }
    echo_size = st.size;
    return true;
}

/* Copies n bytes of /echo to path; false if that failed (disk full). */
static bool copy_echo(const char *path, long n)
{
    unlink(path);
    int in = open("/echo", FS_RDONLY, EMPTY_MODE);
    int out = open(path, FS_WRONLY | FS_CREAT, EMPTY_MODE);
    long done = 0;
    while (in >= 0 && out >= 0 && done < n) {
        long want = n - done < 4096 ? n - done : 4096;
        if (read(in, scratch, want) != want || write(out, scratch, want) != want)
            break;
        done += want;
    }
    if (in >= 0)
        close(in);
    if (out >= 0)
        close(out);
    return done == n;
}

/* Spawns a copy of /echo made in the sandbox, whole or cut short at a
 * random length around the end of its loadable bytes: one that keeps them
 * all runs (and exits with its argc), one that does not is ERR_INVAL. */
static void op_program(void)
{
    struct kidm *k = free_kid();
    if (k == NULL || !one_in(4) || !learn_echo())
        return;                    /* (a copy takes a dozen transactions: not too often) */
    long cut = one_in(3) ? echo_size : (long)below(echo_load_end + 512);
    char path[100];
    snprintf(path, sizeof(path), "%s/prog%d", sandbox, mypid);
    if (!copy_echo(path, cut)) {
        unlink(path);
        return;
    }
    snprintf(strbuf[0], sizeof(strbuf[0]), "%s a b", path);
    call_begin(SYS_spawn, "spawn");
    call_arg((long)strbuf[0], cut == echo_size ? "copy of echo" : "cut copy of echo");
    call_arg(cut, "bytes copied");
    long r = call_make();
    if (cut >= echo_load_end)
        allow(r, 1, 0x7fffffff, E(ERR_NOMEM));
    else
        allow(r, 1, 0, E(ERR_INVAL) | E(ERR_NOMEM));
    if (r > 0)
        *k = (struct kidm){ .pid = r, .status = 3, .slot = -1 };
    unlink(path);
}

/* Waits for a child (pid -1 or ours) or for a pid that is not ours. */
static long wait_call(int pid, const struct uptr *u)
{
    call_begin(SYS_wait, "wait");
    call_arg(pid, kid_of(pid) ? "child" : "pid");
    call_arg(u->p, u->note);
    long r = call_make();
    bool room = u->p == 0 || u->wroom >= sizeof(int);
    if (pid == 0 || pid < -1)
        allow(r, 1, 0, E(ERR_CHILD));
    else if (!room)
        allow(r, 1, 0, E(ERR_FAULT));
    else if (nkids() == 0 || (pid != -1 && !kid_of(pid)))
        allow(r, 1, 0, E(ERR_CHILD));
    else if (pid == -1) {
        if (!kid_of(r))
            allow(r, 1, 0, 0);    /* not one of ours */
    } else
        allow(r, pid, pid, 0);
    struct kidm *k = r > 0 ? kid_of(r) : NULL;
    if (k) {
        if (u->p && room)
            check_status(k, *(const int *)u->p);
        if (ctl && k->slot >= 0)
            ctl->slot[k->slot].pid = 0;
        k->pid = 0;
    }
    return r;
}

static void op_wait(void)
{
    static const int others[] = { 0, -2, 1, 99999, 0x7fffffff, -0x7fffffff - 1 };
    int pid = -1;
    if (one_in(3))
        pid = one_in(3) ? mypid : PICK(others);
    else if (nkids() > 0 && one_in(2)) {
        int k = below(MAX_KIDS);
        while (kids[k].pid == 0)
            k = (k + 1) % MAX_KIDS;
        pid = kids[k].pid;
    }
    struct uptr u = one_in(3) ? uptr_make(0, 0, 0, true, "NULL") : out_fixed(sizeof(int), true);
    wait_call(pid, &u);
}

static void reap_all(void)
{
    for (int k = 0; k < MAX_KIDS; k++)
        if (kids[k].pid) {
            int status;
            struct uptr u = uptr_make((uintptr_t)&status, sizeof(status), sizeof(status), false,
                                      "stack");
            wait_call(kids[k].pid, &u);
        }
}

static void op_exit(void)
{
    if (depth > 0)
        finish();
}

static void op_small(void)
{
    switch (below(4)) {
    case 0:
        call_begin(SYS_getpid, "getpid");
        allow(call_make(), mypid, mypid, 0);
        break;
    case 1: {
        /* sleep(1) only now and then, and only where time is the budget. */
        int secs = budget == 0 && one_in(20) ? 1 : 0;
        call_begin(SYS_sleep, "sleep");
        call_arg(secs, "seconds");
        allow(call_make(), 0, 0, 0);
        break;
    }
    case 2: {
        call_begin(SYS_syscount, "syscount");
        long r = call_make();
        allow(r, last_syscount + 1, 0x7fffffffffffffffL, 0);
        last_syscount = r;
        break;
    }
    default: {
        /* Numbers that name no call, some with a known call in the low bits. */
        static const long nrs[] = { 0, 47, 63, 99, 4096, -1, -23,
                                    (1L << 32) + SYS_getpid, (1L << 32) + SYS_halt,
                                    (1L << 40) + SYS_exit, 0x7fffffffffffffffL };
        long nr = PICK(nrs);
        call_begin(nr, "no such call");
        for (int i = 0; i < 6; i++)
            call_arg(cur.arg[i], "");
        allow(call_make(), 1, 0, E(ERR_NOSYS));
        break;
    }
    }
}

/* ----------------------------------------------------- shared regions */

static size_t shm_size(void)
{
    static const size_t sizes[] = { 0, 1, 4095, 4096, 4097, 8192, 3 * 4096, 65536, 1 << 20,
                                    64UL << 20, (64UL << 20) + 1, 1UL << 32 };
    return one_in(6) ? huge_size() : PICK(sizes);
}

static int shm_flags(void)
{
    if (one_in(5))
        return one_in(2) ? 1 << below(32) : (int)rnd();
    int f = 0;
    static const int bits[] = { RS_PERSIST, RS_NOINHERIT, RS_RDONLY, RS_FAMILY };
    for (unsigned i = 0; i < NELEM(bits); i++)
        if (one_in(3))
            f |= bits[i];
    return f;
}

static int shm_prot(void)
{
    static const int valid[] = { SHM_READ, SHM_WRITE, SHM_READ | SHM_WRITE };
    static const int wild[] = { 0, 4, 7, -1, 0x100, -0x7fffffff - 1 };
    return one_in(6) ? PICK(wild) : PICK(valid);
}

static bool prot_ok(int prot)
{
    return prot != 0 && (prot & ~(SHM_READ | SHM_WRITE)) == 0;
}

static void op_shm_create(void)
{
    int idx;
    struct ustr s = gen_name(&idx);
    size_t size = shm_size();
    int flags = shm_flags();
    call_begin(SYS_shm_create, "shm_create");
    call_arg(s.p, s.note);
    call_arg(size, "size");
    call_arg(flags, "flags");
    long r = call_make();
    long nv = name_verdict(&s);
    bool bad = size == 0 || size > (64UL << 20) ||
               (flags & ~(RS_PERSIST | RS_NOINHERIT | RS_RDONLY | RS_FAMILY));
    if (nv != ERR_OK)
        allow(r, 1, 0, E(nv));
    else if (bad)
        allow(r, 1, 0, E(ERR_INVAL));
    else
        allow(r, 0, 0, E(ERR_EXIST) | E(ERR_NOMEM));
    if (r == 0 && idx >= 0 && (flags & RS_PERSIST))
        persist_made |= 1u << idx;
}

/*
 * A fork child's inherited views and mappings may not be there (those of
 * RS_NOINHERIT regions are not), so a new one may take their place: then
 * the old entries would name it. Forgotten once the child maps anything.
 */
static void forget_inherited(void)
{
    for (int i = 0; i < MAX_VIEWS; i++)
        if (views[i].inherited)
            views[i].name = -1;
    for (int i = 0; i < MAX_MAPS; i++)
        if (maps[i].inherited)
            maps[i].addr = 0;
}

static void unmap_view(struct viewm *v)
{
    call_begin(SYS_shm_unmap, "shm_unmap");
    call_arg((long)shm_names[v->name], shm_names[v->name]);
    call_arg(v->addr, "our view");
    long r = call_make();
    allow(r, 0, 0, v->inherited ? E(ERR_NOTEXIST) : 0);
    v->name = -1;
}

static void op_shm_map(void)
{
    int idx;
    struct ustr s = gen_name(&idx);
    struct uptr u = out_fixed(sizeof(void *), true);
    int prot = shm_prot();
    call_begin(SYS_shm_map, "shm_map");
    call_arg(s.p, s.note);
    call_arg(u.p, u.note);
    call_arg(prot, "prot");
    long r = call_make();
    long nv = name_verdict(&s);
    bool room = u.wroom >= sizeof(void *);
    if (nv != ERR_OK)
        allow(r, 1, 0, E(nv));
    else if (!room)
        allow(r, 1, 0, E(ERR_FAULT));
    else if (!prot_ok(prot))
        allow(r, 1, 0, E(ERR_INVAL));
    else
        allow(r, 0, 0, E(ERR_NOTEXIST) | E(ERR_PERM) | E(ERR_NOMEM));
    if (r != 0 || !room || idx < 0)
        return;
    uintptr_t addr = *(const uintptr_t *)u.p;
    if (addr & (PAGE - 1) || addr < PAGE || addr >= USER_TOP) {
        impossible(addr, "shm_map gave a view address that is not a user page");
        return;
    }
    forget_inherited();
    for (int i = 0; i < MAX_VIEWS; i++)
        if (views[i].name < 0) {
            views[i] = (struct viewm){ .name = idx, .addr = addr, .prot = prot };
            return;
        }
    struct viewm extra = { .name = idx, .addr = addr, .prot = prot };
    unmap_view(&extra);            /* no slot to remember it in */
}

static void op_shm_unmap(void)
{
    struct viewm *v = views + below(MAX_VIEWS);
    if (v->name >= 0 && one_in(3) == false) {
        if (one_in(2) && !v->inherited) {
            /* Any address inside the view's first page will do. */
            struct viewm inside = *v;
            inside.addr += below(PAGE);
            unmap_view(&inside);
            v->name = -1;
        } else {
            unmap_view(v);
        }
        return;
    }
    int idx;
    struct ustr s = gen_name(&idx);
    struct uptr u = any_ptr(true);
    call_begin(SYS_shm_unmap, "shm_unmap");
    call_arg(s.p, s.note);
    call_arg(u.p, u.note);
    long r = call_make();
    long nv = name_verdict(&s);
    bool ours = false, maybe = false;
    for (int i = 0; i < MAX_VIEWS; i++)
        if (views[i].name >= 0 && views[i].name == idx && u.p >= views[i].addr &&
            u.p < views[i].addr + PAGE) {
            ours |= !views[i].inherited;
            maybe |= views[i].inherited;
            if (r == 0)
                views[i].name = -1;
        }
    if (nv != ERR_OK)
        allow(r, 1, 0, E(nv));
    else if (ours)
        allow(r, 0, 0, 0);
    else
        allow(r, maybe ? 0 : 1, 0, E(ERR_NOTEXIST));
}

/* A call on a region name (destroy, lock, unlock, resize): the name is
 * one of our views' or a generated one. Returns true with *r the result
 * when the name was well formed; a bad name's error is judged here. */
static bool name_call(int nr, const char *call, int *idx, long extra, const char *note, long *r)
{
    struct ustr s;
    struct viewm *v = one_in(2) ? own_view() : NULL;
    if (v) {
        *idx = v->name;
        s = str_at(shm_names[v->name], NULL);
    } else {
        s = gen_name(idx);
    }
    call_begin(nr, call);
    call_arg(s.p, s.note);
    if (note)
        call_arg(extra, note);
    *r = call_make();
    long nv = name_verdict(&s);
    if (nv != ERR_OK)
        allow(*r, 1, 0, E(nv));
    return nv == ERR_OK;
}

static void op_shm_destroy(void)
{
    int idx;
    long r;
    /* ERR_PERM: another process created it and still lives (shm.h). */
    if (name_call(SYS_shm_destroy, "shm_destroy", &idx, 0, NULL, &r))
        allow(r, 0, 0, E(ERR_NOTEXIST) | E(ERR_INVAL) | E(ERR_PERM));
}

static void op_shm_lock(void)
{
    int idx;
    long r;
    if (!name_call(SYS_shm_lock, "shm_lock", &idx, 0, NULL, &r))
        return;
    allow(r, 0, 0, E(ERR_OWNERDEAD) | E(ERR_NOTEXIST));
    if (r != 0 && r != ERR_OWNERDEAD)
        return;
    /* Held: give it back at once, so no one waits on us while we wait. */
    call_begin(SYS_shm_unlock, "shm_unlock");
    call_arg((long)shm_names[idx], shm_names[idx]);
    allow(call_make(), 0, 0, 0);
}

static void op_shm_unlock(void)
{
    int idx;
    long r;
    if (name_call(SYS_shm_unlock, "shm_unlock", &idx, 0, NULL, &r))
        allow(r, 1, 0, E(ERR_NOTEXIST) | E(ERR_INVAL));   /* we hold no lock */
}

static void op_shm_resize(void)
{
    int idx;
    long r;
    size_t size = shm_size();
    if (!name_call(SYS_shm_resize, "shm_resize", &idx, size, "size", &r))
        return;
    if (size == 0 || size > (64UL << 20))
        allow(r, 1, 0, E(ERR_INVAL));
    else
        allow(r, 0, 0, E(ERR_INVAL) | E(ERR_NOTEXIST) | E(ERR_PERM) | E(ERR_NOMEM));
}

static void op_shm_list(void)
{
    static const int maxes[] = { 0, 1, 2, 24, 25, 64, 1000, -1, -0x7fffffff - 1, 0x7fffffff };
    const size_t each = sizeof(struct shm_info), kmax = PAGE / sizeof(struct shm_info);
    struct uptr u = any_ptr(true);
    int max = PICK(maxes);
    size_t fits = u.wroom / each;
    if (!u.any_len && max > 0 && (size_t)max > fits && fits < kmax)
        max = (int)fits;           /* the kernel writes only what we own */
    call_begin(SYS_shm_list, "shm_list");
    call_arg(u.p, u.note);
    call_arg(max, "max");
    long r = call_make();
    size_t hi = max < 0 ? 0 : (size_t)max < kmax ? (size_t)max : kmax;
    if (max < 0)
        allow(r, 1, 0, E(ERR_INVAL));
    else
        allow(r, 0, hi < fits ? hi : fits,
              E(ERR_NOMEM) | (fits < hi || refused(u.p, 0) ? E(ERR_FAULT) : 0));
    for (long i = 0; u.stable && r > 0 && i < r && (size_t)i < fits; i++) {
        const struct shm_info *in = (const struct shm_info *)u.p + i;
        if (strnlen_(in->name, MAX_NAME_LEN) == MAX_NAME_LEN || in->name[0] == '\0' ||
            in->size == 0 || in->size > (64UL << 20) || in->size % PAGE ||
            in->resident > in->size / PAGE || (in->flags & ~(RS_PERSIST | RS_NOINHERIT | RS_RDONLY | RS_FAMILY)) ||
            in->views < 0 || in->holders < 0)
            impossible(r, "shm_list gave an entry out of its bounds (name, size, resident, flags)");
    }
}

static void op_futex(void)
{
    static const int wild_ops[] = { 2, 3, -1, 128, -0x7fffffff - 1 };
    struct uptr u = any_ptr(false);
    if (!one_in(4))
        u.p &= ~3UL;               /* mostly aligned: still in the same object */
    bool aligned = (u.p & 3) == 0, readable = u.rroom > 0;
    int op = one_in(10) ? PICK(wild_ops) : one_in(2) ? FUTEX_WAIT : FUTEX_WAKE;
    int val = op == FUTEX_WAIT && readable && aligned && one_in(2) ? *(volatile int *)u.p
                                                                  : nasty_int();
    if (op == FUTEX_WAKE && one_in(2))
        val = 1 + below(3);
    call_begin(SYS_futex, "futex");
    call_arg(u.p, u.note);
    call_arg(op, op == FUTEX_WAIT ? "WAIT" : op == FUTEX_WAKE ? "WAKE" : "op");
    call_arg(val, "val");
    call_arg(1 + below(20), "ms");  /* never 0: that waits for a wake */
    long r = call_make();
    if (op != FUTEX_WAIT && op != FUTEX_WAKE)
        allow(r, 1, 0, E(ERR_INVAL));
    else if (!aligned)
        allow(r, 1, 0, E(ERR_INVAL));
    else if (!readable)
        allow(r, 1, 0, E(ERR_FAULT));
    else if (op == FUTEX_WAKE)
        allow(r, 0, 0x7fffffff, 0);
    else if (u.stable && val != *(volatile int *)u.p)
        allow(r, 1, 0, E(ERR_AGAIN));   /* our own word: no one else changes it */
    else
        allow(r, 0, 0, E(ERR_AGAIN) | E(ERR_TIMEDOUT));   /* 0: woken, or spuriously */
}

/* ------------------------------------------------------ file mappings */

static size_t pages_of(size_t len)
{
    return (len + PAGE - 1) & ~(PAGE - 1);
}

/* munmap(addr, len): ERR_OK exactly when it names one of our mappings,
 * start and length in pages (maybe, for an inherited one), else ERR_INVAL.
 * Mappings may lie back to back, so addr + 4096 can be the next one. */
static void munmap_call(uintptr_t addr, size_t len, const char *note)
{
    call_begin(SYS_munmap, "munmap");
    call_arg(addr, note);
    call_arg(len, "length");
    long r = call_make();
    struct mapm *m = NULL;
    for (int i = 0; i < MAX_MAPS; i++)
        if (maps[i].addr && maps[i].addr == addr && len && pages_of(len) == pages_of(maps[i].len))
            m = &maps[i];
    if (m && !m->inherited)
        allow(r, 0, 0, 0);
    else
        allow(r, m ? 0 : 1, 0, E(ERR_INVAL));
    if (m && r == 0)
        m->addr = 0;
}

static void op_mmap(void)
{
    static const offset_t offs[] = { 0, 0, 0, 4096, 8192, 1 << 20, 1, 100, 4095,
                                     1UL << 40, (offset_t)-4096, 1UL << 63 };
    static const size_t lens[] = { 0, 1, 100, 4095, 4096, 4097, 8192, 3 * 4096, 1 << 20,
                                   1UL << 30, USER_TOP, USER_TOP + 1, SIZE_MAX };
    static const int flagset[] = { MAP_SHARED, MAP_PRIVATE, 0, 3, 4, -1, 0x100 };
    int fd = pick_fd(true), kind = fd_kind(fd);
    offset_t off = PICK(offs);
    size_t len = PICK(lens);
    int prot = shm_prot();
    int flags = one_in(5) ? PICK(flagset) : (one_in(2) ? MAP_SHARED : MAP_PRIVATE);
    struct uptr u = out_fixed(sizeof(void *), true);
    call_begin(SYS_mmap, "mmap");
    call_arg(fd, fd_note(fd));
    call_arg(off, "offset");
    call_arg(len, "length");
    call_arg(prot, "prot");
    call_arg(flags, "flags");
    call_arg(u.p, u.note);
    long r = call_make();
    bool room = u.wroom >= sizeof(void *);
    bool inval = (flags != MAP_SHARED && flags != MAP_PRIVATE) || !prot_ok(prot) || len == 0 ||
                 (off & (PAGE - 1)) || off >= (1UL << 40) || len > USER_TOP;
    if (kind == FD_FREE)
        allow(r, 1, 0, E(ERR_INVAL));
    else if (!room)
        allow(r, 1, 0, E(ERR_FAULT));
    else if (inval)
        allow(r, 1, 0, E(ERR_INVAL));
    else if (kind != FD_FILE)
        allow(r, 1, 0, E(ERR_FTYPE));
    else if (!fds[fd].readable || (flags == MAP_SHARED && (prot & SHM_WRITE) && !fds[fd].writable))
        allow(r, 1, 0, E(ERR_PERM));
    else
        allow(r, 0, 0, E(ERR_NOMEM));
    if (r != 0 || !room || kind != FD_FILE)
        return;
    uintptr_t addr = *(const uintptr_t *)u.p;
    if (addr & (PAGE - 1) || addr < PAGE || addr >= USER_TOP) {
        impossible(addr, "mmap gave an address that is not a user page");
        return;
    }
    forget_inherited();
    int i = 0;
    while (i < MAX_MAPS && maps[i].addr)
        i++;
    if (i == MAX_MAPS) {
        i = below(MAX_MAPS);       /* no free slot: unmap an old one */
        munmap_call(maps[i].addr, maps[i].len, "old mapping");
    }
    maps[i] = (struct mapm){ .addr = addr, .len = len, .prot = prot };
}

static void op_munmap(void)
{
    struct mapm *m = &maps[below(MAX_MAPS)];
    if (m->addr && !one_in(4)) {
        static const char *const notes[] = { "mapping", "mapping", "mapping", "mapping+4096" };
        int c = below(NELEM(notes));
        size_t lens[] = { m->len, pages_of(m->len), one_in(2) ? 0 : pages_of(m->len) + PAGE,
                          m->len };
        uintptr_t addr = m->addr + (c == 3 ? PAGE : 0);
        munmap_call(addr, lens[c], notes[c]);
        if (m->inherited && m->addr == addr)
            m->addr = 0;           /* gone now, if it was ever there */
        return;
    }
    struct uptr u = any_ptr(true);
    struct viewm *v = own_view();
    if (v && one_in(3))
        u = uptr_make(v->addr, 0, 0, false, "a view");
    munmap_call(u.p, one_in(2) ? PAGE : pick_len(&u, PAGE), u.note);
}

/* -------------------------------------------------------- the loop */

static const struct op {
    void (*fn)(void);
    int weight;
} ops[] = {
    { op_open, 10 }, { op_close, 8 }, { op_read, 10 }, { op_write, 10 }, { op_link, 3 },
    { op_unlink, 4 }, { op_mkdir, 4 }, { op_chdir, 2 }, { op_readdir, 4 }, { op_rmdir, 3 },
    { op_fstat, 4 }, { op_sbrk, 3 }, { op_meminfo, 1 }, { op_dup, 4 }, { op_pipe, 3 },
    { op_info, 2 }, { op_small, 4 }, { op_fork, 2 }, { op_spawn, 2 }, { op_wait, 3 },
    { op_exit, 1 }, { op_program, 1 }, { op_shm_create, 5 }, { op_shm_map, 5 }, { op_shm_unmap, 4 },
    { op_shm_destroy, 3 }, { op_shm_lock, 3 }, { op_shm_unlock, 2 }, { op_shm_resize, 3 },
    { op_shm_list, 2 }, { op_futex, 4 }, { op_mmap, 5 }, { op_munmap, 4 }, { op_touch, 4 },
    { op_shadow, 6 },
};

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
 * absolute) and everything in it, or the file of that name, best effort: a name that cannot be removed stays, and the
 * runner's disk_check will say so. It works from inside each directory,
 * so no path grows past the longest the kernel takes. */
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
            call_arg((long)shm_names[i], shm_names[i]);
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

/* Sleeps second by second: stops the workers once `seconds` have passed
 * since `began` (by the time CSR: sleeps end late on a busy machine), and
 * names the stuck calls when nothing moves for STALL_SECONDS sleeps. Ends
 * when the coordinator has reaped every worker (ctl->over). */
static void watchdog(int seconds, long began)
{
    long last = -1;
    int still = 0;
    while (!ctl->over) {
        sleep(1);                  /* (a second or more: a busy machine wakes it late) */
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
    expect(wait(dog, NULL), dog);
    remove_tree(SHARED_DIR);
    check_regions();
    summary(seconds, nworkers, began);
    printf("expect-killed=%ld\n", ctl->doomed);   /* for the runner */
    if (failed || ctl->impossible || ctl->kills)
        error("fuzz: seed %lu: %ld impossible result(s), %ld child(ren) killed, %d worker(s) failed",
              seed, ctl->impossible, ctl->kills, failed);
    pass("fuzz: seed %lu, %ld calls", seed, ctl->progress);
    return 0;
}

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
