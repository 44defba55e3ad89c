/*
 * fuzz_model.h: what one fuzz process knows about itself, and the nasty
 * arguments drawn from it (test/fuzz.c).
 *
 * A process tracks its fd table exactly (what each fd is: the console, a
 * file or directory and its access mode, an end of one of its pipes),
 * the bytes buffered in each of its pipes, its shared-region views and
 * file mappings (address, protection), its children (pid, the exit status
 * each must end with) and its heap. That is what lets it judge results
 * exactly (close of an open fd is ERR_OK, open returns the lowest free fd,
 * a pipe read returns what is buffered) and what keeps it from hurting
 * itself: it never reads from the console or an empty pipe another fd of
 * its own could fill (that would wait forever), never writes more than
 * a pipe has room for, never lets the kernel write past a buffer of its
 * own (only into `scratch`, a view, a mapping or the straddling end of the
 * heap), and touches only views and mappings it mapped itself.
 *
 *   struct uptr, out_ptr, in_ptr  a user pointer for the kernel to write
 *                                  into or read from: scratch (at odd
 *                                  offsets too), a view, a mapping, the text,
 *                                  NULL, kernel addresses, unmapped user
 *                                  space, the last bytes before the end of
 *                                  the heap (the next page is unmapped);
 *                                  with how many bytes are safe (`room`)
 *   pick_len(u, room_ok)           a length for it: 0, 1, small, the whole
 *                                  room, just past it where that is safe,
 *                                  huge
 *   pick_fd(...)                   an fd: one of ours, a closed one, or out
 *                                  of range
 *   gen_path, gen_name, ...        strings: sandbox paths (relative or
 *                                  absolute, with ".", "..", "//", long
 *                                  components, 255 and 256 bytes), names of
 *                                  shared regions, bad pointers, strings
 *                                  without a NUL up to the end of the heap
 *
 * Files. Every path a call may change something at lies in the process's
 * sandbox directory (/fzN for worker N): ".." never climbs above where the
 * path starts (the sandbox root, or the working directory, which is always
 * inside the sandbox), so the disk's own files are only ever opened
 * read-only. Header-only, like testlib.h.
 */
#ifndef _TEST_FUZZ_MODEL_H_
#define _TEST_FUZZ_MODEL_H_

#include "fuzz_gen.h"
#include <lib/shm.h>
#include <lib/mman.h>
#include <lib/file-ext.h>
#include <lib/proc-ext.h>

#define PAGE 4096UL
#define SCRATCH_SIZE (64 * 1024)
#define HEAP_PAGES 4               /* the heap a process keeps; its last page straddles */
#define MAX_VIEWS 12
#define MAX_MAPS 12
#define MAX_KIDS 6
#define PIPE_CAP 4096              /* a pipe holds one page (docs/api.md) */
#define SHARED_DIR "/fzs"          /* every process's second sandbox, shared by all */
#define SHARED_WRITE 64            /* bytes at most per write() to a file there */
#define CHILD_CALLS 40             /* a child makes 40 to 80 operations */
#define FILES_BUDGET (2L << 20)    /* bytes written to files before a worker's reset */
#define MAX_FDS 40                 /* fd_cap of most processes */

/* -------------------------------------------------------------- state */

enum fdkind { FD_FREE, FD_CONSOLE, FD_FILE, FD_DIR, FD_PIPE_R, FD_PIPE_W, FD_SHADOW };

struct fdm {
    uint8_t kind;
    bool readable, writable;
    bool shared;                   /* a file in SHARED_DIR: writes stay small */
    int pipe;                      /* FD_PIPE_*: index in pipes */
};

struct pipem {
    int readers, writers;          /* our fds on each end */
    int bytes;                     /* buffered */
    int head;                      /* where the oldest is in its queue */
};

/* What the first QUEUED pipes hold, byte by byte (an oracle for reads):
 * bytes written from memory only we can change are known, others not. */
#define QUEUED 8
static struct pipeq {
    char byte[PIPE_CAP];
    bool known[PIPE_CAP];
} pipeq[QUEUED];

struct viewm {
    int name;                      /* index in shm_names; -1: free slot */
    uintptr_t addr;
    int prot;
    bool inherited;                /* a fork child's copy: may be gone, never touched */
};

struct mapm {
    uintptr_t addr;                /* 0: free slot */
    size_t len;
    int prot;
    bool inherited;
};

struct kidm {
    int pid;                       /* 0: free slot */
    int status;                    /* what it must exit with */
    int slot;                      /* its control slot, -1 if none */
    bool echo;                     /* an echo: ours to kill (it holds nothing) */
};

