/*
 * fuzz_gen.h: how test/fuzz.c makes a system call and judges its result.
 *
 *   seed_rng, rnd, below, one_in   xorshift64* seeded through splitmix64,
 *                                  so seeds 1, 2, 3 give unrelated streams
 *   mix_seed(x)                    splitmix64: derives a seed (a worker's
 *                                  from the run's, a child's from its parent's)
 *   nasty_int(), huge_size()       values at the edges of int and size_t
 *   struct call, call_begin,       the call being made: number, six raw
 *   call_arg, call_make            arguments (the unused ones random: the
 *                                  kernel must ignore them) and a short note
 *                                  per argument for the report
 *   E(code), allow(...)            the documented results of the call: a
 *                                  success range and a set of error codes;
 *                                  anything else is an impossible result,
 *                                  reported (ERROR line) with the call
 *
 * The call in progress is also published in the run's shared control page
 * (struct ctl, below), so that the coordinator can name the call a hung
 * process is stuck in. Header-only, like testlib.h.
 */
#ifndef _TEST_FUZZ_GEN_H_
#define _TEST_FUZZ_GEN_H_

#include <stdbool.h>
#include "testlib.h"
#include <lib/bench.h>
#include <lib/stdio-ext.h>
#include <lib/stddef.h>
#include <lib/layout.h>
#include <lib/syscall-num.h>
#include <lib/syscall-num-ext.h>

/* ------------------------------------------------------------- random */

static uint64_t rng;

/* splitmix64. */
static inline uint64_t mix_seed(uint64_t x)
{
    x += 0x9e3779b97f4a7c15UL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9UL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebUL;
    return x ^ (x >> 31);
}

/* Starts this process's stream from seed. */
static inline void seed_rng(uint64_t seed)
{
    rng = mix_seed(seed);
    if (rng == 0)
        rng = 1;                   /* xorshift's one fixed point */
}

/* xorshift64*. */
static inline uint64_t rnd(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 0x2545f4914f6cdd1dUL;
}

/* A number in [0, n) (0 for n = 0). */
static inline uint64_t below(uint64_t n)
{
    return n ? rnd() % n : 0;
}

/* True once in n times. */
static inline bool one_in(uint64_t n)
{
    return below(n) == 0;
}

#define PICK(array) ((array)[below(NELEM(array))])

/* A decimal number (a seed may use all 64 bits, more than atoi's int). */
static inline uint64_t strtou64(const char *s)
{
    uint64_t v = 0;
    while (*s >= '0' && *s <= '9')
        v = v * 10 + (uint64_t)(*s++ - '0');
    return v;
}

/* strlen, looking at most max bytes (the library has no strnlen). */
static inline size_t strnlen_(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n])
        n++;
    return n;
}

/* An int at an edge, or any int. */
static inline int nasty_int(void)
{
    static const int edges[] = { 0, 1, -1, 2, 3, 7, 127, 128, 255, 256, 4095, 4096, 4097,
                                 65536, 0x10000000, 0x7fffffff, -0x7fffffff - 1, -2, -4096 };
    return one_in(4) ? (int)rnd() : PICK(edges);
}

/* A size no user buffer can have: [p, p + n) leaves user space (or wraps)
 * for every user address p > 0, so the kernel refuses it before copying. */
static inline size_t huge_size(void)
{
    static const size_t huge[] = { SIZE_MAX, SIZE_MAX - 4095, 1UL << 63, USER_TOP,
                                   USER_TOP + 12345, 0x7fffffffffffffffUL, (size_t)-2 };
    return PICK(huge);
}

/* Seconds since boot, from the time CSR (10 MHz on QEMU virt): for the
 * report only, never for a verdict. */
static inline long seconds_now(void)
{
    uint64_t t;
    asm volatile("rdtime %0" : "=r"(t));
    return (long)(t / 10000000);
}

/* ------------------------------------------------------ control page */

#define FUZZ_MAX_WORKERS 8
#define SLOTS_PER_WORKER 8         /* the worker and up to 7 children */
#define NSLOTS (FUZZ_MAX_WORKERS * SLOTS_PER_WORKER)
/* Calls counted by number, one bucket each, the last for "no such call":
 * sized by SYS_MAX, so a call added (docs/syscall.md) still builds. */
#define NR_BUCKETS (SYS_MAX + 1)
#define CTL_NAME "#fuzz-ctl"       /* never a fuzzed name: those have no '#' */

