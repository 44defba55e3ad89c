/*
 * testlib.h: what the test programs share, so that each test says only
 * what it checks. A header (not a .c) because the Makefile builds every
 * test/NAME.c as a program of its own; include it as "testlib.h". Every
 * helper is static inline, so a test pays only for what it uses.
 *
 *   expect(expr, want)          expr must equal want, else error() with both
 *   KERNEL_IMAGE, UNMAPPED,     addresses a user pointer must not reach,
 *   BAD_POINTERS                and a list of such pointers
 *   STACK_END(n)                the last n bytes of the stack mapping (the
 *                               byte after them is unmapped): a buffer there
 *                               straddles the end of a mapping. Scribble on
 *                               it only in a forked child.
 *   heap_end(n)                 the same at the end of the heap, writable
 *   access_address(addr, how)   one load, store or jump, in assembly
 *   expect_killed(addr, how, w) a forked child does it and must be killed
 *   wait_for(pid)               reaps child pid, returns its exit status
 *   expect_exit(pid, want)      reaps child pid, which must exit with want
 *   kill_and_reap(pid)          kills child pid, which must exit with -1
 *   child_status(fn)            runs fn in a forked child, returns its status
 *   fork_ok()                   fork or fail the test
 *   fork_worker(fn, arg)        forks a child that runs fn(arg), exits 0
 *   in_child(fn, what)          the same, and the status must be 0
 *   std_files(in, out)          in a forked child: fd 0 the file in, fd 1 out
 *   exit_with_sh()              in a forked child whose fds 0 and 1 are set:
 *                               runs /sh on them, exits with its status
 *   open_ok, stat_of,           files: open or fail the test; fstat a path;
 *   write_all, read_all,        write or read everything; create a file
 *   make_file, read_file,       with a text; read a whole file; unlink (or
 *   remove_file                 rmdir) if present
 *   make_file_of(path, n, byte) create a file of n bytes, byte i byte(i)
 *   fill_disk(path, buf, n)     write buf to path until the disk is full
 *   fill_disk_last(p, top, b, n) the same, then top takes the block p may leave
 *   write_at(path, off, d, n)   write() n bytes at off through a fresh fd
 *   rdtime(), TIME_HZ           the time counter and its ticks per second
 *   pattern_byte(off, round),   the byte at off of a file's version round,
 *   pattern_fill(p, off, n, r)  and n of them from off: a wrong block,
 *                               offset or version shows
 *   expect_pattern(path, size,  path holds exactly size bytes of version r
 *       r, buf, n)              (read through buf, n bytes of scratch)
 *   msleep(ms)                  sleep ms milliseconds (a futex timeout): for
 *                               waits that sleep()'s whole seconds make slow
 *   raw_call(num, a0)           system call num with a full 64-bit a0 (an
 *                               int argument's upper half set, say)
 *   proc_entry(pid)             pid's proc_list entry, pid 0 if not listed
 *   proc_list_all(),            one list of every process in proc_list_buf;
 *       proc_listed(n, pid)     pid's entry in it
 *   proc_job_foreground(n, pid) in that list, pid leads its own job and its
 *                               parent's setfg(pid) has returned
 *   proc_list_buf, PROC_LIST_MAX   the list it fills, for every process a
 *                               boot may show; a test that counts free
 *                               frames memsets it before its first count
 *   await_state(pid, state, w)  waits (up to ~10 s) until proc_list shows pid
 *                               in state (PROC_INFO_*): a child is blocked
 *                               where the test wants it before it acts
 *   await_own_job()             waits (up to ~10 s) until this process leads
 *                               a job of its own and its parent's
 *                               setfg(pid) has returned
 *
 * The helpers report failures with error(), whose line number is then the
 * helper's; their messages name the call and the path to make up for it.
 */
#ifndef _TEST_TESTLIB_H_
#define _TEST_TESTLIB_H_

#include <lib/test.h>
#include <lib/stdio.h>
#include <lib/string.h>
#include <lib/usyscall.h>
#include <lib/futex.h>
#include <lib/proc-ext.h>
#include <stdbool.h>