static struct fdm fds[NUM_FILES];
static struct pipem pipes[NUM_FILES];
static struct viewm views[MAX_VIEWS];
static struct mapm maps[MAX_MAPS];
static struct kidm kids[MAX_KIDS];
static uint32_t persist_made;      /* shm_names this process created RS_PERSIST */
static char sandbox[64];           /* absolute path of the sandbox root */
static bool cwd_shared;            /* the working directory is in SHARED_DIR */
static int fd_cap = NUM_FILES;     /* open fds past which new ones close one first */
static long budget;                /* operations this process makes; 0: until ctl->stop */
static int my_status;              /* the status this process exits with */
static bool spawned;               /* started by spawn (not forked from a worker) */
static uintptr_t heap_start;
static bool heap_ok = true;        /* the break is at heap_top */
static size_t total_pages;         /* from the first info() */
static long last_syscount;
static int mypid;
static uintptr_t heap_top;         /* the break, page aligned, HEAP_PAGES above its start */
static long files_bytes;           /* bytes written to files since the last reset */

static char scratch[SCRATCH_SIZE] __attribute__((aligned(64)));
static char strbuf[2][640];        /* strings being passed (two for link) */

/* --------------------------------------------------------------- fds */

/* What fd is, for the reports. */
static inline const char *fd_note(int fd)
{
    static const char *const names[] = { "closed", "console", "file", "dir", "pipe-r", "pipe-w",
                                         "shadow" };
    if (fd < 0 || fd >= NUM_FILES)
        return "out of range";
    return names[fds[fd].kind];
}

/* What fd is (FD_FREE out of range). */
static inline int fd_kind(int fd)
{
    return fd < 0 || fd >= NUM_FILES ? FD_FREE : fds[fd].kind;
}

/* The fd open, dup and pipe must return first (-1: the table is full). */
static inline int lowest_free_fd(void)
{
    for (int fd = 0; fd < NUM_FILES; fd++)
        if (fds[fd].kind == FD_FREE)
            return fd;
    return -1;
}

/* How many fds are open. */
static inline int open_fds(void)
{
    int n = 0;
    for (int fd = 0; fd < NUM_FILES; fd++)
        n += fds[fd].kind != FD_FREE;
    return n;
}

/* The model's side of a close (the call itself is the caller's). */
static inline void fd_forget(int fd)
{
    struct fdm *f = &fds[fd];
    if (f->kind == FD_PIPE_R)
        pipes[f->pipe].readers--;
    else if (f->kind == FD_PIPE_W)
        pipes[f->pipe].writers--;
    f->kind = FD_FREE;
}

/* The model's side of a new fd that refers to what `from` refers to. */
static inline void fd_copy(int fd, const struct fdm *from)
{
    fds[fd] = *from;
    if (from->kind == FD_PIPE_R)
        pipes[from->pipe].readers++;
    else if (from->kind == FD_PIPE_W)
        pipes[from->pipe].writers++;
}

/* Queues r bytes just written into pipe pi from src (known if stable). */
static inline void pipe_push(int pi, const char *src, long r, bool stable)
{
    struct pipem *pp = &pipes[pi];
    for (long i = 0; pi < QUEUED && i < r; i++) {
        int at = (pp->head + pp->bytes + i) % PIPE_CAP;
        pipeq[pi].byte[at] = stable ? src[i] : 0;
        pipeq[pi].known[at] = stable;
    }
    pp->bytes += r;
}

/* Takes r bytes just read from pipe pi; returns the offset of the first
 * known byte that dst (if stable) does not hold, or -1. */
static inline long pipe_pop(int pi, const char *dst, long r, bool stable)
{
    struct pipem *pp = &pipes[pi];
    long bad = -1;
    for (long i = 0; pi < QUEUED && stable && i < r && bad < 0; i++) {
        int at = (pp->head + i) % PIPE_CAP;
        if (pipeq[pi].known[at] && pipeq[pi].byte[at] != dst[i])
            bad = i;
    }
    pp->head = (pp->head + r) % PIPE_CAP;
    pp->bytes -= r;
    return bad;
}

/* fstat of an fd that names a file or directory, into *st: ERR_OK. */
static inline long fstat_ok(int fd, const char *note, struct stat *st)
{
    call_begin(SYS_fstat, "fstat");
    call_arg(fd, note);
    call_ptr((long)st, "stack");
    long r = call_make();
    allow(r, 0, 0, 0);
    return r;
}

