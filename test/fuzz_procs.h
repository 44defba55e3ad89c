/*
 * fuzz_procs.h: test/fuzz.c's operations on processes: fork and fork_copy
 * (the child becomes a fuzzer of its own, with a seed and an exit status
 * its parent knows), spawn and spawnv (of echo, of a fuzzing child, of
 * copies of /echo whole or cut short, of things that are not programs),
 * wait, exit, kill (of our echoes and of pids no one may kill), setfg,
 * proc_list, getpid, sleep, syscount, and numbers that name no call. Header-only;
 * included by fuzz.c only.
 */
#ifndef _TEST_FUZZ_PROCS_H_
#define _TEST_FUZZ_PROCS_H_

#include "fuzz_files.h"
#include "fuzz_memory.h"
#include "fuzz_shadow.h"

static void finish(void) __attribute__((noreturn));

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

/* A control slot for a new child of a worker (-1: none, or not a worker). */
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

/* A free entry for a new child, or NULL (MAX_KIDS alive). */
static struct kidm *free_kid(void)
{
    for (int k = 0; k < MAX_KIDS; k++)
        if (kids[k].pid == 0)
            return &kids[k];
    return NULL;
}

/* Our child pid's entry, or NULL. */
static struct kidm *kid_of(int pid)
{
    for (int k = 0; k < MAX_KIDS; k++)
        if (kids[k].pid && kids[k].pid == pid)
            return &kids[k];
    return NULL;
}

/* How many children we have. */
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

/* The child side of a fork: a fuzzer of its own (seed, status, budget)
 * that inherits the parent's fds, views and mappings but touches none of
 * them (they may not be there: RS_NOINHERIT), and gives the pipes and
 * the shadow file back to the parent. */
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

/* fork or fork_copy: the child's seed and status are drawn first, so
 * the parent knows what its wait must find. */
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

/* spawn: echo with 0 to 3 words (exits with argc), a fuzzing child (a
 * worker's), or strings that name no program: missing, directories, text
 * files, too long, bad pointers, no NUL. None of these may be a name the
 * workers create (fuzz_model.h's components, such as "dd"): a file they
 * write can hold /echo's bytes, read through scratch, and then run (and
 * die, a killed: line the run does not expect). */
static void op_spawn(void)
{
    static const char *const fail[] = {
        "zq-none", "/zq-none", "zq/zq", "", "   ", " \t ", "/", ".", "..", "README",
        "/smallfile x y", "largefile", "/fz-none/a",
    };
    struct kidm *k = free_kid();
    struct ustr s;
    int status = 0, slot = -1, r0 = below(10);
    bool good = k != NULL && r0 < 4, echo = false;
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
        echo = true;
        s = str_at(strbuf[0], NULL);
    } else if (r0 < 8) {
        s = str_at(PICK(fail), NULL);
    } else if (r0 == 8) {
        static char longstr[SPAWN_ARGS_MAX + 44];
        memset(longstr, 'e', sizeof(longstr) - 1);
        longstr[one_in(2) ? SPAWN_ARGS_MAX - 1 : SPAWN_ARGS_MAX + 43] = '\0';
        s = str_at(longstr, "long");
    } else {
        s = bad_str();
    }
    call_begin(SYS_spawn, "spawn");
    call_ustr(&s);
    long r = call_make();
    long sv = str_verdict(&s, SPAWN_ARGS_MAX);
    if (sv != ERR_OK)
        allow(r, 1, 0, E(sv));
    else if (good)
        allow(r, 1, 0x7fffffff, E(ERR_NOMEM));
    else
        allow(r, 1, 0, E(ERR_NOTEXIST) | E(ERR_INVAL) | E(ERR_NOMEM));
    if (r > 0 && good)
        *k = (struct kidm){ .pid = r, .status = status, .slot = slot, .echo = echo };
}

/* /echo's size, and where its loadable bytes end in the file (0: not
 * known yet): a copy cut there or later still runs, one cut before is
 * not an executable. */
static long echo_size, echo_load_end;

/* Reads /echo's header and program headers (once per process). */
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
    call_ptr((long)strbuf[0], cut == echo_size ? "copy of echo" : "cut copy of echo");
    call_arg(cut, "bytes copied");
    long r = call_make();
    if (cut >= echo_load_end)
        allow(r, 1, 0x7fffffff, E(ERR_NOMEM));
    else
        allow(r, 1, 0, E(ERR_INVAL) | E(ERR_NOMEM));
    if (r > 0)
        *k = (struct kidm){ .pid = r, .status = 3, .slot = -1, .echo = true };
    unlink(path);
}

