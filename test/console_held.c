/*
 * console_held: the helper of console_keys' "held Ctrl-C" step
 * (test/console_keys.py). It leaves the console's input buffer one byte
 * short of full when a Ctrl-C is held for it, and checks that the empty
 * line that Ctrl-C becomes neither overwrites the input typed before it
 * nor lets the input typed after it in past the buffer's end.
 *
 * It makes a sleeping child the foreground job and prints `held: ready`;
 * the scenario types FLOOD_LINES lines of 1023 bytes in all (nobody
 * reads them: the buffer holds 1 KiB) and a Ctrl-C, which kills the
 * child. Then it prints `held: killed` and the scenario types a second
 * Ctrl-C, which finds the job gone and is held for this process (the
 * last to call setfg) at its place, after the flood; this process calls
 * setfg(0) every 10 ms for a while, as a shell would, which must not
 * turn it into an empty line in the buffer's last free byte. It prints
 * `held: polled`, the scenario types `tail` and Enter, and after a pause
 * it reads: the flood's lines and `tail` must come back, in that order
 * (`tail` may come in two reads: its 't' filled the buffer, read_tail),
 * with one empty line for the Ctrl-C, given by the read after the flood
 * (before `tail` or its last piece). setfg(0) used to put that line in
 * the last byte and leave input running with the
 * buffer full: `tail` went in past its end, over the flood's first line.
 */
// test: helper
#include "testlib.h"
#include <lib/proc-ext.h>
#include <lib/stdio-ext.h>

#define FLOOD_LINES 32          /* the scenario's: 31 of 32 bytes, one of 31 */

static char line[2048];

/* The flood's line i as typed, Enter read as '\n'. */
static void flood_line(char *buf, int i)
{
    int len = i < FLOOD_LINES - 1 ? 31 : 30;
    snprintf(buf, 8, "L%02d", i);
    for (int k = 3; k < len; k++)
        buf[k] = (char)('a' + (i + k) % 26);
    buf[len] = '\n';
    buf[len + 1] = '\0';
}

/* Reads one line from the console. */
static int read_line(const char *what)
{
    int n = read(0, line, sizeof(line) - 1);
    if (n < 0)
        error("%s: read = %d", what, n);
    line[n] = '\0';
    return n;
}

/* Reads one line from the console and checks it is want. */
static void expect_line(const char *want, const char *what)
{
    int n = read_line(what);
    if (strcmp(line, want) != 0)
        error("%s: read \"%s\" (%d bytes), expected \"%s\"", what, line, n, want);
}

/* Reads what comes after the flood: `tail` and Enter, in one read or in
 * two. Typed while the flood filled all but one byte, its 't' filled
 * the buffer and was handed over alone (console.h: the line being typed
 * goes over as it is when the buffer fills); "ail\n" follows once the
 * reads have made room and the UART's handler has taken the rest, and
 * the read of "t" may come first (under load it did). A second Ctrl-C
 * that came after the polling is an empty line for the read that finds
 * the buffer empty: before `tail`, or between its two pieces. */
static void read_tail(void)
{
    const char *want = "tail\n";
    bool empty = false;
    for (;;) {
        read_line("after the flood");
        if (strcmp(line, want) == 0)
            return;
        if (strcmp(line, "\n") == 0 && !empty)
            empty = true;
        else if (strcmp(line, "t") == 0 && want[0] == 't')
            want = "ail\n";
        else
            error("after the flood: read \"%s\", expected \"%s\"", line, want);
    }
}

int main(void)
{
    /* The shell's setfg for us first: a setfg of the child before it
     * would be undone by the shell's, which makes the child part of this
     * job, and the first Ctrl-C would kill both. */
    await_own_job();
    int pid = fork_ok();
    if (pid == 0) {
        sleep(100);
        exit(0);
    }
    expect(setfg(pid), ERR_OK);
    printf("held: ready\n");
    int status = 0;
    expect(wait(pid, &status), pid);
    expect(status, -1);
    printf("held: killed\n");
    for (int i = 0; i < 20; i++) {
        expect(setfg(0), ERR_OK);
        msleep(10);
    }
    printf("held: polled\n");
    msleep(200);
    char want[40];
    for (int i = 0; i < FLOOD_LINES; i++) {
        flood_line(want, i);
        expect_line(want, "a line typed before the Ctrl-C");
    }
    read_tail();
    pass("console_held");
    return 0;
}