#define expect(expr, want)                                                   \
    do {                                                                     \
        long _got = (long)(expr), _want = (long)(want);                      \
        if (_got != _want)                                                   \
            error("%s = %ld, expected %ld", #expr, _got, _want);             \
    } while (0)

/* The time counter (scounteren lets user mode read it): for timeouts and
 * the benchmarks. */
static inline uint64_t rdtime(void)
{
    uint64_t t;
    asm volatile("rdtime %0" : "=r"(t));
    return t;
}
#define TIME_HZ 10000000UL              /* rdtime ticks per second on QEMU virt */

/* Sleeps at least ms milliseconds, and about that long (the kernel sets
 * a timer for the deadline): a futex wait on a word no one wakes. */
static inline void msleep(unsigned int ms)
{
    int word = 0;
    int r = futex(&word, FUTEX_WAIT, 0, ms);
    if (r != ERR_TIMEDOUT)
        error("msleep: futex wait with timeout = %d", r);
}

/* One ecall with a full 64-bit first argument: what the C prototype of a
 * call taking an int could not pass. */
static inline long raw_call(long num, long a0)
{
    register long r_a0 asm("a0") = a0;
    register long r_a7 asm("a7") = num;
    asm volatile("ecall" : "+r"(r_a0) : "r"(r_a7) : "memory");
    return r_a0;
}

#define KERNEL_IMAGE (KMAP_BASE + 0x80200000UL)   /* where OpenSBI loads the kernel */
#define UNMAPPED 0x3000000000UL                    /* user space no region covers */
#define STACK_END(n) ((char *)USTACK_UPPERBOUND - (n))
/* Pointers no call may accept (an array initializer): NULL, kernel
 * addresses, unmapped user memory, the unmapped page at the stack top,
 * the last page of the address space. */
#define BAD_POINTERS {0, KMAP_BASE, KERNEL_IMAGE, UNMAPPED, USTACK_UPPERBOUND, \
                      0xFFFFFFFFFFFFF000UL}

/* ------------------------------------------------------- bad accesses */

enum how { LOAD, STORE, JUMP };

/*
 * Plain C would let the compiler reason about these addresses; asm makes
 * it emit exactly one access: 8 bytes wide at an 8-byte aligned address,
 * else 4 bytes (so no access is misaligned).
 */
static inline void access_address(uintptr_t addr, enum how how)
{
    long v = 0x5a;
    bool wide = (addr & 7) == 0;
    switch (how) {
    case LOAD:
        if (wide)
            asm volatile("ld %0, 0(%1)" : "=r"(v) : "r"(addr) : "memory");
        else
            asm volatile("lw %0, 0(%1)" : "=r"(v) : "r"(addr) : "memory");
        break;
    case STORE:
        if (wide)
            asm volatile("sd %0, 0(%1)" : : "r"(v), "r"(addr) : "memory");
        else
            asm volatile("sw %0, 0(%1)" : : "r"(v), "r"(addr) : "memory");
        break;
    case JUMP:
        asm volatile("jr %0" : : "r"(addr) : "memory");
        break;
    }
}

/* A forked child accesses addr; it must be killed (status -1), the caller not. */
static inline void expect_killed(uintptr_t addr, enum how how, const char *what)
{
    int pid = fork();
    if (pid < 0)
        error("fork = %d", pid);
    if (pid == 0) {
        access_address(addr, how);
        error("%s (%p) did not kill the child", what, (void *)addr);
    }
    int status = 0;
    expect(wait(pid, &status), pid);
    if (status != -1)
        error("%s: child exited with %d, expected -1", what, status);
}

/*
 * The last n bytes of the heap, grown so that the break falls on a page
 * boundary: the byte after them is unmapped, so a buffer there straddles
 * the end of a mapping, and unlike STACK_END it may be written freely.
 */
static inline char *heap_end(size_t n)
{
    uintptr_t brk = (uintptr_t)sbrk(0);
    uintptr_t end = (brk + n + 4095) & ~4095UL;
    if (sbrk((int)(end - brk)) == (void *)ERR_NOMEM)
        error("sbrk(%ld) failed", (long)(end - brk));
    return (char *)end - n;
}

/* ----------------------------------------------------------- children */

