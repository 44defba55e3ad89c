/*
 * sh_background_input: a background job started by the shell reads end of
 * input at once from its fd 0, as a job without a terminal does on Unix
 * (POSIX gives it /dev/null), instead of sharing the shell's input: `cat &`
 * at the prompt took the lines typed for the shell.
 *
 * The shell reads its commands from a pipe the test writes. The first line
 * starts this test in the background as "sh_background_input read", which
 * reads fd 0 once and writes what it got to a file; the test then waits
 * (up to 5 s) for that file, writing nothing more into the pipe, so a job
 * that reads the shell's input waits as long: before, it slept in its read
 * and the file never came. Then the shell still gets its next line, and
 * `cat < FILE &` still reads FILE (a redirection beats the default).
 */
#include "testlib.h"
#include <lib/stddef.h>
#include <lib/proc-ext.h>
#include <lib/stdio-ext.h>

#define D "/sh_bgin"
#define POLL_MS 10

/* Run by the shell as "sh_background_input read": one read of fd 0, its
 * result and bytes written to "got". */
static int read_once(void)
{
    char buf[64];
    ssize_t n = read(0, buf, sizeof(buf));
    int fd = open("got", FS_WRONLY | FS_CREAT, EMPTY_MODE);
    if (fd < 0)
        return 1;
    fdprintf(fd, "read %d", (int)n);
    if (n > 0)
        write(fd, buf, n);
    close(fd);
    return 0;
}

/* Starts sh with its fd 0 on the read end of a new pipe and its fd 1 on
 * "out"; returns the pid of the child that waits for it, and the pipe's
 * write end in *in. */
static int start_sh(int *in)
{
    int p[2];
    expect(pipe(p), ERR_OK);
    int pid = fork_ok();
    if (pid == 0) {
        close(p[1]);
        close(0);
        if (dup(p[0]) != 0)
            exit(101);
        close(p[0]);
        close(1);
        if (open("out", FS_WRONLY | FS_CREAT, EMPTY_MODE) != 1)
            exit(102);
        exit_with_sh();
    }
    close(p[0]);
    *in = p[1];
    return pid;
}

/* Waits up to about 5 s for path to hold exactly want. */
static void await_file(const char *path, const char *want)
{
    char buf[64];
    size_t n = 0;
    for (int tries = 0; tries < 5000 / POLL_MS; tries++) {
        int fd = open(path, FS_RDONLY, EMPTY_MODE);
        if (fd >= 0) {
            n = read_all(fd, buf, sizeof(buf) - 1);
            close(fd);
            buf[n] = '\0';
            if (strcmp(buf, want) == 0)
                return;
        }
        msleep(POLL_MS);
    }
    error("%s holds '%s' after 5 s, expected '%s'", path, n ? buf : "", want);
}

static void write_line(int fd, const char *line)
{
    write_all(fd, line, strlen(line));
}

static void cleanup(void)
{
    static const char *names[] = { "got", "out", "in", "copy" };
    for (unsigned i = 0; i < NELEM(names); i++)
        remove_file(names[i]);
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "read") == 0)
        return read_once();

    mkdir(D);                           /* may exist from an earlier run */
    expect(chdir(D), ERR_OK);
    cleanup();
    make_file("in", "from the file\n");
    int in;
    int pid = start_sh(&in);
    write_line(in, "sh_background_input read &\n");
    await_file("got", "read 0");        /* end of input, not the next line */
    write_line(in, "cat < in > copy &\n");
    await_file("copy", "from the file\n");
    write_line(in, "echo after\n");
    close(in);                          /* end of the shell's input: it exits */
    expect(wait_for(pid), 0);
    char out[64];
    read_file("out", out, sizeof(out));
    if (strcmp(out, "$ $ $ after\n$ ") != 0)
        error("sh printed '%s'", out);
    cleanup();
    expect(chdir("/"), ERR_OK);
    expect(rmdir(D), ERR_OK);
    pass("sh_background_input");
    return 0;
}