/* One of our echo children, or NULL. */
static struct kidm *echo_kid(void)
{
    for (int k = 0; k < MAX_KIDS; k++)
        if (kids[k].pid && kids[k].echo)
            return &kids[k];
    return NULL;
}

/*
 * kill: of a child of ours forked to sleep 3 s and exit with 77 (killed
 * at once, it must exit with -1, silently: no killed: line), or of pids
 * no one may kill: <= 0 (ERR_INVAL), init (ERR_PERM), one no process has
 * (ERR_NOTEXIST). Never any other pid: the shell and the other tests'
 * processes share the machine, and a fuzzing child killed would leave its
 * persistent regions behind. The sleeper is killed in its sleep, where
 * the kill surely lands (not as it starts or exits).
 */
static void op_kill(void)
{
    static const int others[] = { 0, -1, -0x7fffffff - 1, 1, 0x7fffffff };
    struct kidm *k = one_in(2) ? free_kid() : NULL;
    int pid = PICK(others);
    if (k) {
        pid = fork();
        if (pid == 0) {
            sleep(3);
            exit(77);
        }
        if (pid < 0)
            return;
        *k = (struct kidm){ .pid = pid, .status = 77, .slot = -1 };
    }
    call_begin(SYS_kill, "kill");
    call_arg(pid, k ? "sleeping child" : "pid");
    long r = call_make();
    if (pid <= 0)
        allow(r, 1, 0, E(ERR_INVAL));
    else if (pid == 1)
        allow(r, 1, 0, E(ERR_PERM));
    else if (!k)
        allow(r, 1, 0, E(ERR_NOTEXIST));
    else
        allow(r, 0, 0, 0);
    if (k && r == 0)
        k->status = -1;
}

/* setfg: ERR_INVAL for pid < 0, ERR_CHILD for a pid not our child, and
 * an echo child of ours (ours until we reap it, exited or not) leads a
 * new foreground job: ERR_OK. Never 0, which would leave the console
 * without a foreground job while the shell waits for us. */
static void op_setfg(void)
{
    static const int others[] = { -1, -0x7fffffff - 1, 1, 0x7fffffff };
    struct kidm *k = one_in(2) ? echo_kid() : NULL;
    int pid = k ? k->pid : one_in(3) ? mypid : PICK(others);
    call_begin(SYS_setfg, "setfg");
    call_arg(pid, k ? "echo child" : "pid");
    long r = call_make();
    if (pid < 0)
        allow(r, 1, 0, E(ERR_INVAL));
    else if (!k)
        allow(r, 1, 0, E(ERR_CHILD));
    else
        allow(r, 0, 0, 0);
}

/*
 * spawnv: echo with words that hold spaces (it exits with argc), or an
 * argv that must fail: no word, SPAWN_WORDS_MAX + 1 words, more than
 * SPAWN_ARGS_MAX bytes, a bad word
 * pointer (ERR_FAULT), a bad array, an array running into the end of the
 * heap with no NULL (ERR_FAULT), a program that is not there.
 */
static void op_spawnv(void)
{
    static char *vargv[SPAWN_WORDS_MAX + 2];
    static char words[8][40];
    static char longword[SPAWN_ARGS_MAX];
    struct kidm *k = free_kid();
    int n = 1 + below(5), kind = below(k ? 8 : 7);
    uintptr_t array = (uintptr_t)vargv;
    long want = 0;                 /* the error, or 0: a child */
    vargv[0] = one_in(2) ? "echo" : "/echo";
    for (int i = 1; i < n; i++) {
        snprintf(words[i], sizeof(words[i]), "w %d  x", i);   /* spaces inside */
        vargv[i] = words[i];
    }
    vargv[n] = NULL;
    switch (kind) {
    case 0:
        vargv[0] = NULL;           /* no word */
        want = ERR_INVAL;
        break;
    case 1:
        for (n = 1; n < SPAWN_WORDS_MAX + 1; n++)
            vargv[n] = "v";
        vargv[n] = NULL;           /* a word too many */
        want = ERR_INVAL;
        break;
    case 2:
        memset(longword, 'L', sizeof(longword) - 1);
        vargv[1] = longword;       /* SPAWN_ARGS_MAX bytes after echo's */
        n = 2;
        vargv[n] = NULL;
        want = ERR_INVAL;
        break;
    case 3:
        do                         /* (NULL would end the array) */
            vargv[n > 1 ? 1 : 0] = (char *)bad_ptr().p;
        while (vargv[n > 1 ? 1 : 0] == NULL);
        want = ERR_FAULT;
        break;
    case 4:
        array = bad_ptr().p;
        want = ERR_FAULT;
        break;
    case 5:
        if (heap_top) {
            char **end = (char **)heap_top - 3;   /* three words, then the end of the heap */
            end[0] = end[1] = end[2] = "echo";
            array = (uintptr_t)end;
        } else {
            array = 0;
        }
        want = ERR_FAULT;
        break;
    case 6:
        vargv[0] = "zq-none";
        want = ERR_NOTEXIST;
        break;
    }
    call_begin(SYS_spawnv, "spawnv");
    if (kind == 4 || (kind == 5 && !heap_top))
        call_arg(array, "bad array");
    else
        call_ptr(array, kind == 5 ? "heap end-24, no NULL" : "argv");
    call_arg(n, "words");
    long r = call_make();
    if (want)
        allow(r, 1, 0, E(want));
    else
        allow(r, 1, 0x7fffffff, 0);
    if (!want && r > 0)
        *k = (struct kidm){ .pid = r, .status = n, .slot = -1, .echo = true };
}

