/*
 * spawn_args: spawn starts a program as a child and passes it its words.
 *
 * The test spawns itself in "check" mode with various command lines; the
 * child verifies argc, argv[0] (the program word as given), each argument
 * and argv[argc] == NULL, and reports through its exit status, which the
 * parent compares. Then the errors: a program that does not exist is
 * ERR_NOTEXIST; a NULL, kernel, unmapped or unterminated (running off the
 * end of the stack) string is ERR_FAULT; a file that is not a program, a
 * directory or an empty line fails without harm.
 */
#include "testlib.h"
#include <lib/string-ext.h>

#define NAME "spawn_args"

/*
 * Child mode: argv = [NAME or /NAME, "check", "a", "aa", "aaa", ...].
 * Exits with argc * 2 + (1 if argv[0] started with '/').
 */
static int check_mode(int argc, char **argv)
{
    if (strcmp(argv[0], NAME) != 0 && strcmp(argv[0], "/" NAME) != 0)
        error("child: argv[0] = '%s'", argv[0]);
    if (argv[argc] != NULL)
        error("child: argv[%d] is not NULL", argc);
    for (int i = 2; i < argc; i++) {
        int len = i - 1;
        if ((int)strlen(argv[i]) != len)
            error("child: argv[%d] = '%s', expected %d a's", i, argv[i], len);
        for (int j = 0; j < len; j++)
            if (argv[i][j] != 'a')
                error("child: argv[%d] = '%s'", i, argv[i]);
    }
    return argc * 2 + (argv[0][0] == '/');
}

/* Spawns args, waits for it and returns its exit status. */
static int run(const char *args)
{
    int pid = spawn(args);
    if (pid <= 0)
        error("spawn(\"%s\") = %d", args, pid);
    int status = 0x5a5a;
    int got = wait(pid, &status);
    if (got != pid)
        error("wait(%d) = %d after spawn(\"%s\")", pid, got, args);
    return status;
}

/* A command line of n argument words "a", "aa", ... */
static char line[512];
static const char *words(const char *prog, int n)
{
    strcpy(line, prog);
    strcat(line, " check");
    for (int i = 1; i <= n; i++) {
        char *p = line + strlen(line);
        *p++ = ' ';
        for (int j = 0; j < i; j++)
            *p++ = 'a';
        *p = '\0';
    }
    return line;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "check") == 0)
        return check_mode(argc, argv);
    if (argc != 1)
        error("argc = %d for a plain run", argc);

    /* argv as given: looked up as given, then under '/'. */
    expect(run(NAME " check"), 2 * 2);
    expect(run("/" NAME " check"), 2 * 2 + 1);
    expect(run(NAME " check a"), 3 * 2);
    expect(run(words(NAME, 3)), 5 * 2);
    expect(run(words("/" NAME, 18)), 20 * 2 + 1);
    /* Repeated and trailing spaces separate words; they are not words. */
    expect(run(NAME "  check   a  aa "), 4 * 2);

    /* Another program, with arguments, found under '/': echo exits with
     * its argument count, argc. */
    expect(run("echo spawn_args: echo runs"), 4);

    /* Several spawned children at once, reaped with wait(-1). */
    int pids[6];
    for (int i = 0; i < 6; i++) {
        pids[i] = spawn(words(NAME, i));
        assert(pids[i] > 0);
    }
    for (int n = 0; n < 6; n++) {
        int status, pid = wait(-1, &status);
        int i;
        for (i = 0; i < 6; i++)
            if (pids[i] == pid)
                break;
        if (i == 6)
            error("wait(-1) = %d, not one of the spawned pids", pid);
        expect(status, (i + 2) * 2);
        pids[i] = -100;
    }
    expect(wait(-1, NULL), ERR_CHILD);

    /* Programs that do not exist. */
    expect(spawn("no_such_program"), ERR_NOTEXIST);
    expect(spawn("/no_such_program"), ERR_NOTEXIST);
    expect(spawn("no_such_program with args"), ERR_NOTEXIST);
    expect(spawn("/no/such/dir/prog"), ERR_NOTEXIST);

    /* Bad pointers. */
    expect(spawn(NULL), ERR_FAULT);
    expect(spawn((const char *)KMAP_BASE), ERR_FAULT);
    expect(spawn((const char *)KERNEL_IMAGE), ERR_FAULT);
    expect(spawn((const char *)UNMAPPED), ERR_FAULT);
    expect(spawn((const char *)USTACK_UPPERBOUND), ERR_FAULT);
    expect(spawn((const char *)0xFFFFFFFFFFFFFFF0UL), ERR_FAULT);
    /* A string with no terminator before the end of the stack mapping
     * (in a child, whose top-of-stack bytes we may scribble on). */
    int pid = fork();
    if (pid == 0) {
        char *p = STACK_END(4);
        memcpy(p, "echo", 4);           /* no NUL: the next byte is unmapped */
        int r = spawn(p);
        exit(r == ERR_FAULT ? 0 : 1);
    }
    int status;
    expect(wait(pid, &status), pid);
    if (status != 0)
        error("spawn of an unterminated string at the stack top was not ERR_FAULT");

    /* Not programs: fail, with no child left behind. */
    assert(spawn("README") < 0);
    assert(spawn("/smallfile") < 0);
    assert(spawn("/") < 0);
    assert(spawn("") < 0);
    assert(spawn("   ") < 0);
    expect(wait(-1, NULL), ERR_CHILD);

    pass("spawn_args");
    return 0;
}
