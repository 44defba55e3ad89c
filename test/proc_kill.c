/*
 * proc_kill: kill() ends a process wherever it waits or runs, and the
 * killed process exits with -1 (its parent's wait sees -1), leaving
 * nothing behind.
 *
 * A child is forked into each kind of wait and killed once proc_list shows
 * it asleep: reading the console, reading an empty pipe, writing a full
 * pipe, waiting for its own child, sleep(), a futex wait with no timeout,
 * shm_lock on a lock the parent holds; and one looping in user mode (no
 * system call at all). Each must exit with -1 at once (the waits would
 * otherwise last ~forever). Also: a pipe reader queued behind another; a child killing itself; a process that
 * forks without end and all its descendants (each killed as seen);
 * kill's errors (ERR_INVAL for pid <= 0, ERR_PERM for init, ERR_NOTEXIST
 * for a zombie, whose status stays its own, and for an unused pid); a kill
 * racing the child's exit is either ERR_OK with status -1 or ERR_NOTEXIST
 * with the child's own status (seen: ERR_OK and 5, found by the fuzzer). The
 * free-frame count is back where it started (the runner checks it too).
 */
// test: timeout=60
#include "testlib.h"
#include <lib/stddef.h>
#include <lib/proc-ext.h>
#include <lib/shm.h>

#define REGION "proc_kill"

/* The pid of a child of parent, once one is listed (up to ~10 s). */
static int child_of(int parent)
{
    for (int tries = 0; tries < 1000; tries++) {
        int n = proc_list(proc_list_buf, PROC_LIST_MAX);
        for (int i = 0; i < n; i++)
            if (proc_list_buf[i].parent == parent)
                return proc_list_buf[i].pid;
        msleep(10);
    }
    error("no child of %d showed up", parent);
    return -1;
}

static int pipe_fds[2];
static int futex_word;

static void in_console_read(int arg)
{
    char c;
    (void)arg;
    read(0, &c, 1);
}

static void in_pipe_read(int arg)
{
    char c;
    (void)arg;
    close(pipe_fds[1]);
    read(pipe_fds[0], &c, 1);
}

static void in_pipe_write(int arg)
{
    static char big[64 * 1024];
    (void)arg;
    close(pipe_fds[0]);
    write(pipe_fds[1], big, sizeof(big));
}

static void in_wait(int arg)
{
    (void)arg;
    int pid = fork();
    if (pid == 0) {
        sleep(1000);
        exit(0);
    }
    wait(pid, NULL);
}

static void in_sleep(int arg)
{
    (void)arg;
    sleep(1000);
}

static void in_futex(int arg)
{
    (void)arg;
    futex(&futex_word, FUTEX_WAIT, 0, 0);
}

static void in_shm_lock(int arg)
{
    (void)arg;
    shm_lock(REGION);
}

static void in_user_loop(int arg)
{
    volatile unsigned long n = 0;
    (void)arg;
    for (;;)
        n++;
}

static const struct {
    const char *what;
    void (*fn)(int);
    bool uses_pipe;
    int state;                  /* what the child is seen in before the kill */
} sleepers[] = {
    {"console read", in_console_read, false, PROC_INFO_SLEEPING},
    {"pipe read", in_pipe_read, true, PROC_INFO_SLEEPING},
    {"pipe write", in_pipe_write, true, PROC_INFO_SLEEPING},
    {"wait", in_wait, false, PROC_INFO_SLEEPING},
    {"sleep", in_sleep, false, PROC_INFO_SLEEPING},
    {"futex wait", in_futex, false, PROC_INFO_SLEEPING},
    {"shm_lock", in_shm_lock, false, PROC_INFO_SLEEPING},
    {"user loop", in_user_loop, false, 0},
};

static void kill_sleepers(void)
{
    void *view;
    expect(shm_create(REGION, 4096, RS_DEFAULT), ERR_OK);
    expect(shm_map(REGION, &view, SHM_READ | SHM_WRITE), ERR_OK);
    expect(shm_lock(REGION), ERR_OK);
    for (unsigned i = 0; i < NELEM(sleepers); i++) {
        if (sleepers[i].uses_pipe)
            expect(pipe(pipe_fds), ERR_OK);
        int pid = fork_worker(sleepers[i].fn, 0);
        if (sleepers[i].uses_pipe) {
            close(pipe_fds[sleepers[i].fn == in_pipe_read ? 0 : 1]);
        }
        if (sleepers[i].state)
            await_state(pid, sleepers[i].state, sleepers[i].what);
        else
            msleep(50);
        int grandchild = sleepers[i].fn == in_wait ? child_of(pid) : 0;
        if (grandchild)
            await_state(grandchild, PROC_INFO_SLEEPING, "wait's child");
        expect(kill(pid), ERR_OK);
        int status = 12345;
        expect(wait(pid, &status), pid);
        if (status != -1)
            error("%s: the killed child exited with %d, expected -1", sleepers[i].what, status);
        if (grandchild)                 /* an orphan now: init reaps it */
            expect(kill(grandchild), ERR_OK);
        if (sleepers[i].uses_pipe)
            close(pipe_fds[sleepers[i].fn == in_pipe_read ? 1 : 0]);
    }
    expect(shm_unlock(REGION), ERR_OK);
    expect(shm_unmap(REGION, view), ERR_OK);
    expect(shm_destroy(REGION), ERR_OK);
}