/*
 * An fd to pass: mostly one of ours (never 0 or 1 unless console_ok: the
 * reports go there, and closing them would send them into a file; never
 * the shadow file's, fuzz_shadow.h), else a closed one or one out of range.
 */
static inline int pick_fd(bool console_ok)
{
    static const int wild[] = { -1, -2, -0x7fffffff - 1, NUM_FILES, NUM_FILES + 1, 1000,
                                0x7fffffff, 255, 256, -128 };
    int r = below(10);
    if (r < 7) {
        int open[NUM_FILES], n = 0;
        for (int fd = console_ok ? 0 : 2; fd < NUM_FILES; fd++)
            if (fds[fd].kind != FD_FREE && fds[fd].kind != FD_SHADOW)
                open[n++] = fd;
        if (n > 0)
            return open[below(n)];
    }
    if (r < 9) {
        int fd = 2 + below(NUM_FILES - 2);
        if (fds[fd].kind == FD_FREE)
            return fd;
    }
    return PICK(wild);
}

/* ----------------------------------------------------------- pointers */

/* What a pointer is, for the kernel: how many bytes at it are ours to be
 * written (wroom) or read (rroom), and whether any length is safe (the
 * access faults before reaching anything of ours). */
struct uptr {
    uintptr_t p;
    size_t wroom, rroom;
    bool any_len;
    bool stable;                   /* our own memory, which no one else writes */
    char note[24];
};

/* Whether [p, p + n) fails the kernel's up-front check of read(),
 * write(), readdir(), fstat() and pipe(): NULL, or not all in user space.
 * read and write check too that all of it is memory of ours (op_read,
 * op_write: n past the room is refused). */
static inline bool refused(uintptr_t p, size_t n)
{
    return p == 0 || p + n < p || p + n > USER_TOP;
}

/* A pointer and what is known of it; not stable unless the caller says. */
static inline struct uptr uptr_make(uintptr_t p, size_t wroom, size_t rroom, bool any_len,
                                    const char *note)
{
    struct uptr u = { .p = p, .wroom = wroom, .rroom = rroom, .any_len = any_len,
                      .stable = false };
    snprintf(u.note, sizeof(u.note), "%s", note);
    return u;
}

static inline struct uptr bad_ptr(void);

/* The last n bytes below the break: the page after them is never mapped
 * (mappings keep a guard page above the heap), so any length is safe. */
static inline struct uptr heap_straddle(size_t n)
{
    if (heap_top == 0)
        return bad_ptr();          /* no heap of our own: see heap_ok */
    char note[24];
    snprintf(note, sizeof(note), "heap end-%ld", (long)n);
    return uptr_make(heap_top - n, n, n, true, note);
}

/* A pointer no call may use: NULL, page 0, kernel, unmapped, the stack's
 * guard, the top of user space, non-canonical. */
static inline struct uptr bad_ptr(void)
{
    static const struct {
        uintptr_t p;
        const char *note;
    } bad[] = {
        { 0, "NULL" },
        { 8, "page 0" },
        { KMAP_BASE, "kernel" },
        { KMAP_BASE + 0x80200000UL, "kernel image" },
        { 0xFFFFFFFFFFFFF000UL, "last page" },
        { 0x3000000000UL, "unmapped" },
        { USTACK_UPPERBOUND, "stack guard" },
        { USER_TOP - 8, "user top-8" },
        { USER_TOP, "user top" },
        { 0x8000000000UL, "non-canonical" },
        { 0x1000, "below text" },
    };
    int i = below(NELEM(bad));
    return uptr_make(bad[i].p, 0, 0, true, bad[i].note);
}

/* A view of ours (not inherited), or NULL. */
static inline struct viewm *own_view(void)
{
    int i = below(MAX_VIEWS);
    for (int k = 0; k < MAX_VIEWS; k++, i = (i + 1) % MAX_VIEWS)
        if (views[i].name >= 0 && !views[i].inherited)
            return &views[i];
    return NULL;
}

/* A mapping of ours (not inherited), or NULL. */
static inline struct mapm *own_map(void)
{
    int i = below(MAX_MAPS);
    for (int k = 0; k < MAX_MAPS; k++, i = (i + 1) % MAX_MAPS)
        if (maps[i].addr && !maps[i].inherited)
            return &maps[i];
    return NULL;
}

/* The bytes of a mapping that kernel copies may use: its first two pages. */
static inline size_t map_room(const struct mapm *m)
{
    size_t len = (m->len + PAGE - 1) & ~(PAGE - 1);
    return len < 2 * PAGE ? len : 2 * PAGE;
}

