/*
 * proc_jobs: the process list, jobs and spawnv (lib/proc-ext.h).
 *
 * proc_list: pid order, init (parent 0, job 1) and this process (running)
 * listed, a sleeping child and a zombie child shown as such, max 0 and a
 * short buffer, ERR_INVAL and ERR_FAULT. setfg: a child and what it has
 * already started become one job (its pid), and what they start later
 * joins it; ERR_INVAL, ERR_CHILD (init, ourselves, a grandchild), and
 * ERR_PERM once fd 0 is not the console. spawnv: the words arrive exactly
 * (spaces inside, an empty word, a word of separators alone), and
 * ERR_INVAL (no word), ERR_FAULT, ERR_NOTEXIST; its limits are tested
 * with spawn's, in spawn_args.
 */
// test: timeout=60
#include "testlib.h"
#include <lib/stddef.h>
#include <lib/proc-ext.h>

static struct proc_info procs[128];

/* pid's entry in the last list taken (n entries), or one with pid 0. */
static struct proc_info listed(int n, int pid)
{
    for (int i = 0; i < n; i++)
        if (procs[i].pid == pid)
            return procs[i];
    return (struct proc_info){ 0 };
}

static void sleeper(int seconds)
{
    sleep(seconds);
}

/* Forks a grandchild (sleeping), waits until the test has made it a job
 * (setfg), forks another. */
static void family(int arg)
{
    (void)arg;
    fork_worker(sleeper, 100);
    await_own_job();
    fork_worker(sleeper, 100);
    sleep(100);
}

static void list(void)
{
    int n = proc_list(procs, (int)NELEM(procs));
    assert(n >= 2);
    for (int i = 1; i < n; i++)
        if (procs[i].pid <= procs[i - 1].pid)
            error("proc_list is not in pid order at %d", i);
    expect(procs[0].pid, 1);
    expect(procs[0].parent, 0);
    expect(procs[0].job, 1);
    expect(strcmp(procs[0].name, "init"), 0);
    struct proc_info me = proc_entry(getpid());
    expect(me.state, PROC_INFO_RUNNING);
    expect(strcmp(me.name, "proc_jobs"), 0);

    int pid = fork_worker(sleeper, 100);
    await_state(pid, PROC_INFO_SLEEPING, "sleeping child");
    /* One list for both: the shell makes us a job (setfg) only after
     * spawning us, and may do it at any moment, moving the child along. */
    n = proc_list(procs, (int)NELEM(procs));
    assert(n > 0 && n < (int)NELEM(procs));
    struct proc_info c = listed(n, pid);
    expect(c.parent, getpid());
    expect(c.job, listed(n, getpid()).job); /* a child joins its parent's job */
    expect(kill(pid), ERR_OK);
    await_state(pid, PROC_INFO_ZOMBIE, "exited child");
    expect_exit(pid, -1);
    expect(proc_entry(pid).pid, 0);              /* reaped: gone */

    expect(proc_list(procs, 0), 0);
    expect(proc_list(procs, 1), 1);
    expect(procs[0].pid, 1);
    expect(proc_list(procs, -1), ERR_INVAL);
    expect(proc_list(NULL, 4), ERR_FAULT);
    expect(proc_list((struct proc_info *)KERNEL_IMAGE, 4), ERR_FAULT);
}

static void jobs(void)
{
    expect(setfg(-1), ERR_INVAL);
    expect(setfg(1), ERR_CHILD);
    expect(setfg(getpid()), ERR_CHILD);
    int pid = fork_worker(family, 0);
    int n = 0, first = 0;
    for (int tries = 0; tries < 1000 && first == 0; tries++, msleep(10)) {
        n = proc_list(procs, (int)NELEM(procs));
        for (int i = 0; i < n; i++)
            if (procs[i].parent == pid)
                first = procs[i].pid;
    }
    assert(first != 0);
    expect(setfg(first), ERR_CHILD);        /* a grandchild */
    expect(setfg(pid), ERR_OK);
    expect(proc_entry(pid).job, pid);
    expect(proc_entry(first).job, pid);          /* started before: moved along */
    int later = 0;
    for (int tries = 0; tries < 1000 && later == 0; tries++, msleep(10)) {
        n = proc_list(procs, (int)NELEM(procs));
        for (int i = 0; i < n; i++)
            if (procs[i].parent == pid && procs[i].pid != first)
                later = procs[i].pid;
    }
    assert(later != 0);
    expect(proc_entry(later).job, pid);          /* started after: inherits */
    expect(proc_entry(getpid()).job != pid, 1);  /* we stay out */
    expect(setfg(0), ERR_OK);
    expect(kill(first), ERR_OK);
    expect(kill(later), ERR_OK);
    expect(kill(pid), ERR_OK);
    expect_exit(pid, -1);

    /* fd 0 a file: no say over the console's foreground. */
    int console = dup(0);
    assert(console >= 0);
    expect(close(0), ERR_OK);
    expect(open("/smallfile", FS_RDONLY, EMPTY_MODE), 0);
    expect(setfg(0), ERR_PERM);
    expect(close(0), ERR_OK);
    expect(dup(console), 0);
    expect(close(console), ERR_OK);
    expect(setfg(0), ERR_OK);
}

/* Spawned by spawnv below: checks its words, exits with their count. */
static int words(int argc, char **argv)
{
    if (strcmp(argv[2], "a  b") != 0 || strcmp(argv[3], "") != 0 ||
        (argc > 4 && strcmp(argv[4], " \t ") != 0))
        return 100;
    return argc;
}

/* spawnv's words arrive as given (its limits are spawn_args'). */
static void spawnv_words(void)
{
    char *three[] = { "proc_jobs", "words", "a  b", "", NULL };
    int pid = spawnv(three);
    assert(pid > 0);
    expect_exit(pid, 4);
    char *seps[] = { "proc_jobs", "words", "a  b", "", " \t ", NULL };
    pid = spawnv(seps);
    assert(pid > 0);
    expect_exit(pid, 5);

    char *none[] = { NULL };
    expect(spawnv(none), ERR_INVAL);
    expect(spawnv(NULL), ERR_FAULT);
    char *bad[] = { "proc_jobs", (char *)KERNEL_IMAGE, NULL };
    expect(spawnv(bad), ERR_FAULT);
    char *missing[] = { "no such program", NULL };
    expect(spawnv(missing), ERR_NOTEXIST);
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "words") == 0)
        return words(argc, argv);
    list();
    jobs();
    spawnv_words();
    pass("proc_jobs");
    return 0;
}
