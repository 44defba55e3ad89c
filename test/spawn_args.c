/*
 * spawn_args: spawn starts a program as a child and passes it its words.
 *
 * The test spawns itself in "check" mode with various command lines; the
 * child verifies argc, argv[0] (the program word as given), each argument
 * and argv[argc] == NULL, and reports through its exit status, which the
 * parent compares. Then the errors: a program that does not exist is
 * ERR_NOTEXIST, as is a path longer than a path may be (255 bytes, though
 * the words may be longer); a NULL, kernel, unmapped or unterminated
 * (running off the end of the stack) string is ERR_FAULT; a file that is
 * not a program, a directory or an empty line fails without harm.
 *
 * The limits (lib/proc-ext.h), for spawn and spawnv alike: osv's 128 words
 * (its PROC_MAX_ARG) of SPAWN_ARGS_MAX bytes in all run, the child seeing
 * every word and byte; one word or one byte more is ERR_INVAL, whole (no
 * word dropped), with no child made and no frame kept. For spawn the bytes
 * are its string's, separators and terminator included: a string of
 * separators alone names no program (ERR_NOTEXIST) until it is too long.
 */
#include "vmlib.h"
#include <lib/proc-ext.h>
#include <lib/stddef.h>
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

/* The one character of word i (i >= 2) in "fill" mode. */
static char fill_char(int i)
{
    return (char)('A' + i % 26);
}

/*
 * Child mode: argv = [NAME, "fill", words of fill_char(i) only]. Exits
 * with argc * 10000 + the bytes of its words with their terminators.
 */
