/*
 * getpid_sleep: getpid is positive, stable and unique among live
 * processes; sleep returns (0 and 1 second, in one process and in
 * several children sleeping at once). Durations are not timed: a loaded
 * CI machine makes wall-clock checks flaky.
 */
#include "testlib.h"

#define NCHILD 6

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    int me = getpid();
    assert(me > 1);                 /* 1 is init */
    expect(getpid(), me);

    /* Children sleeping at the same time, each with its own pid, while
     * the parent sleeps too (so the whole test takes 1 s, not 2). */
    int pids[NCHILD];
    for (int i = 0; i < NCHILD; i++) {
        pids[i] = fork();
        if (pids[i] == 0) {
            int p = getpid();
            sleep(1);
            exit(getpid() == p ? p : -2);
        }
        assert(pids[i] > 0);
        assert(pids[i] != me);
        for (int j = 0; j < i; j++)
            if (pids[j] == pids[i])
                error("two live children share pid %d", pids[i]);
    }

    sleep(0);
    expect(getpid(), me);
    sleep(1);
    expect(getpid(), me);

    for (int i = 0; i < NCHILD; i++) {
        int status;
        expect(wait(pids[i], &status), pids[i]);
        expect(status, pids[i]);
    }
    expect(getpid(), me);

    pass("getpid_sleep");
    return 0;
}