/* A pointer for the kernel to write into (write = true) or read from. */
static inline struct uptr any_ptr(bool write)
{
    int r = below(20);
    if (r < 9) {
        size_t off = one_in(3) ? below(64) : (one_in(2) ? below(SCRATCH_SIZE) : 0);
        char note[24];
        snprintf(note, sizeof(note), "scratch+%ld", (long)off);
        struct uptr u = uptr_make((uintptr_t)scratch + off, SCRATCH_SIZE - off,
                                  SCRATCH_SIZE - off, false, note);
        u.stable = true;
        return u;
    }
    if (r < 11) {
        struct uptr u = heap_straddle(1 + (one_in(4) ? below(PAGE) : below(40)));
        u.stable = u.wroom > 0;
        return u;
    }
    if (r == 11) {
        struct viewm *v = own_view();
        if (v) {
            bool w = v->prot & SHM_WRITE;
            return uptr_make(v->addr, w ? PAGE : 0, PAGE, write && !w,
                             w ? "view" : "read-only view");
        }
    }
    if (r == 12) {
        struct mapm *m = own_map();
        if (m) {
            bool w = m->prot & SHM_WRITE;
            return uptr_make(m->addr, w ? map_room(m) : 0, map_room(m), write && !w,
                             w ? "mapping" : "read-only mapping");
        }
    }
    if (r == 13) {
        /* The text, up to the break, is readable; never writable. */
        uintptr_t p = (uintptr_t)&any_ptr + below(256);
        struct uptr u = uptr_make(p, 0, heap_top ? heap_top - p : 256, heap_top != 0, "text");
        u.stable = true;
        return u;
    }
    return bad_ptr();
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

/* Appends u (a pointer of ours if the kernel may use any byte at it). */
static inline void call_uptr(const struct uptr *u)
{
    if (u->wroom || u->rroom)
        call_ptr(u->p, u->note);
    else
        call_arg(u->p, u->note);
}

/* A length for u: 0, 1, small, the room, and past it only where that
 * cannot reach anything of ours (any_len), or huge (refused outright). */
static inline size_t pick_len(const struct uptr *u, size_t room)
{
    static const size_t wild[] = { 100000, 1UL << 20, 0x7fffffff, 0x80000000UL, 1UL << 31 | 5 };
    switch (below(12)) {
    case 0: return 0;
    case 1: return 1;
    case 2: return huge_size();
    case 3: return u->any_len ? PICK(wild) : room;
    case 4: return room;
    case 5: return u->any_len ? room + 1 + below(64) : room;
    case 6: return below(room + 1);
    default: return below((room < 300 ? room : 300) + 1);
    }
}

/* ------------------------------------------------------------ strings */

/* What the kernel will make of a string argument. */
enum strclass { S_OK, S_FAULT, S_LONG, S_NONUL };

struct ustr {
    uintptr_t p;
    int cls;
    size_t len;                    /* S_OK: strlen; S_NONUL: bytes before the end of the heap */
    bool shared;                   /* a path in SHARED_DIR */
    char note[24];
};

/* A well-formed string at s. */
static inline struct ustr str_at(const char *s, const char *note)
{
    struct ustr u = { .p = (uintptr_t)s, .cls = S_OK, .len = strlen(s), .shared = false };
    snprintf(u.note, sizeof(u.note), "\"%.18s\"", note ? note : s);
    return u;
}

/* Appends the string s (in our memory unless it is a bad pointer). */
static inline void call_ustr(const struct ustr *s)
{
    if (s->cls == S_FAULT)
        call_arg(s->p, s->note);
    else
        call_ptr(s->p, s->note);
}

/* A bad string pointer, or bytes without a NUL up to the end of the heap. */
static inline struct ustr bad_str(void)
{
    struct ustr s = { .shared = false };
    if (heap_top && one_in(3)) {
        size_t n = one_in(2) ? 1 + below(64) : 100 + below(400);
        char *p = (char *)heap_top - n;
        memset(p, one_in(2) ? 'a' : '/', n);
        s.p = (uintptr_t)p;
        s.cls = S_NONUL;
        s.len = n;
        snprintf(s.note, sizeof(s.note), "no NUL, %ld bytes", (long)n);
        return s;
    }
    struct uptr u = bad_ptr();
    s.p = u.p;
    s.cls = S_FAULT;
    s.len = 0;
    snprintf(s.note, sizeof(s.note), "%s", u.note);
    return s;
}

/* What a string of class s must give for a kernel limit of max bytes
 * (terminator included): ERR_OK to go on, else the error. */
static inline long str_verdict(const struct ustr *s, size_t max)
{
    switch (s->cls) {
    case S_OK: return s->len < max ? ERR_OK : ERR_INVAL;
    case S_NONUL: return s->len >= max ? ERR_INVAL : ERR_FAULT;
    case S_LONG: return ERR_INVAL;
    default: return ERR_FAULT;
    }
}

static const char *const components[] = {
    "a", "b", "c", "dd", "e.f", "Z", ".", "..", "", "a", "b", "\x7f\x01",
    "nnnnnnnnnnnnnnnnnnnnnnnnnnn",             /* 27 bytes: the longest name */
    "ooooooooooooooooooooooooooooo",           /* 29: ERR_INVAL */
};

/*
 * A path in the sandbox into buf: absolute (from the sandbox root or
 * SHARED_DIR) or relative (from the working directory, always in one of
 * them), of 0 to 8 components. ".." only goes back up what the path itself
 * went down, so the path never leaves where it starts. Sometimes padded
 * with "./" to 255 bytes (the longest path) or past them. Returns whether
 * the path is in SHARED_DIR.
 */
static inline bool gen_sandbox_path(char *buf, size_t cap)
{
    char tail[320];
    int tlen = 0, down = 0;
    tail[0] = '\0';
    int n = below(one_in(8) ? 9 : 4);
    for (int i = 0; i < n; i++) {
        const char *c = PICK(components);
        if (strcmp(c, "..") == 0) {
            if (down == 0)
                c = ".";
            else
                down--;
        } else if (c[0] != '.' && c[0] != '\0') {
            down++;
        }
        tlen += snprintf(tail + tlen, sizeof(tail) - tlen, "%s%s", i ? "/" : "", c);
    }
    if (n > 0 && one_in(8))
        tlen += snprintf(tail + tlen, sizeof(tail) - tlen, "/");
    bool absolute = one_in(2), shared = absolute ? one_in(3) : cwd_shared;
    int len = absolute ? snprintf(buf, cap, "%s/", shared ? SHARED_DIR : sandbox) : 0;
    if (one_in(12)) {
        int target = one_in(2) ? 255 : 256 + (int)below(100);
        int pad = target - len - tlen;
        for (; pad >= 2; pad -= 2)
            len += snprintf(buf + len, cap - len, "./");
        if (pad == 1 && len > 0)
            len += snprintf(buf + len, cap - len, "/");
    }
    snprintf(buf + len, cap - len, "%s", tail);
    return shared;
}

/* A path for a call that may change the sandbox: mostly a sandbox path,
 * sometimes a bad pointer or a string without NUL. */
static inline struct ustr gen_path(int which)
{
    if (one_in(10))
        return bad_str();
    bool shared = gen_sandbox_path(strbuf[which], sizeof(strbuf[which]));
    struct ustr s = str_at(strbuf[which], NULL);
    s.shared = shared;
    if (s.len >= 255)
        snprintf(s.note, sizeof(s.note), "%ld-byte path", (long)s.len);
    return s;
}

/* A path outside the sandbox, only ever opened read-only. */
static inline struct ustr gen_ro_path(void)
{
    static const char *const ro[] = { "/README", "/smallfile", "/largefile", "/testfile", "/",
                                      "//", "/.", "/..", "/./README", "/fuzz", "/echo",
                                      "/zq-none", "/README/x", "README" };
    return str_at(PICK(ro), NULL);
}

/* Names of shared regions. Index 0..NSHM-1 are the ones views remember. */
static const char *const shm_names[] = {
    "fz-a", "fz-b", "fz-c", "fz/d", ".", "..", "fz e", "\xff\x01",
    "LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL"
    "LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL",            /* 127 bytes: the longest */
};
#define NSHM (int)NELEM(shm_names)

/* A region name: a known one (index in *idx), or empty, 128 bytes, bad. */
static inline struct ustr gen_name(int *idx)
{
    *idx = -1;
    int r = below(14);
    if (r < 10) {
        *idx = r < 6 ? (int)below(4) : (int)below(NSHM);
        return str_at(shm_names[*idx], NULL);
    }
    if (r == 10)
        return str_at("", NULL);
    if (r == 11) {
        memset(strbuf[1], 'M', 128);
        strbuf[1][128] = '\0';
        struct ustr s = str_at(strbuf[1], "128 bytes");
        return s;
    }
    return bad_str();
}

#endif /* _TEST_FUZZ_MODEL_H_ */
