/*
 * hostile_pipes: pipes whose ends die, queue up or are asked for nothing,
 * in one quick pass (what pipe_basic, pipe_writers and proc_kill do not
 * reach). Each child is seen asleep in its call (proc_list) before the
 * test acts, so no step depends on a guessed delay.
 *   - zero-length calls: a read of 0 bytes from an empty pipe returns 0
 *     at once (it must not wait for data), a write of 0 bytes returns 0,
 *     also once no one reads, where a write of 1 byte is ERR_END;
 *   - the only reader killed while it waits: the writer's next write is
 *     ERR_END (the kill's exit closed the read end);
 *   - two writers queued, the first blocked on a full pipe and the second
 *     behind it, and the only reader killed: the first returns the page
 *     it got in, the second ERR_END, neither hangs;
 *   - the second of two queued writers killed: the first's bytes all
 *     arrive, in order, and none of the killed one's;
 *   - two readers queued, the first (holding the read side) killed: the
 *     next byte written goes to the second;
 *   - 60 children blocked on one pipe, woken together by its last write
 *     end closing: wait(-1) reaps each once, with its own status.
 * Every frame comes back (pipes, processes), checked at the end.
 */
#include "shmlib.h"

#define PAGE 4096
#define CROWD 60

static char big[3 * PAGE];
static char got[3 * PAGE];

/* The byte at i of what writer w sends. */
static char sent_byte(int w, int i)
{
    return (char)(w * 31 + i * 7 + i / 251);
}

/* A child that reads one byte from fd and exits with it (256 at end of
 * file, 257 on an error). */
static int reader(int fd, int close_fd)
{
    int pid = fork_ok();
    if (pid == 0) {
        unsigned char c;
        close(close_fd);
        long r = read(fd, &c, 1);
        exit(r == 1 ? c : r == 0 ? 256 : 257);
    }
    return pid;
}

/* A child that writes n bytes of writer w's pattern to fd and exits with
 * 1 if all went in, 2 if exactly a page did, 3 for ERR_END, 4 else. */
static int writer(int w, int fd, int close_fd, int n)
{
    int pid = fork_ok();
    if (pid == 0) {
        close(close_fd);
        for (int i = 0; i < n; i++)
            big[i] = sent_byte(w, i);
        long r = write(fd, big, n);
        exit(r == n ? 1 : r == PAGE ? 2 : r == ERR_END ? 3 : 4);
    }
    return pid;
}

static void zero_length(void)
{
    int p[2];
    char c;
    expect(pipe(p), ERR_OK);
    expect(read(p[0], &c, 0), 0);
    expect(write(p[1], &c, 0), 0);
    expect(close(p[0]), ERR_OK);
    expect(write(p[1], &c, 0), 0);
    expect(write(p[1], "x", 1), ERR_END);
    expect(close(p[1]), ERR_OK);
}

static void reader_killed(void)
{
    int p[2];
    expect(pipe(p), ERR_OK);
    int pid = reader(p[0], p[1]);
    expect(close(p[0]), ERR_OK);
    await_state(pid, PROC_INFO_SLEEPING, "reader");
    expect(kill(pid), ERR_OK);
    expect_exit(pid, -1);
    expect(write(p[1], "x", 1), ERR_END);
    expect(close(p[1]), ERR_OK);
}

static void writers_lose_reader(void)
{
    int p[2];
    expect(pipe(p), ERR_OK);
    int sleeper = fork_ok();
    if (sleeper == 0) {
        close(p[1]);
        sleep(30);                     /* holds the read end, never reads */
        exit(0);
    }
    int first = writer(1, p[1], p[0], sizeof(big));
    await_state(first, PROC_INFO_SLEEPING, "first writer (pipe full)");
    int second = writer(2, p[1], p[0], 10);
    await_state(second, PROC_INFO_SLEEPING, "second writer (queued)");
    expect(close(p[0]), ERR_OK);
    expect(close(p[1]), ERR_OK);
    expect(kill(sleeper), ERR_OK);
    expect_exit(sleeper, -1);
    expect_exit(first, 2);
    expect_exit(second, 3);
}

static void queued_writer_killed(void)
{
    int p[2];
    expect(pipe(p), ERR_OK);
    int first = writer(1, p[1], p[0], sizeof(big));
    await_state(first, PROC_INFO_SLEEPING, "first writer (pipe full)");
    int second = writer(2, p[1], p[0], 10);
    await_state(second, PROC_INFO_SLEEPING, "second writer (queued)");
    expect(kill(second), ERR_OK);
    expect_exit(second, -1);
    expect(close(p[1]), ERR_OK);
    expect(read_all(p[0], got, sizeof(got)), sizeof(got));
    for (int i = 0; i < (int)sizeof(got); i++)
        if (got[i] != sent_byte(1, i))
            error("byte %d of the first writer's is 0x%x, expected 0x%x", i, got[i],
                  sent_byte(1, i));
    expect(read(p[0], got, 1), 0);     /* nothing of the killed writer's */
    expect_exit(first, 1);
    expect(close(p[0]), ERR_OK);
}

static void queued_reader_first_killed(void)
{
    int p[2];
    expect(pipe(p), ERR_OK);
    int first = reader(p[0], p[1]);
    await_state(first, PROC_INFO_SLEEPING, "first reader");
    int second = reader(p[0], p[1]);
    await_state(second, PROC_INFO_SLEEPING, "second reader");
    expect(kill(first), ERR_OK);
    expect_exit(first, -1);
    expect(write(p[1], "A", 1), 1);
    expect_exit(second, 'A');
    expect(close(p[0]), ERR_OK);
    expect(close(p[1]), ERR_OK);
}

static void crowd_woken_at_once(void)
{
    int p[2], pids[CROWD];
    bool reaped[CROWD] = { false };
    expect(pipe(p), ERR_OK);
    for (int i = 0; i < CROWD; i++) {
        pids[i] = fork_ok();
        if (pids[i] == 0) {
            char c;
            close(p[1]);
            exit(read(p[0], &c, 1) == 0 ? i + 1 : 0);
        }
    }
    for (int i = 0; i < CROWD; i++)
        await_state(pids[i], PROC_INFO_SLEEPING, "crowd reader");
    expect(close(p[0]), ERR_OK);
    expect(close(p[1]), ERR_OK);       /* the last write end: every reader sees EOF */
    for (int n = 0; n < CROWD; n++) {
        int status = 12345, pid = wait(-1, &status), i = 0;
        while (i < CROWD && pids[i] != pid)
            i++;
        if (i == CROWD || reaped[i] || status != i + 1)
            error("wait(-1) = %d, status %d (after %d reaped)", pid, status, n);
        reaped[i] = true;
    }
    expect(wait(-1, NULL), ERR_CHILD);
}

int main(int argc, char **argv)
{
    (void)argc, (void)argv;
    memset(big, 0, sizeof(big));       /* our own pages, touched before counting */
    memset(got, 0, sizeof(got));
    memset(proc_list_buf, 0, sizeof(proc_list_buf));
    struct usage before = usage_now();
    zero_length();
    reader_killed();
    writers_lose_reader();
    queued_writer_killed();
    queued_reader_first_killed();
    crowd_woken_at_once();
    expect_usage(before, "after the pipes");
    pass("hostile_pipes");
    return 0;
}
