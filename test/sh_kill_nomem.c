/*
 * sh_kill_nomem: a shell can still stop a process that holds every free
 * frame. A hog (a child of the test, out of the shell's Ctrl-C reach, as
 * a background job is) takes all the frames; the shell, started before
 * it on a pipe for its input and another for its output, is sent
 * `kill PID`: the hog must die. No program can be started when no frame
 * is free, so `kill` must be a builtin of the shell: as a program it
 * failed with "sh: kill: cannot run: out of memory" and the hog held the
 * machine's memory until it was rebooted. The shell also still reports a
 * bad pid (`kill 2x`) and refuses `kill 1` with no memory.
 */
// test: mem=16M
#include "vmlib.h"
#include <lib/bench.h>
#include <lib/stdio-ext.h>

static struct channel ready;
static char out[1024];

/* Takes every frame there is (heap pages touched one by one: the last
 * one may need a page-table frame, so it stops short of that) and holds
 * them until killed. */
static void hog(void)
{
    long n = free_pages() - 32;
    char *h = heap_pages(n);
    write_pages(h, n, 1);
    for (long f; (f = free_pages()) > 0;) {
        char *b = sbrk(PAGE);
        if (b == (char *)ERR_NOMEM)
            break;
        if (f == 1 && ((uintptr_t)b & ((1UL << 21) - 1)) == 0)
            break;            /* a new leaf table and the page: two frames */
        *b = 1;
    }
    chan_post(&ready);
    for (;;)
        sleep(100);
}

/* What the shell prints in answer to line (sent to to_sh), up to and
 * including its next prompt, as a string in out. */
static const char *ask(int to_sh, int from_sh, const char *line)
{
    write_all(to_sh, line, strlen(line));
    size_t n = 0;
    while (n < 2 || memcmp(out + n - 2, "$ ", 2) != 0) {
        if (n == sizeof out - 1)
            error("the shell said too much: %s", out);
        ssize_t r = read(from_sh, out + n, 1);
        if (r != 1)
            error("read from the shell = %ld", (long)r);
        out[++n] = '\0';
    }
    return out;
}

/* sh with fd 0 reading in and fd 1 writing out (the child that starts it
 * waits for it). */
static int start_shell(int in, int out_fd)
{
    int pid = fork_ok();
    if (pid == 0) {
        close(0);
        expect(dup(in), 0);
        close(1);
        expect(dup(out_fd), 1);
        for (int fd = 2; fd < 16; fd++)
            close(fd);
        int sh = spawn("sh");
        exit(sh < 0 ? sh : wait_for(sh));
    }
    return pid;
}

int main(void)
{
    int in[2], from[2];
    expect(pipe(in), ERR_OK);
    expect(pipe(from), ERR_OK);
    chan_open(&ready);
    int shell = start_shell(in[0], from[1]);
    close(in[0]);
    close(from[1]);
    /* The shell's first prompt and a builtin: every page its builtins
     * use is touched while frames are still free. */
    char first[3] = { 0 };
    expect(read(from[0], first, 2), 2);
    ask(in[1], from[0], "cd /\n");
    memset(out, 0, sizeof out);
    warm_up_stack();

    int hp = fork_copy();      /* no page shared: this process writes on */
    if (hp < 0)
        error("fork_copy = %d", hp);
    if (hp == 0)
        hog();
    chan_take(&ready);
    long left = free_pages();
    char line[32];
    snprintf(line, sizeof line, "kill %d\n", hp);
    const char *said = ask(in[1], from[0], line);
    if (strcmp(said, "$ ") != 0) {
        kill_and_reap(hp);
        error("with %ld frames free, `%s` printed \"%s\"", left, "kill PID", said);
    }
    expect(wait_for(hp), -1);
    said = ask(in[1], from[0], "kill 2x 1\n");
    if (strcmp(said, "kill: 2x: not a process id\n"
                     "kill: 1: not permitted (init cannot be killed)\n$ ") != 0)
        error("`kill 2x 1` printed \"%s\"", said);
    close(in[1]);
    expect(wait_for(shell), 0);
    close(from[0]);
    chan_close(&ready);
    pass("sh_kill_nomem: the shell killed a hog that left %ld frames free", left);
    return 0;
}