/* What one process is doing, for the watchdog. */
struct slot {
    volatile int pid;
    volatile int nr;               /* the call in progress, -1 between calls */
    volatile long arg[6];
};

/* The run's shared page (a named region the coordinator creates). */
struct ctl {
    volatile int stop;             /* time's up: finish the current operation */
    volatile int over;             /* every worker reaped: the watchdog ends */
    volatile long progress;        /* calls returned, by everyone */
    volatile long impossible;      /* impossible results reported */
    volatile long kills;           /* our processes the kernel killed unasked */
    volatile long doomed;          /* children that touched a bad address on purpose */
    volatile long stopped_at;      /* seconds_now() when stop was set */
    volatile long injected;        /* calls whose injected failure happened */
    volatile long injected_nomem;  /* ... and that said ERR_NOMEM to it */
    volatile long by_nr[NR_BUCKETS];
    struct slot slot[NSLOTS];
};

static struct ctl *ctl;            /* NULL until mapped (a spawned child may go without) */
static int my_slot = -1;

/* --------------------------------------------------------------- calls */

struct call {
    long nr;                       /* all 64 bits reach a7 */
    const char *name;
    long arg[6];
    char note[6][24];
    int nargs;
    bool lazy;                     /* a good pointer: ERR_NOMEM if no frame can back it */
};

static struct call cur;
static long calls_made;            /* by this process */
static int reports;                /* impossible results this process printed */
static uint64_t run_seed, proc_seed;   /* for the report: the run's, and this process's */
static int worker_id, depth;

/* Starts describing a call; arguments follow with call_arg. */
static inline void call_begin(long nr, const char *name)
{
    cur.nr = nr;
    cur.name = name;
    cur.nargs = 0;
    cur.lazy = false;
    for (int i = 0; i < 6; i++) {
        cur.arg[i] = (long)rnd();  /* unused arguments hold garbage */
        cur.note[i][0] = '\0';
    }
}

/* Appends an argument and its note (what kind of value it is). */
static inline void call_arg(long value, const char *note)
{
    int i = cur.nargs++;
    cur.arg[i] = value;
    snprintf(cur.note[i], sizeof(cur.note[i]), "%s", note ? note : "");
}

/* The ecall itself, with all six argument registers set. */
/*
 * Appends a pointer to memory of ours. The kernel may need a frame to
 * store into it (untouched, or shared copy-on-write after fork) or to read
 * it (untouched): with none free, any such call may be ERR_NOMEM
 * (usyscall.h), which allow() then accepts.
 */
static inline void call_ptr(long value, const char *note)
{
    call_arg(value, note);
    cur.lazy = true;
}

/* The ecall itself, with all six argument registers set. */
static inline long raw_syscall(long nr, const long a[6])
{
    register long a0 asm("a0") = a[0];
    register long a1 asm("a1") = a[1];
    register long a2 asm("a2") = a[2];
    register long a3 asm("a3") = a[3];
    register long a4 asm("a4") = a[4];
    register long a5 asm("a5") = a[5];
    register long a7 asm("a7") = nr;
    asm volatile("ecall"
                 : "+r"(a0)
                 : "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5), "r"(a7)
                 : "memory");
    return a0;
}

static const char *const call_names[NR_BUCKETS] = {
    [SYS_fork] = "fork", [SYS_spawn] = "spawn", [SYS_wait] = "wait", [SYS_exit] = "exit",
    [SYS_getpid] = "getpid", [SYS_sleep] = "sleep", [SYS_open] = "open", [SYS_close] = "close",
    [SYS_read] = "read", [SYS_write] = "write", [SYS_link] = "link", [SYS_unlink] = "unlink",
    [SYS_mkdir] = "mkdir", [SYS_chdir] = "chdir", [SYS_readdir] = "readdir",
    [SYS_rmdir] = "rmdir", [SYS_fstat] = "fstat", [SYS_sbrk] = "sbrk",
    [SYS_meminfo] = "meminfo", [SYS_dup] = "dup", [SYS_pipe] = "pipe", [SYS_info] = "info",
    [SYS_shm_create] = "shm_create", [SYS_shm_map] = "shm_map", [SYS_shm_unmap] = "shm_unmap",
    [SYS_shm_destroy] = "shm_destroy", [SYS_shm_lock] = "shm_lock",
    [SYS_shm_unlock] = "shm_unlock", [SYS_shm_resize] = "shm_resize",
    [SYS_shm_list] = "shm_list", [SYS_futex] = "futex", [SYS_mmap] = "mmap",
    [SYS_munmap] = "munmap", [SYS_syscount] = "syscount", [SYS_kill] = "kill",
    [SYS_proc_list] = "proc_list", [SYS_setfg] = "setfg", [SYS_spawnv] = "spawnv",
    [SYS_fork_copy] = "fork_copy", [SYS_disk_scratch_write] = "disk_scratch_write",
    [SYS_vminfo] = "vminfo", [SYS_asid_limit] = "asid_limit",
    [SYS_disk_reads] = "disk_reads", [NR_BUCKETS - 1] = "none",
};

