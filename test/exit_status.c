/*
 * exit_status: the parent sees exactly the int a child exited with.
 *
 * osv keeps the whole int (no Unix 8-bit truncation), so 0, 1, 255, 256,
 * -1, large and extreme values must all come back unchanged through wait,
 * whether the child called exit() or returned from main, and whether it
 * was made by fork or by spawn (which passes the value as an argument).
 */
#include "testlib.h"
#include <lib/stdio-ext.h>
#include <lib/stddef.h>
#include <lib/string-ext.h>

static const int values[] = {
    0, 1, 2, 42, 127, 128, 255, 256, 257, 1000, 65535, 65536,
    123456789, 0x7fffffff, -1, -2, -128, -255, -256, -100000,
    (int)0x80000000,
};

/* The status a spawned child is told to exit with (lib/string-ext.h). */
static int status_arg(const char *s)
{
    int v;
    if (!parse_int(s, &v))
        error("bad number %s", s);
    return v;
}

int main(int argc, char **argv)
{
    /* Spawned modes: "exit_status exit N" and "exit_status return N". */
    if (argc == 3 && strcmp(argv[1], "exit") == 0)
        exit(status_arg(argv[2]));
    if (argc == 3 && strcmp(argv[1], "return") == 0)
        return status_arg(argv[2]);
    if (argc != 1)
        error("unexpected arguments");

    for (size_t i = 0; i < NELEM(values); i++) {
        int v = values[i];
        int status;

        /* fork + exit(v) */
        int pid = fork();
        if (pid == 0)
            exit(v);
        assert(pid > 0);
        status = 0x13579;
        expect(wait(pid, &status), pid);
        if (status != v)
            error("fork child exit(%d): parent saw %d", v, status);

        /* fork + return v from main */
        pid = fork();
        if (pid == 0)
            return v;
        assert(pid > 0);
        status = 0x13579;
        expect(wait(-1, &status), pid);
        if (status != v)
            error("fork child returning %d from main: parent saw %d", v, status);

        /* spawn, both ways */
        char cmd[64];
        snprintf(cmd, sizeof(cmd), "exit_status %s %d", (i & 1) ? "exit" : "return", v);
        pid = spawn(cmd);
        if (pid <= 0)
            error("spawn(\"%s\") = %d", cmd, pid);
        status = 0x13579;
        expect(wait(pid, &status), pid);
        if (status != v)
            error("spawn(\"%s\"): parent saw %d", cmd, status);
    }
    expect(wait(-1, NULL), ERR_CHILD);

    pass("exit_status");
    return 0;
}