static int fill_mode(int argc, char **argv)
{
    if (argv[argc] != NULL)
        error("child: argv[%d] is not NULL", argc);
    int bytes = 0;
    for (int i = 0; i < argc; i++) {
        for (const char *s = argv[i]; i >= 2 && *s; s++)
            if (*s != fill_char(i))
                error("child: argv[%d] = '%s'", i, argv[i]);
        bytes += strlen(argv[i]) + 1;
    }
    return argc * 10000 + bytes;
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
static char line[SPAWN_ARGS_MAX + 100];
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

/* fill mode's words: n of them (NAME, "fill", then n - 2 words of
 * fill_char) taking bytes in all with their terminators, spread as evenly
 * as can be (each fill word at least one byte long), in fillv
 * (NULL-terminated, for spawnv) and in line (joined by single spaces, for
 * spawn: its bytes with the terminator are the same). */
static char *fillv[SPAWN_WORDS_MAX + 2];
static char fillbytes[SPAWN_ARGS_MAX + 100];

static void fill_words(int n, int bytes)
{
    fillv[0] = NAME;
    fillv[1] = "fill";
    int rest = bytes - (int)sizeof(NAME) - (int)sizeof("fill");
    if (n < 3 || n > (int)NELEM(fillv) - 1 || rest < 2 * (n - 2) ||
        rest > (int)sizeof(fillbytes))
        error("fill_words(%d, %d): no such words", n, bytes);
    char *b = fillbytes;
    for (int i = 2; i < n; i++) {
        int size = rest / (n - 2) + (i - 2 < rest % (n - 2));
        fillv[i] = b;
        memset(b, fill_char(i), size - 1);
        b[size - 1] = '\0';
        b += size;
    }
    fillv[n] = NULL;
    line[0] = '\0';
    for (int i = 0; i < n; i++) {
        if (i > 0)
            strcat(line, " ");
        strcat(line, fillv[i]);
    }
    if ((int)strlen(line) + 1 != bytes)
        error("fill_words(%d, %d): a line of %d bytes", n, bytes, (int)strlen(line) + 1);
}

/* spawn and spawnv of fill_words(n, bytes): both run and see n words and
 * bytes bytes, or both fail with ERR_INVAL (want_ok false). */
static void fill_both(int n, int bytes, bool want_ok)
{
    fill_words(n, bytes);
    if (want_ok) {
        expect(run(line), n * 10000 + bytes);
        int pid = spawnv(fillv);
        if (pid <= 0)
            error("spawnv of %d words, %d bytes = %d", n, bytes, pid);
        expect_exit(pid, n * 10000 + bytes);
    } else {
        expect(spawn(line), ERR_INVAL);
        expect(spawnv(fillv), ERR_INVAL);
    }
}

/* At and past the limits: osv's 128 words, SPAWN_ARGS_MAX bytes. */
static void limits(void)
{
    fill_both(128, SPAWN_ARGS_MAX, true);       /* both limits at once */
    fill_both(128, 400, true);
    fill_both(3, SPAWN_ARGS_MAX, true);         /* one long word */
    fill_both(SPAWN_WORDS_MAX, SPAWN_ARGS_MAX, true);

    /* One word or byte too many: refused whole, no child made, no frame
     * kept. A string of separators alone is too long past the limit. */
    static char seps[SPAWN_ARGS_MAX + 1];
    memset(seps, '\t', SPAWN_ARGS_MAX);
    long frames = free_pages();
    fill_both(SPAWN_WORDS_MAX + 1, 600, false);
    fill_both(SPAWN_WORDS_MAX + 1, SPAWN_ARGS_MAX, false);
    fill_both(128, SPAWN_ARGS_MAX + 1, false);
    fill_both(3, SPAWN_ARGS_MAX + 1, false);
    fill_both(3, SPAWN_ARGS_MAX + 50, false);
    expect(spawn(seps), ERR_INVAL);
    expect(free_pages(), frames);
    expect(wait(-1, NULL), ERR_CHILD);

    /* spawn's bytes are its string's, separators and all; words of them
     * it has none. 128 words between runs of spaces and tabs (ahead and
     * after too) run as 128. */
    char spread[SPAWN_ARGS_MAX];
    fill_words(128, 400);
    strcpy(spread, " \t ");
    char *save;
    for (char *w = strtok_r(line, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
        strcat(spread, w);
        strcat(spread, "  \t");
    }
    expect(run(spread), 128 * 10000 + 400);
    /* A string at the limit, mostly separators, and one of them alone
     * (no word: no program). */
    fill_words(3, 40);
    memset(spread, ' ', SPAWN_ARGS_MAX - 1);
    spread[SPAWN_ARGS_MAX - 1] = '\0';
    spread[100] = '\t';
    memcpy(spread + 300, line, strlen(line));
    expect(run(spread), 3 * 10000 + 40);
    seps[SPAWN_ARGS_MAX - 1] = '\0';
    expect(spawn(seps), ERR_NOTEXIST);
    expect(wait(-1, NULL), ERR_CHILD);
}

/* The program word is a path, whose limit (255 bytes) stays though the
 * words may now be longer: a 255-byte path to echo runs it, a 256-byte
 * one names no program (ERR_NOTEXIST, as a name spawn cannot find; it
 * used to run), by spawn and by spawnv. */
static void long_paths(void)
{
    static char path[300], cmd[310];
    for (int slashes = 251; slashes <= 252; slashes++) {
        memset(path, '/', slashes);
        strcpy(path + slashes, "echo");
        strcpy(cmd, path);
        strcat(cmd, " a");
        char *argv[] = { path, "a", NULL };
        if (strlen(path) == 255) {
            expect(run(cmd), 2);
            int pid = spawnv(argv);
            if (pid <= 0)
                error("spawnv of a 255-byte path = %d", pid);
            expect_exit(pid, 2);
        } else {
            expect(spawn(cmd), ERR_NOTEXIST);
            expect(spawnv(argv), ERR_NOTEXIST);
        }
    }
    expect(wait(-1, NULL), ERR_CHILD);
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "check") == 0)
        return check_mode(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "fill") == 0)
        return fill_mode(argc, argv);
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
    long_paths();

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

    limits();

    pass("spawn_args");
    return 0;
}
