/*
 * orphans: a process exits leaving 300 children, half of them zombies and
 * half alive; init must adopt and reap all of them.
 *
 * The test forks a middle process, which forks 300 grandchildren: the even
 * ones exit at once, the odd ones block reading a pipe. The middle one
 * waits until every even one has closed its end of a second pipe (so they
 * are exiting or zombies), sends the pid of one live grandchild up, and
 * exits without reaping anyone. The test checks that it can wait only for
 * the middle process (a grandchild is not its child, live or not), then
 * releases the odd ones and waits until every frame they held is back:
 * init reaped them all. 300 is more than the old fixed process table held.
 *
 * Then zombies alone: a second middle process waits until its 20 children
 * are zombies (proc_list, and a little longer, so none is still exiting)
 * and exits. Nothing else exits after it, so only the wakeup that comes
 * with handing zombies to init (proc_exit) gets them reaped: they must be
 * gone from proc_list within 5 s. Without that wakeup they stayed until
 * some later orphan exited, and the first part cannot tell (its live
 * orphans' exits wake init for all).
 */
// test: timeout=60
#include "vmlib.h"

#define NGRAND 300
#define MIDDLE_STATUS 5
#define NZOMBIES 20

static int release[2], exited[2], report[2];

static int middle(void)
{
    int live_pid = 0;
    for (int i = 0; i < NGRAND; i++) {
        int pid = fork();
        if (pid < 0)
            error("grandchild %d: fork = %d", i, pid);
        if (pid == 0) {
            close(release[1]);
            close(exited[0]);
            close(report[1]);
            if (i % 2 == 0)
                exit(0);                   /* closes exited[1] on the way */
            close(exited[1]);
            char c;
            read(release[0], &c, 1);       /* 0 once the test closes its end */
            exit(0);
        }
        if (i % 2 == 1 && !live_pid)
            live_pid = pid;
    }
    close(exited[1]);
    char c;
    expect(read(exited[0], &c, 1), 0);     /* every even grandchild has exited */
    write_all(report[1], &live_pid, sizeof(live_pid));
    return MIDDLE_STATUS;                  /* orphans them all, reaping none */
}

/* The second part's middle: sends up the pids of its children once they
 * are all zombies, then exits without reaping them. */
static int zombies_middle(void)
{
    int pids[NZOMBIES];
    for (int i = 0; i < NZOMBIES; i++) {
        pids[i] = fork_ok();
        if (pids[i] == 0)
            exit(0);
    }
    for (int i = 0; i < NZOMBIES; i++)
        await_state(pids[i], PROC_INFO_ZOMBIE, "grandchild");
    msleep(50);                            /* past the exit's last step: zombies, not exiting */
    write_all(report[1], pids, sizeof(pids));
    return MIDDLE_STATUS;
}

/* Init reaps orphans that are zombies already when their parent exits. */
static void zombies_adopted(void)
{
    expect(pipe(report), 0);
    int pid = fork_ok();
    if (pid == 0)
        exit(zombies_middle());
    close(report[1]);
    int pids[NZOMBIES];
    expect(read_all(report[0], pids, sizeof(pids)), sizeof(pids));
    close(report[0]);
    expect(wait_for(pid), MIDDLE_STATUS);
    for (int i = 0; i < NZOMBIES; i++) {
        int tries = 0;
        while (proc_entry(pids[i]).pid != 0 && ++tries < 1000)
            msleep(10);
        if (tries == 1000)
            error("zombie %d, handed to init, still listed after 10 s", pids[i]);
    }
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    warm_up_stack();                       /* no stack page is allocated after `before` */
    long before = free_pages();
    expect(pipe(release), 0);
    expect(pipe(exited), 0);
    expect(pipe(report), 0);
    int pid = fork();
    if (pid == 0)
        exit(middle());
    expect(pid > 0, 1);
    close(exited[0]);
    close(exited[1]);
    close(report[1]);
    close(release[0]);
    int live_pid = 0;
    expect(read_all(report[0], &live_pid, sizeof(live_pid)), sizeof(live_pid));
    close(report[0]);
    expect(wait_for(pid), MIDDLE_STATUS);
    expect(wait(live_pid, NULL), ERR_CHILD);
    expect(wait(-1, NULL), ERR_CHILD);

    close(release[1]);                     /* the live orphans exit now */
    long now_free = free_pages();
    for (int tries = 0; now_free != before && tries < 2000; tries++) {   /* 20 s at most */
        msleep(10);
        now_free = free_pages();
    }
    if (now_free != before)
        error("%ld frames still held after the orphans exited", before - now_free);
    zombies_adopted();
    pass("orphans: %d adopted by init, and %d zombies", NGRAND, NZOMBIES);
    return 0;
}