/* fork(), or the test fails: the child's pid, or 0 in the child. */
static inline int fork_ok(void)
{
    int pid = fork();
    if (pid < 0)
        error("fork = %d", pid);
    return pid;
}

/* Reaps the child pid, or the test fails; returns its exit status as
 * wait reports it. */
static inline int wait_for(int pid)
{
    int status = 12345;
    int got = wait(pid, &status);
    if (got != pid)
        error("wait(%d) = %d", pid, got);
    return status;
}

/* Forks; the child runs fn and exits with its result. Returns the
 * child's exit status as wait reports it. */
static inline int child_status(int (*fn)(void))
{
    int pid = fork_ok();
    if (pid == 0)
        exit(fn());
    return wait_for(pid);
}

/* Forks a child that runs fn(arg) and exits with 0 (fn reports a failure
 * with error(), which exits with -1); returns the child's pid. */
static inline int fork_worker(void (*fn)(int), int arg)
{
    int pid = fork_ok();
    if (pid == 0) {
        fn(arg);
        exit(0);
    }
    return pid;
}

/* Reaps the child pid, which must have exited with status want. */
static inline void expect_exit(int pid, int want)
{
    int status = wait_for(pid);
    if (status != want)
        error("child %d exited with %d, expected %d", pid, status, want);
}

/* Kills child pid and reaps it: it must exit with -1, as a killed
 * process does (the kill came while it waited or ran, not after it
 * ended). */
static inline void kill_and_reap(int pid)
{
    expect(kill(pid), ERR_OK);
    expect_exit(pid, -1);
}

/* Runs fn in a child, which must exit with 0 (another value names the
 * step that failed). */
static inline void in_child(int (*fn)(void), const char *what)
{
    int status = child_status(fn);
    if (status != 0)
        error("%s: failed in the child (step %d)", what, status);
}

/* In a forked child: fd 0 reads the file in, fd 1 writes the file out
 * (created; a test removes an old one first), ready for exit_with_sh;
 * exits 101 or 102 if either cannot be opened. */
static inline void std_files(const char *in, const char *out)
{
    close(0);                   /* close + open takes the lowest fd: 0, then 1 */
    if (open(in, FS_RDONLY, EMPTY_MODE) != 0)
        exit(101);
    close(1);
    if (open(out, FS_WRONLY | FS_CREAT, EMPTY_MODE) != 1)
        exit(102);
}

/* In a forked child that has set its fds 0 and 1 for a shell: spawns sh
 * (which inherits them), closes its own copies, so that only sh holds the
 * ends of a pipe, waits and exits with sh's status; 103 if sh could not
 * start, 104 if the wait failed. */
static inline void exit_with_sh(void)
{
    int sh = spawn("sh");
    if (sh < 0)
        exit(103);
    close(0);
    close(1);
    int status = -1;
    if (wait(sh, &status) != sh)
        exit(104);
    exit(status);
}

/* -------------------------------------------------------------- files */

static inline int open_ok(const char *path, int flags)
{
    int fd = open(path, flags, EMPTY_MODE);
    if (fd < 0)
        error("open(\"%s\", 0x%x) = %d", path, flags, fd);
    return fd;
}

/* fstat of what path names (opened read-only for the call). */
static inline struct stat stat_of(const char *path)
{
    struct stat st;
    int fd = open_ok(path, FS_RDONLY);
    memset(&st, 0x55, sizeof(st));
    expect(fstat(fd, &st), ERR_OK);
    expect(close(fd), ERR_OK);
    return st;
}

/* Writes all n bytes (looping over short writes). */
static inline void write_all(int fd, const void *buf, size_t n)
{
    for (size_t done = 0; done < n;) {
        ssize_t w = write(fd, (const char *)buf + done, n - done);
        if (w <= 0)
            error("write(fd %d, %ld bytes) = %ld after %ld bytes", fd,
                  (long)(n - done), (long)w, (long)done);
        done += w;
    }
}

/* Reads until n bytes or the end; returns the count. */
static inline size_t read_all(int fd, void *buf, size_t n)
{
    size_t done = 0;
    while (done < n) {
        ssize_t r = read(fd, (char *)buf + done, n - done);
        if (r < 0)
            error("read(fd %d) = %ld after %ld bytes", fd, (long)r, (long)done);
        if (r == 0)
            break;
        done += r;
    }
    return done;
}