/* The bucket a call number is counted in: its own, or "none". */
static inline int bucket_of(long nr)
{
    return nr >= 0 && nr < NR_BUCKETS - 1 && call_names[nr] ? (int)nr : NR_BUCKETS - 1;
}

/* Shows the call in progress (busy) or none in this process's slot. */
static inline void publish(bool busy)
{
    if (ctl == NULL || my_slot < 0)
        return;
    struct slot *s = &ctl->slot[my_slot];
    for (int i = 0; busy && i < 6; i++)
        s->arg[i] = cur.arg[i];
    __atomic_store_n(&s->nr, busy ? bucket_of(cur.nr) : -1, __ATOMIC_RELEASE);
}

/*
 * An injected allocation failure (fuzz.c's op_nomem): the next call whose
 * number is in inject_nrs runs with kalloc_fail(inject_k) armed
 * (lib/bench.h: its inject_k-th kernel allocation fails, as when memory
 * has run out), and the hook is cancelled as soon as the call returns.
 * `injected` says whether the last call's failure happened (the call made
 * inject_k allocations or more): only then may it say ERR_NOMEM where its
 * arguments alone would not allow it, and only then must an ERR_NOMEM
 * have left no trace (fuzz.c's op_nomem checks what the model can see).
 */
static uint64_t inject_nrs;        /* bit nr: arm before call nr (once) */
static int inject_k;
static bool injected;
static bool inject_hit;            /* an armed call said ERR_NOMEM to its failure */

/*
 * The call, between kalloc_fail(k) and kalloc_fail(0), in one asm block:
 * not one load or store of user memory in between, since a user page
 * fault's frame (a stack page copy-on-write after fork, a page not yet
 * touched) would be counted against the hook too, and its failure would
 * kill the process. Every register but a0 survives an ecall (trapvec.S).
 * Returns the call's a0; *left gets what kalloc_fail(0) returned.
 */
static inline long raw_syscall_failing(long nr, const long a[6], long k, long *left)
{
    register long a0 asm("a0") = a[0];
    register long a1 asm("a1") = a[1];
    register long a2 asm("a2") = a[2];
    register long a3 asm("a3") = a[3];
    register long a4 asm("a4") = a[4];
    register long a5 asm("a5") = a[5];
    register long a7 asm("a7") = nr;
    register long t0 asm("t0") = k;
    asm volatile("mv t1, a0\n\t"
                 "mv t2, a7\n\t"
                 "mv a0, t0\n\t"
                 "li a7, %[kf]\n\t"
                 "ecall\n\t"      /* kalloc_fail(k) */
                 "mv a0, t1\n\t"
                 "mv a7, t2\n\t"
                 "ecall\n\t"      /* the call */
                 "mv t1, a0\n\t"
                 "li a0, 0\n\t"
                 "li a7, %[kf]\n\t"
                 "ecall\n\t"      /* kalloc_fail(0): allocations still to go */
                 "mv t0, a0\n\t"
                 "mv a0, t1"
                 : "+r"(a0), "+r"(t0), "+r"(a7)
                 : "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5), [kf] "i"(SYS_kalloc_fail)
                 : "t1", "t2", "memory");
    *left = t0;
    return a0;
}