/* proc_list: at most max entries, never more than the buffer holds; the
 * list is in pid order, and lists us (running) when it is complete. */
static void op_proc_list(void)
{
    static const int maxes[] = { 0, 1, 2, 85, 86, 1000, -1, -0x7fffffff - 1, 0x7fffffff };
    const size_t each = sizeof(struct proc_info);
    struct uptr u = any_ptr(true);
    int max = PICK(maxes);
    size_t fits = u.wroom / each;
    if (!u.any_len && max > 0 && (size_t)max > fits)
        max = (int)fits;           /* the kernel writes only what we own */
    call_begin(SYS_proc_list, "proc_list");
    call_uptr(&u);
    call_arg(max, "max");
    long r = call_make();
    if (max < 0) {
        allow(r, 1, 0, E(ERR_INVAL));
        return;
    }
    size_t hi = (size_t)max < fits ? (size_t)max : fits;
    allow(r, 0, hi, (fits < (size_t)max || refused(u.p, 0) ? E(ERR_FAULT) : 0));
    if (r <= 0 || !u.stable || (size_t)r > fits)
        return;
    const struct proc_info *pi = (const struct proc_info *)u.p;
    bool me = false;
    for (long i = 0; i < r; i++) {
        if (pi[i].pid <= 0 || (i > 0 && pi[i].pid <= pi[i - 1].pid) ||
            pi[i].state < PROC_INFO_RUNNING || pi[i].state > PROC_INFO_ZOMBIE ||
            strnlen_(pi[i].name, sizeof(pi[i].name)) == sizeof(pi[i].name))
            impossible(r, "proc_list: an entry out of order or out of its bounds");
        me |= pi[i].pid == mypid && pi[i].state == PROC_INFO_RUNNING;
    }
    if (r < max && !me)
        impossible(r, "proc_list: a complete list without us running in it");
}

/* Waits for a child (pid -1 or ours) or for a pid that is not ours. */
static long wait_call(int pid, const struct uptr *u)
{
    call_begin(SYS_wait, "wait");
    call_arg(pid, kid_of(pid) ? "child" : "pid");
    call_uptr(u);
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

/* wait: for -1, a child, or pids that are not ours; a status pointer
 * or NULL. */
static void op_wait(void)
{
    static const int others[] = { 0, -2, 1, 99999, 0x7fffffff, -0x7fffffff - 1 };
    int pid = -1;
    if (one_in(3)) {
        /* Not ours: ourselves, init, nothing, a parent, maybe a grandchild. */
        int near[] = { mypid, mypid - 1, kids[0].pid + 1, kids[1].pid + 2 };
        pid = one_in(2) ? PICK(near) : PICK(others);
    }
    else if (nkids() > 0 && one_in(2)) {
        int k = below(MAX_KIDS);
        while (kids[k].pid == 0)
            k = (k + 1) % MAX_KIDS;
        pid = kids[k].pid;
    }
    struct uptr u = one_in(3) ? uptr_make(0, 0, 0, true, "NULL") : out_fixed(sizeof(int), true);
    wait_call(pid, &u);
}

/* Waits for every child of ours, checking each status. */
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

/* exit (children only): finish() first. */
static void op_exit(void)
{
    if (depth > 0)
        finish();
}

/* getpid, sleep, syscount, disk_reads, and numbers that name no call. */
static void op_small(void)
{
    switch (below(5)) {
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
    case 3: {
        /* Every process's reads count: it never goes back. */
        static long last_reads;
        call_begin(SYS_disk_reads, "disk_reads");
        long r = call_make();
        allow(r, last_reads, 0x7fffffffffffffffL, 0);
        last_reads = r;
        break;
    }
    default: {
        /* Numbers that name no call, some with a known call in the low bits. */
        static const long nrs[] = { 0, SYS_MAX, SYS_MAX + 1, 63, 99, 4096, -1, -23,
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

#endif /* _TEST_FUZZ_PROCS_H_ */
