/*
 * hostile_lifecycle: pipes and processes pushed to their ends, on a
 * small machine (16 MiB), where earlier tests stop short:
 *   - pipe() with the fd table full and with one fd free: ERR_NOMEM,
 *     no fd and no frame left behind; its fds array straddling the end
 *     of the heap (the second int unmapped): ERR_FAULT, no fd left;
 *   - a process holding both ends of a pipe writes three pages into it
 *     and blocks on itself for ever: a kill ends it (-1);
 *   - wait(-1) with no child (ERR_CHILD); a child that forks a
 *     grandchild and exits: wait(-1) gives the child, the next wait(-1)
 *     is ERR_CHILD (the grandchild is init's now), not a sleep;
 *   - spawnv with an argv array running off the end of the heap (no
 *     NULL before it), and with a word that does: ERR_FAULT, no frame
 *     left;
 *   - a chain of processes, each closing what it inherited, filling its
 *     fd table with pipes, and forking the next, until memory runs out:
 *     the call that fails is ERR_NOMEM (pipe or fork), and once the
 *     chain is released and gone every frame is back;
 *   - a fork storm, children blocked on one pipe until fork fails with
 *     ERR_NOMEM, released by closing it, reaped, every frame back; twice,
 *     and the second storm must reach as many as the first (no pid,
 *     stack slot or kernel object kept by the first).
 */
// test: timeout=120 mem=16M
#include "shmlib.h"

#define PAGE 4096

/* The usage once no frame comes back on its own any more: the frames of
 * a process that has exited return some time after it is gone from the
 * test's view (an orphan such as wait_cases' grandchild is reaped by init
 * when init gets to it; a dead kernel stack returns only after every hart
 * has flushed, vpmap.h). Counted at once, the spawnv step saw 4 frames
 * more after than before in make test (after fork_churn in one boot). */
static struct usage settled_usage(void)
{
    struct usage last = usage_now();
    for (int tries = 0; tries < 100; tries++) {
        msleep(20);
        struct usage now = usage_now();
        if (now.free_pages == last.free_pages)
            return now;
        last = now;
    }
    error("free frames never settled (now %ld)", (long)last.free_pages);
    return last;
}

/* The lowest free fd (dup of 0, closed again). */
static int lowest_free_fd(void)
{
    int fd = dup(0);
    if (fd < 0)
        error("dup(0) = %d", fd);
    close(fd);
    return fd;
}

static int opened[NUM_FILES];

static void pipe_fd_limit(void)
{
    int fds[2];
    int first = lowest_free_fd();
    int *straddle = (int *)heap_end(sizeof(int));   /* grown before the count, */
    memset(opened, 0, sizeof(opened));              /* and touched */
    straddle[0] = -1;
    struct usage before = settled_usage();
    int n = 0;
    for (int fd; (fd = dup(0)) >= 0;)
        opened[n++] = fd;
    expect(pipe(fds), ERR_NOMEM);            /* no fd free */
    close(opened[--n]);
    expect(pipe(fds), ERR_NOMEM);            /* one fd free */
    expect(lowest_free_fd(), opened[n]);     /* and it is still free */
    while (n > 0)
        close(opened[--n]);
    expect(lowest_free_fd(), first);
    expect(pipe(straddle), ERR_FAULT);
    expect(lowest_free_fd(), first);
    expect_usage(before, "pipe at the fd limit");
}

static void blocked_on_itself(void)
{
    static char buf[3 * PAGE];
    int pid = fork_ok();
    if (pid == 0) {
        int p[2];
        if (pipe(p) != ERR_OK)
            exit(2);
        write(p[1], buf, sizeof(buf));       /* never returns: nobody reads */
        exit(3);
    }
    await_state(pid, PROC_INFO_SLEEPING, "writer of its own pipe");
    kill_and_reap(pid);
}

static void wait_cases(void)
{
    expect(wait(-1, NULL), ERR_CHILD);
    int rel[2];
    expect(pipe(rel), ERR_OK);
    int pid = fork_ok();
    if (pid == 0) {
        if (fork() == 0) {                   /* the grandchild: waits for rel */
            char c;
            close(rel[1]);
            exit(read(rel[0], &c, 1) == 0 ? 0 : 1);
        }
        exit(7);
    }
    int status = 0;
    expect(wait(-1, &status), pid);
    expect(status, 7);
    expect(wait(-1, &status), ERR_CHILD);    /* the grandchild is not ours */
    close(rel[0]);
    close(rel[1]);                           /* the grandchild ends; init reaps */
}