/* Removes path if it is there (a file, or else an empty directory). */
static inline void remove_file(const char *path)
{
    int r = unlink(path);
    if (r == ERR_FTYPE)
        r = rmdir(path);
    if (r != ERR_OK && r != ERR_NOTEXIST)
        error("removing \"%s\": %d", path, r);
}

/* Makes path a file holding exactly text (an old file is removed first:
 * open never truncates). */
static inline void make_file(const char *path, const char *text)
{
    remove_file(path);
    int fd = open_ok(path, FS_WRONLY | FS_CREAT);
    write_all(fd, text, strlen(text));
    expect(close(fd), ERR_OK);
}

/* Makes path a file of size bytes, byte i being byte(i) (an old file is
 * removed first). */
static inline void make_file_of(const char *path, size_t size, char (*byte)(size_t i))
{
    char buf[512];
    remove_file(path);
    int fd = open_ok(path, FS_WRONLY | FS_CREAT);
    for (size_t done = 0; done < size;) {
        size_t n = size - done < sizeof(buf) ? size - done : sizeof(buf);
        for (size_t i = 0; i < n; i++)
            buf[i] = byte(done + i);
        write_all(fd, buf, n);
        done += n;
    }
    expect(close(fd), ERR_OK);
}

/* write() of n bytes of data at off of path. There is no lseek: a fresh fd
 * reads its way to off, which must be at most the file's size. */
static inline void write_at(const char *path, size_t off, const void *data, size_t n)
{
    char skip[512];
    int fd = open_ok(path, FS_RDWR);
    for (size_t done = 0; done < off;) {
        size_t m = off - done < sizeof(skip) ? off - done : sizeof(skip);
        if (read_all(fd, skip, m) != m)
            error("write_at(\"%s\", %ld): the file ends before", path, (long)off);
        done += m;
    }
    write_all(fd, data, n);
    expect(close(fd), ERR_OK);
}

/* Reads the whole file at path into buf (at most max - 1 bytes) and
 * NUL-terminates it; returns the size read. */
static inline size_t read_file(const char *path, char *buf, size_t max)
{
    int fd = open_ok(path, FS_RDONLY);
    size_t n = read_all(fd, buf, max - 1);
    buf[n] = '\0';
    expect(close(fd), ERR_OK);
    return n;
}

/* Writes the n bytes at buf to path (created) again and again until the
 * disk is full: the last write may be short, then ERR_NORES (anything
 * else fails the test). Returns the bytes written. One block may stay
 * free: when the file's next block needs an index block too (a new
 * table of the double-indirect block every 1024 blocks), the last block
 * is no use to it. A test that needs every block taken uses
 * fill_disk_last. */
static inline long fill_disk(const char *path, const void *buf, size_t n)
{
    int fd = open_ok(path, FS_RDWR | FS_CREAT);
    long total = 0;
    ssize_t w;
    while ((w = write(fd, buf, n)) > 0)
        total += w;
    if (w != ERR_NORES)
        error("filling %s: write = %ld after %ld bytes", path, (long)w, total);
    expect(close(fd), ERR_OK);
    return total;
}

/* fill_disk(path), then fill_disk(top): a new file's first blocks need no
 * index block, so top takes the block path may leave, and the disk is full
 * to its last block whatever was free before (what the tests before this
 * one in its boot left: a directory one race grew by a block moves
 * fill_disk's stop). Returns path's bytes; the caller removes both. */
static inline long fill_disk_last(const char *path, const char *top, const void *buf, size_t n)
{
    long total = fill_disk(path, buf, n);
    fill_disk(top, buf, n);
    return total;
}

/* The byte at offset off of version round of a file written for a test,
 * which tells blocks, offsets within them and versions apart. */
static inline unsigned char pattern_byte(size_t off, int round)
{
    return (unsigned char)(off ^ (off >> 8) ^ (off >> 16) ^ (round * 0x35));
}