/* Two readers of one empty pipe: the first waits for data holding the
 * pipe's read side, the second waits for the first. Killing the second
 * first must not wait for the first. */
static void kill_queued_reader(void)
{
    expect(pipe(pipe_fds), ERR_OK);
    int first = fork_worker(in_pipe_read, 0);
    await_state(first, PROC_INFO_SLEEPING, "first pipe reader");
    int second = fork_worker(in_pipe_read, 0);
    await_state(second, PROC_INFO_SLEEPING, "second pipe reader");
    expect(close(pipe_fds[0]), ERR_OK);
    expect(kill(second), ERR_OK);
    expect_exit(second, -1);
    expect(kill(first), ERR_OK);
    expect_exit(first, -1);
    expect(close(pipe_fds[1]), ERR_OK);
}

static int kill_self(void)
{
    kill(getpid());
    return 5;                           /* never reached: the call does not come back */
}

/* Forks without end, each child doing the same: all must die. */
static void forker(int arg)
{
    (void)arg;
    for (;;) {
        int pid = fork();
        if (pid == 0)
            continue;
        if (pid > 0)
            sleep(1000);
        msleep(5);
    }
}

static void kill_forker(void)
{
    int pid = fork_worker(forker, 0);
    msleep(100);
    expect(kill(pid), ERR_OK);
    expect_exit(pid, -1);
    /* Its descendants are init's now; kill each one seen until none is
     * left (each forks again until it is killed). */
    for (int round = 0; round < 1000; round++) {
        int n = proc_list(proc_list_buf, PROC_LIST_MAX), left = 0;
        for (int i = 0; i < n; i++)
            if (strcmp(proc_list_buf[i].name, "proc_kill") == 0 && proc_list_buf[i].pid != getpid() &&
                proc_list_buf[i].state != PROC_INFO_ZOMBIE) {
                kill(proc_list_buf[i].pid);
                left++;
            }
        if (left == 0)
            return;
        msleep(10);
    }
    error("the forker's descendants were never all killed");
}

/* kill racing the child's own exit: a kill that returned ERR_OK was
 * made before the child exited, so its status must be -1; a kill that
 * came too late says ERR_NOTEXIST and the status stays the child's own.
 * Killing at once after fork also hits a child not yet in user mode,
 * which must not run its code first. Returns how many kills hit. */
static int kill_racing_exit(void)
{
    int hits = 0;
    for (int i = 0; i < 300; i++) {
        int pid = fork();
        if (pid == 0)
            exit(5);
        assert(pid > 0);
        int r = kill(pid);
        int status = 0;
        expect(wait(pid, &status), pid);
        if (r == ERR_OK) {
            hits++;
            if (status != -1)
                error("kill(%d) = ERR_OK but the child exited with %d, not -1", pid, status);
        } else if (r != ERR_NOTEXIST || status != 5) {
            error("a late kill(%d) = %d, status %d: expected ERR_NOTEXIST and 5", pid, r, status);
        }
    }
    return hits;
}

static void errors(void)
{
    expect(kill(0), ERR_INVAL);
    expect(kill(-1), ERR_INVAL);
    expect(kill(1), ERR_PERM);
    expect(kill(0x7ffffff0), ERR_NOTEXIST);
    int pid = fork();
    if (pid == 0)
        exit(7);
    await_state(pid, PROC_INFO_ZOMBIE, "exiting child");
    expect(kill(pid), ERR_NOTEXIST);
    expect_exit(pid, 7);
    expect(kill(pid), ERR_NOTEXIST);
}

int main(void)
{
    struct sys_info before, after;
    memset(proc_list_buf, 0, sizeof(proc_list_buf));   /* our own pages, touched before counting */
    info(&before);

    kill_sleepers();
    kill_queued_reader();

    if (child_status(kill_self) != -1)
        error("a child that killed itself did not exit with -1");

    kill_forker();
    errors();
    int hits = kill_racing_exit();

    for (int i = 0; i < 200; i++) {     /* init reaps the orphans */
        info(&after);
        if (after.free_pages == before.free_pages)
            break;
        msleep(10);
    }
    expect(after.free_pages, before.free_pages);
    pass("proc_kill: %d kinds of wait, a self-kill, a forker's job, the errors, "
         "%d of 300 kills racing exit", (int)NELEM(sleepers), hits);
    return 0;
}