static void spawnv_off_the_heap(void)
{
    char **argv = (char **)heap_end(sizeof(char *));
    argv[0] = "hostile_lifecycle";              /* no NULL before the end */
    struct usage before = settled_usage();          /* the heap grown and touched */
    expect(spawnv(argv), ERR_FAULT);
    expect_usage(before, "spawnv of an argv off the heap");
    char *word = heap_end(4);                   /* argv is no longer at the end */
    memcpy(word, "abcd", 4);                    /* no NUL before the end */
    char *words[] = { "hostile_lifecycle", word, NULL };
    before = settled_usage();
    expect(spawnv(words), ERR_FAULT);
    expect_usage(before, "spawnv of a word off the heap");
}

#define LINK_PIPES 60    /* 120 fds, below NUM_FILES */

/* One link of the pipe chain: closes what it inherited but rel0 and
 * rep1, makes LINK_PIPES pipes and forks the next link. The link where
 * memory ran out reports {depth, 1 for pipe or 2 for fork, the error} on
 * rep1; every link then waits for rel0's end of file, reaps its child
 * and exits. */
static void chain_link(int depth, int rel0, int rep1)
{
    int err, pid;
    do {                                     /* a forked child is the next link */
        for (int fd = 0; fd < NUM_FILES; fd++)
            if (fd != rel0 && fd != rep1)
                close(fd);
        int fds[2];
        err = ERR_OK;
        pid = 0;
        for (int i = 0; i < LINK_PIPES && err == ERR_OK; i++)
            err = pipe(fds);
        if (err == ERR_OK && (pid = fork()) == 0)
            depth++;
    } while (err == ERR_OK && pid == 0);
    if (err != ERR_OK || pid < 0) {
        long report[3] = { depth, err != ERR_OK ? 1 : 2, err != ERR_OK ? err : pid };
        write(rep1, report, sizeof(report));
    }
    close(rep1);
    char c;
    read(rel0, &c, 1);
    if (pid > 0 && wait(pid, NULL) != pid)
        exit(1);
    exit(0);
}

static void pipe_chain(void)
{
    struct usage before = settled_usage();
    int rel[2], rep[2];
    expect(pipe(rel), ERR_OK);
    expect(pipe(rep), ERR_OK);
    int pid = fork_ok();
    if (pid == 0) {
        close(rel[1]);
        close(rep[0]);
        chain_link(1, rel[0], rep[1]);
    }
    close(rel[0]);
    close(rep[1]);
    long report[3];
    expect(read_all(rep[0], report, sizeof(report)), sizeof(report));
    printf("pipe chain: %ld links, %s failed with %ld\n", report[0],
           report[1] == 1 ? "pipe" : "fork", report[2]);
    if (report[0] < 3 || report[2] != ERR_NOMEM)
        error("pipe chain ended at link %ld with %ld", report[0], report[2]);
    close(rep[0]);
    close(rel[1]);
    expect_exit(pid, 0);
    expect_usage(before, "pipe chain");
}

#define STORM_MAX 4000

static int storm_pids[STORM_MAX];

/* Forks children blocked on one pipe until fork fails (ERR_NOMEM), then
 * releases and reaps them all; returns how many there were. */
static int fork_storm(void)
{
    struct usage before = settled_usage();
    int rel[2];
    expect(pipe(rel), ERR_OK);
    int n = 0, pid;
    while (n < STORM_MAX && (pid = fork()) >= 0) {
        if (pid == 0) {
            char c;
            close(rel[1]);
            exit(read(rel[0], &c, 1) == 0 ? 5 : 6);
        }
        storm_pids[n++] = pid;
    }
    if (n == STORM_MAX || pid != ERR_NOMEM)
        error("fork storm: %d children, then fork = %d", n, pid);
    close(rel[0]);
    close(rel[1]);
    for (int i = 0; i < n; i++)
        expect_exit(storm_pids[i], 5);
    expect(wait(-1, NULL), ERR_CHILD);
    expect_usage(before, "fork storm");
    return n;
}

int main(void)
{
    memset(proc_list_buf, 0, sizeof(proc_list_buf));   /* touched before any count */
    memset(storm_pids, 0, sizeof(storm_pids));
    pipe_fd_limit();
    blocked_on_itself();
    wait_cases();
    spawnv_off_the_heap();
    pipe_chain();
    int first = fork_storm();
    int second = fork_storm();
    printf("fork storms: %d and %d children\n", first, second);
    if (second < first)
        error("second fork storm: %d children, the first had %d", second, first);
    pipe_chain();
    pass("hostile_lifecycle");
    return 0;
}