/* Makes the call described by cur and returns what a0 holds after it. */
static inline long call_make(void)
{
    publish(true);
    if (ctl)                       /* counted first: exit does not return */
        __atomic_fetch_add(&ctl->by_nr[bucket_of(cur.nr)], 1, __ATOMIC_RELAXED);
    bool arm = cur.nr >= 0 && cur.nr < 64 && (inject_nrs >> cur.nr & 1);
    long r, left = 1;
    if (arm) {
        inject_nrs = 0;
        r = raw_syscall_failing(cur.nr, cur.arg, inject_k, &left);
    } else {
        r = raw_syscall(cur.nr, cur.arg);
    }
    injected = left == 0;
    inject_hit |= injected && r == ERR_NOMEM;
    if (ctl && arm && injected && (r != 0 || (cur.nr != SYS_fork && cur.nr != SYS_fork_copy))) {
        __atomic_fetch_add(&ctl->injected, 1, __ATOMIC_RELAXED);   /* (once, by the parent) */
        __atomic_fetch_add(&ctl->injected_nomem, r == ERR_NOMEM, __ATOMIC_RELAXED);
    }
    if (r != 0 || (cur.nr != SYS_fork && cur.nr != SYS_fork_copy))
        publish(false);            /* (a fork child has no slot yet) */
    calls_made++;
    if (ctl)
        __atomic_fetch_add(&ctl->progress, 1, __ATOMIC_RELAXED);
    return r;
}

/* -------------------------------------------------------------- verdicts */

#define E(code) (1u << -(code))
/* What a path call may say about a well-formed path (fs.h). */
#define E_PATH (E(ERR_INVAL) | E(ERR_NOTEXIST) | E(ERR_FTYPE) | E(ERR_NORES))

static const char *const err_names[] = {
    "OK", "NOMEM", "NORES", "UNALLOC", "EXIST", "NOTEXIST", "INCOMP", "FTYPE", "REGISTER",
    "NOTEMPTY", "END", "INIT", "FAULT", "INVAL", "CHILD", "PGFAULT_ALLOC", "LOCK_BUSY",
    "OWNERDEAD", "AGAIN", "TIMEDOUT", "PERM", "NOSYS",
};

/* ERR_* without its prefix, for the reports. */
static inline const char *err_name(long r)
{
    return r <= 0 && r > -(long)NELEM(err_names) ? err_names[-r] : "?";
}

/* The call as one line: name(value note, ...); values in decimal when
 * small, else in hex. */
static inline void describe_call(char *buf, size_t n)
{
    int len = snprintf(buf, n, "%s(", cur.name);
    for (int i = 0; i < cur.nargs && len < (int)n; i++) {
        long v = cur.arg[i];
        const char *fmt = v > -100000 && v < 100000 ? "%s%ld%s%s" : "%s0x%lx%s%s";
        len += snprintf(buf + len, n - len, fmt, i ? ", " : "", v, cur.note[i][0] ? " " : "",
                        cur.note[i]);
    }
    if (len < (int)n)
        snprintf(buf + len, n - len, ")");
}

/* Counts a failure; true if it should be printed (at most 10 lines per
 * process: the first says all, and a flood would hide the others'). */
static inline bool count_failure(void)
{
    if (ctl)
        __atomic_fetch_add(&ctl->impossible, 1, __ATOMIC_RELAXED);
    return ++reports <= 10;
}

#define WHO "ERROR: fuzz: seed %lu worker %d depth %d pid %d call %ld (process seed %lu): "
#define WHO_ARGS run_seed, worker_id, depth, getpid(), calls_made, proc_seed

/* Reports the result r of the call just made as impossible, and why. */
static inline void impossible(long r, const char *why)
{
    char line[320];
    if (!count_failure())
        return;
    describe_call(line, sizeof(line));
    printf(WHO "%s = %ld (%s): %s\n", WHO_ARGS, line, r, r < 0 ? err_name(r) : "success", why);
}

/* Reports a failure that is not one call's result. */
#define complain(fmt, ...)                                                    \
    do {                                                                      \
        if (count_failure())                                                  \
            printf(WHO fmt "\n", WHO_ARGS, __VA_ARGS__);                      \
    } while (0)

/* The result must be in [lo, hi] (a success; an empty range when none is
 * possible) or one of the error codes in errs. */
static inline void allow(long r, long lo, long hi, uint32_t errs)
{
    if (cur.lazy || injected)
        errs |= E(ERR_NOMEM);
    if (r >= 0 && r >= lo && r <= hi)
        return;
    if (r < 0 && r > -32 && (errs & E(r)))
        return;
    char why[160];
    int len = lo <= hi ? snprintf(why, sizeof(why), "documented: %ld..%ld", lo, hi)
                       : snprintf(why, sizeof(why), "documented: no success");
    for (int c = 1; c < 32 && len < (int)sizeof(why); c++)
        if (errs & (1u << c))
            len += snprintf(why + len, sizeof(why) - len, " %s", err_name(-c));
    impossible(r, why);
}

#endif /* _TEST_FUZZ_GEN_H_ */