/* Fills p with the n bytes of version round from offset off. */
static inline void pattern_fill(unsigned char *p, size_t off, size_t n, int round)
{
    for (size_t i = 0; i < n; i++)
        p[i] = pattern_byte(off + i, round);
}

/* path must hold exactly size bytes, those of version round (pattern_byte),
 * read n at a time into buf. */
static inline void expect_pattern(const char *path, size_t size, int round, unsigned char *buf,
                                  size_t n)
{
    expect(stat_of(path).size, size);
    int fd = open_ok(path, FS_RDONLY);
    for (size_t off = 0; off < size; off += n) {
        size_t m = size - off < n ? size - off : n;
        expect(read_all(fd, buf, m), m);
        for (size_t i = 0; i < m; i++)
            if (buf[i] != pattern_byte(off + i, round))
                error("%s: byte %ld is %d, not %d of pattern %d", path, (long)(off + i), buf[i],
                      pattern_byte(off + i, round), round);
    }
    expect(read(fd, buf, 1), 0);
    expect(close(fd), ERR_OK);
}

/* Room for every process proc_list may show during a test: the tests
 * before it in a boot leave some (orphans init has yet to reap, a fork
 * bomb's last ones dying), well past a test's own. */
#define PROC_LIST_MAX 512

/* The list proc_entry fills. Its pages are the test's once touched, so
 * a test that compares free frames memsets it before the first count. */
static struct proc_info proc_list_buf[PROC_LIST_MAX] __attribute__((unused));

/* Fills proc_list_buf with one list of every process (the whole list
 * must fit); returns how many. */
static inline int proc_list_all(void)
{
    int n = proc_list(proc_list_buf, PROC_LIST_MAX);
    if (n < 0 || n == PROC_LIST_MAX)
        error("proc_list_all: proc_list = %d", n);
    return n;
}

/* pid's entry (copied) among the n of proc_list_buf, or one with pid 0
 * if it is not there. */
static inline struct proc_info proc_listed(int n, int pid)
{
    for (int i = 0; i < n; i++)
        if (proc_list_buf[i].pid == pid)
            return proc_list_buf[i];
    return (struct proc_info){ 0 };
}

/* pid's proc_list entry (copied), or one with pid 0 if it is not
 * listed. */
static inline struct proc_info proc_entry(int pid)
{
    return proc_listed(proc_list_all(), pid);
}

/* Waits (up to ~10 s) until pid is in state (PROC_INFO_*), polling
 * proc_list: a child has reached the call it blocks in (proc-ext.h's
 * PROC_INFO_SLEEPING) before the test acts on it, with no guessed delay. */
static inline void await_state(int pid, int state, const char *what)
{
    for (int tries = 0; tries < 1000; tries++) {
        if (proc_entry(pid).state == state)
            return;
        msleep(10);
    }
    error("%s: pid %d never reached state %d (now %d)", what, pid, state, proc_entry(pid).state);
}

/* Whether, in the n of proc_list_buf, pid leads a job of its own and
 * its parent's setfg(pid) has returned, so that job is the console's
 * foreground. setfg makes the job first and the foreground after: seen
 * in between, a setfg of the job's own was undone by the parent's (the
 * Ctrl-C meant for console_held's child killed console_held), and a
 * Ctrl-C typed then found no foreground job (console_asleep's sleep ran
 * on); console_keys failed so 2 runs of 40 under load. The parent sleeps
 * only after that setfg has returned (setfg never sleeps): in its wait
 * for pid, or a poll. */
static inline bool proc_job_foreground(int n, int pid)
{
    struct proc_info p = proc_listed(n, pid);
    return p.pid && p.job == pid && proc_listed(n, p.parent).state == PROC_INFO_SLEEPING;
}

/* Waits (up to ~10 s) until this process leads its own job and its
 * parent's setfg(pid) (a shell's for the command it runs, a test's for
 * its child), which may come after it has started running, has returned
 * (proc_job_foreground). */
static inline void await_own_job(void)
{
    int me = getpid();
    for (int tries = 0; tries < 2000; tries++) {
        if (proc_job_foreground(proc_list_all(), me))
            return;
        msleep(5);
    }
    error("the parent never made pid %d the leader of its job", me);
}

#endif /* _TEST_TESTLIB_H_ */
