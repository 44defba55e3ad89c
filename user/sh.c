/*
 * sh: the osv-rv shell. `sh` reads commands from fd 0, `sh FILE` from
 * FILE (as `sh < FILE` does).
 *
 * Prints the prompt "$ ", reads a line (the kernel console echoes and
 * edits it, and recalls history with the arrows: '\n' or '\r' ends it),
 * and runs it:
 *
 *   # comment          blank lines and comments (from a '#' that starts
 *                      a word: at the line's start, after a space or
 *                      after an operator) are skipped
 *   quit               halts the machine (the autograders' way out)
 *   exit [N]           leaves this shell with status N (default 0); init
 *                      then starts a new one (a nested sh returns to the
 *                      one that ran it)
 *   cd DIR             changes directory (no DIR: "/")
 *   kill PID...        kills each process named (kill(), lib/proc-ext.h):
 *                      built in so that it works when no frame is left to
 *                      start a program, as when a runaway process holds
 *                      them all (these four are refused in a pipeline or
 *                      in the background: the first three change the
 *                      shell itself); exit, cd and kill give way to a
 *                      program of their name in / (a course's: osv's
 *                      shell has quit alone)
 *   cmd args           spawnv + wait: the fast path, no fork
 *   a | b | c          a pipeline, of any length that fits in a line
 *   cmd < in > out     redirection ('>' replaces out's contents, '>>'
 *                      appends to them)
 *   cmd ... &          a background job: not waited for; its fd 0 reads
 *                      end of input, not the shell's; at the console
 *                      the shell shows a one-command job's pid, [pid N]
 *   a ; b & c          a list: each command in turn, a ';' or the line's
 *                      end waiting for it and a '&' not; a command's
 *                      failure does not stop the rest, but one killed
 *                      (Ctrl-C, kill: status -1) ends the line. The whole
 *                      line is checked first: one syntax error, and none
 *                      of it runs
 *   "a b" 'c d'        quoting: a word may hold spaces and | < > & ; #
 *                      quoted and plain parts of one word join (a"b c"d
 *                      is `ab cd`); a quote cannot hold its own kind, and
 *                      an unterminated one is a syntax error
 *
 * Words go to the kernel one by one (spawnv, lib/proc-ext.h), so a
 * program gets exactly the words typed. A spawned program inherits the
 * caller's fds, so pipes and redirection work by arranging fds 0 and 1 in
 * a forked child, which then spawns the command, waits for it and exits
 * with its status. A background job runs under a child that exits at
 * once, so the job is reparented to init, which reaps it.
 *
 * Jobs and Ctrl-C: each command the shell waits for (a program, or the
 * child running a pipeline or redirection) becomes the console's
 * foreground job (setfg), so Ctrl-C kills it and everything it started,
 * and the shell, which stays out of it, prints its prompt again; between
 * commands there is no foreground job, so Ctrl-C at the prompt just gives
 * a new prompt, and drops the line typed, also the part of it the shell
 * has read already (getcmd). A shell whose input is not the console (sh < script, a
 * pipeline stage) leaves the foreground alone: setfg refuses it.
 *
 * Messages (unknown command: "sh: NAME: command not found"; a program that
 * cannot run, a file that cannot be opened, cd's failures, syntax errors)
 * name the error in words (lib/errstr.h) and go to the shell's fd 1, and
 * the shell goes on; only a command of a pipeline or with a redirection
 * that cannot run is told on its own fd 1 (exec_stage). The shell has fds
 * 0 and 1 only and every command it runs gets just its own 0 and 1, as
 * from osv's init, so a program's first open gets fd 2. A command's exit
 * status is not shown.
 *
 * A line is at most LINE_MAX - 1 (2047) bytes: a longer one is refused
 * whole with a message (never cut and run), unless it is a comment; a
 * command of more than SPAWN_WORDS_MAX (128) words is refused too. At end of
 * input (Ctrl-D at the start of a line, or the end of `sh < script`) the
 * shell exits. The prompt is printed before every line, also when
 * reading a script.
 */
#include <lib/usyscall.h>
#include <lib/stdio.h>
#include <lib/string.h>
#include <lib/stdio-ext.h>
#include <lib/string-ext.h>
#include <lib/errstr.h>
#include <lib/file-ext.h>
#include <lib/proc-ext.h>
#include <lib/futex.h>
#include <stdbool.h>

/* Bytes per command line, NUL included: what the kernel takes for one
 * command (lib/proc-ext.h). A command's words with their NULs never take
 * more bytes than its part of the line and one, so a line carries any
 * command the kernel accepts, and a command of too many words can be
 * typed (and is refused by parse, with the kernel's limit). */
#define LINE_MAX SPAWN_ARGS_MAX
/* Tokens per line: a token takes at least one byte of the line, so every
 * line's tokens fit. */
#define MAX_TOKENS LINE_MAX
/* Commands in one pipeline: as many as a line can hold ("a|a|..."), so the
 * only limits are the kernel's (processes, pipes), reported when hit. */
#define MAX_STAGES (LINE_MAX / 2)
/* The status of a pipeline stage whose command never ran (a redirection or
 * the spawn failed) and of a pipeline cut short (no pipe or fork): like a
 * Unix shell's 127, and never -1, which means killed and ends the line
 * (run). Errors were exit statuses once: a missing file (`cat < nofile;
 * echo after`) ended its line as if killed, and so did ERR_NOMEM, which
 * is -1. */
#define NOT_RUN 127
/* What the console puts at the end of a line that Ctrl-C cancelled after
 * handing its start over; typing never stores it. */
#define CTRL_C '\003'

enum token_type { WORD, PIPE, IN, OUT, APPEND, AMP, SEMI };

struct token {
    enum token_type type;
    char *text;                 /* WORD: the word, quotes removed */
};

struct stage {
    char **argv;                /* NULL-terminated, into argvbuf */
    char *in, *out;             /* redirection files, or NULL */
    bool append;                /* out is '>>' */
};

static char line[LINE_MAX];
static char wordbuf[2 * LINE_MAX];      /* the words, each NUL-terminated */
static struct token tokens[MAX_TOKENS];
static char *argvbuf[MAX_TOKENS + MAX_STAGES];   /* the stages' argvs, one after another */
static struct stage stages[MAX_STAGES];
static int nstages;
static bool background;
/* fd 0 is the console: a person types the lines (setfg allowed it) */
static bool interactive;

/* ------------------------------------------------------------ reading */

enum got { GOT_LINE, GOT_END, GOT_TOO_LONG, GOT_CANCELLED };

/* Reads a line into line[]: GOT_END at end of input, GOT_TOO_LONG if the
 * line was longer than LINE_MAX - 1 bytes (line[] then holds its start),
 * GOT_CANCELLED if the console ended it with a Ctrl-C byte (Ctrl-C on a
 * line whose start was handed over already, longer than the console's
 * buffer or cut by Ctrl-D: include/kernel/console.h), else GOT_LINE. */
static enum got getcmd(void)
{
    int n = 0;
    bool any = false, too_long = false;
    char c;

    while (read(0, &c, 1) == 1) {
        any = true;
        if (c == CTRL_C) {
            line[0] = '\0';
            return GOT_CANCELLED;
        }
        if (c == '\n' || c == '\r')
            break;
        if (n < LINE_MAX - 1)
            line[n++] = c;
        else
            too_long = true;
    }
    line[n] = '\0';
    return !any ? GOT_END : too_long ? GOT_TOO_LONG : GOT_LINE;
}

/* Whether c separates words: a space or a tab. */
static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* Whether line[] (even cut short) is a comment or blank line. */
static bool is_comment(void)
{
    const char *p = line;
    while (is_space(*p))
        p++;
    return *p == '#' || *p == '\0';
}

/* Prints "sh: syntax error: why" and returns false, so a parser step
 * can fail in one statement: return syntax_error("..."). */
static bool syntax_error(const char *why)
{
    printf("sh: syntax error: %s\n", why);
    return false;
}

/* Splits line[] into tokens: words (quotes joined and removed) and the
 * operators | < > >> & and ;. A '#' that starts a word (at the line's
 * start, after a space, or right after an operator: `echo a;# note`,
 * which once ran a command named "#") starts a comment. Returns the
 * count, or -1 after a message. */
static int tokenize(void)
{
    char *w = wordbuf;
    int n = 0;
    const char *p = line;

    for (;;) {
        bool word_start = p == line || is_space(p[-1]) || strchr("|<>&;", p[-1]);
        while (is_space(*p)) {
            p++;
            word_start = true;
        }
        if (*p == '\0' || (*p == '#' && word_start))
            return n;
        struct token *t = &tokens[n++];
        t->text = NULL;
        if (*p == '|' || *p == '<' || *p == '&' || *p == ';') {
            t->type = *p == '|' ? PIPE : *p == '<' ? IN : *p == '&' ? AMP : SEMI;
            p++;
            continue;
        }
        if (*p == '>') {
            t->type = p[1] == '>' ? APPEND : OUT;
            p += p[1] == '>' ? 2 : 1;
            continue;
        }
        t->type = WORD;
        t->text = w;
        while (*p && !is_space(*p) && !strchr("|<>&;", *p)) {
            if (*p == '"' || *p == '\'') {
                const char *close = strchr(p + 1, *p);
                if (close == NULL) {
                    syntax_error("unterminated quote");
                    return -1;
                }
                for (p++; p < close; p++)
                    *w++ = *p;
                p++;
            } else {
                *w++ = *p++;
            }
        }
        *w++ = '\0';
    }
}

/* Starts stage s, its argv at *argv_at. */
static struct stage *new_stage(struct stage *s, char **argv_at)
{
    s->argv = argv_at;
    s->argv[0] = NULL;
    s->in = s->out = NULL;
    s->append = false;
    return s;
}

/* Fills stages[] and background from the command that starts at
 * tokens[*at] and ends at a ';' or '&' (background) or at the end of the
 * n tokens, and moves *at past it; false (after a message) on a syntax
 * error. */
static bool parse(int *at, int n)
{
    background = false;
    nstages = 1;
    char **next = argvbuf;      /* where the current stage's next word goes */
    struct stage *s = new_stage(&stages[0], next);
    int words = 0;

    for (int i = *at; i < n; i++) {
        struct token *t = &tokens[i];
        switch (t->type) {
        case SEMI:
        case AMP:
            if (words == 0)
                return syntax_error(nstages > 1 ? "empty command after '|'"
                                    : t->type == AMP ? "empty command before '&'"
                                                     : "empty command before ';'");
            background = t->type == AMP;
            *at = i + 1;
            return true;
        case PIPE:
            if (words == 0)
                return syntax_error("empty command before '|'");
            if (nstages == MAX_STAGES)
                return syntax_error("pipeline too long");
            s = new_stage(&stages[nstages++], ++next);
            words = 0;
            break;
        case IN:
        case OUT:
        case APPEND:
            if (i + 1 == n || tokens[i + 1].type != WORD)
                return syntax_error("missing file name after '<', '>' or '>>'");
            if (t->type == IN) {
                s->in = tokens[++i].text;
            } else {
                s->out = tokens[++i].text;
                s->append = t->type == APPEND;
            }
            break;
        case WORD:
            if (words == SPAWN_WORDS_MAX) {
                printf("sh: too many words in a command (at most %d)\n", SPAWN_WORDS_MAX);
                return false;
            }
            *next++ = t->text;
            *next = NULL;
            words++;
            break;
        }
    }
    *at = n;
    if (words == 0)
        return syntax_error(nstages > 1 ? "empty command after '|'" : "empty command");
    return true;
}

/* Whether every command of the line's n tokens parses (a line with a
 * syntax error anywhere runs none of its commands). */
static bool parse_line(int n)
{
    for (int at = 0; at < n;)
        if (!parse(&at, n))
            return false;
    return true;
}

/* ------------------------------------------------------------ running */

/* Tells on fd why spawning program failed. The shell gives spawnv no more
 * words or bytes than it takes (the line and word limits), so ERR_INVAL
 * means a file that is no executable (docs/api.md), such as a text file:
 * errstr's "invalid argument" named no fault of what was typed. */
static void report(int fd, const char *program, int err)
{
    if (err == ERR_NOTEXIST)
        fdprintf(fd, "sh: %s: command not found\n", program);
    else if (err == ERR_INVAL)
        fdprintf(fd, "sh: %s: cannot run: not a program\n", program);
    else
        fdprintf(fd, "sh: %s: cannot run: %s\n", program, errstr(err));
}

/* Makes fd `to` refer to what `from` refers to, and closes `from`. */
static int move_fd(int from, int to)
{
    if (from == to)
        return 0;
    close(to);
    int d = dup(from);          /* lowest free fd: `to`, as 0..to-1 are open */
    close(from);
    return d == to ? 0 : -1;
}

/* '>' replaces the file: an existing non-empty file is removed first;
 * '>>' appends (FS_APPEND, lib/file-ext.h). */
static int open_output(const char *path, bool append)
{
    if (append)
        return open(path, FS_WRONLY | FS_CREAT | FS_APPEND, EMPTY_MODE);
    struct stat st;
    int fd = open(path, FS_RDONLY, EMPTY_MODE);
    if (fd >= 0) {
        int err = fstat(fd, &st);
        close(fd);
        if (err == ERR_OK && st.ftype == FTYPE_FILE && st.size > 0)
            unlink(path);
    }
    return open(path, FS_WRONLY | FS_CREAT, EMPTY_MODE);
}

/* Points fd (0 or 1) at the stage's file; on failure tells tty and
 * returns the error. */
static int redirect(int fd, struct stage *s, int tty)
{
    const char *path = fd == 0 ? s->in : s->out;
    int f = fd == 0 ? open(path, FS_RDONLY, EMPTY_MODE) : open_output(path, s->append);
    if (f < 0) {
        fdprintf(tty, "sh: %s: %s\n", path, errstr_file(path, f));
        return f;
    }
    if (move_fd(f, fd) < 0) {
        fdprintf(tty, "sh: %s: cannot redirect\n", path);
        return ERR_NORES;
    }
    return ERR_OK;
}

/*
 * In a forked child whose fds 0 and 1 are already the stage's pipe ends:
 * applies the stage's redirections, spawns its command, waits for it and
 * exits with its status. A redirection's error goes to tty, the shell's own
 * fd 1. tty is closed before the spawn, so that the command gets fds 0 and
 * 1 only, as from init (osv: its first open is 2); a spawn failure is then
 * told on the stage's fd 1, where any program's own error message goes.
 */
static void exec_stage(struct stage *s, int tty)
{
    int status = -1;

    if (s->in && redirect(0, s, tty) != ERR_OK)
        exit(NOT_RUN);
    if (s->out && redirect(1, s, tty) != ERR_OK)
        exit(NOT_RUN);
    if (tty != 1)               /* 1 when no fd was free for a copy */
        close(tty);
    int pid = spawnv(s->argv);
    if (pid < 0) {
        report(1, s->argv[0], pid);
        exit(NOT_RUN);
    }
    close(0);                   /* only the command holds its pipe ends now */
    close(1);
    wait(pid, &status);
    exit(status);
}

/* Runs stages[] as a pipeline, a child per stage; returns the last stage's
 * status, or NOT_RUN if the pipeline was cut short before it. */
static int run_pipeline(void)
{
    int pids[MAX_STAGES];
    int started = 0;
    int in = -1;                /* read end of the previous stage's pipe */
    int status = NOT_RUN;

    for (int i = 0; i < nstages; i++) {
        bool last = i == nstages - 1;
        int p[2];
        int err = last ? ERR_OK : pipe(p);
        if (err < 0) {
            printf("sh: cannot make a pipe: %s\n", errstr(err));
            break;
        }
        int pid = fork();
        if (pid == 0) {
            int tty = dup(1);
            if (tty < 0)
                tty = 1;
            if (in >= 0)
                move_fd(in, 0);
            if (!last) {
                close(p[0]);
                move_fd(p[1], 1);
            }
            exec_stage(&stages[i], tty);
        }
        if (in >= 0)
            close(in);
        in = -1;
        if (!last) {
            close(p[1]);
            in = p[0];
        }
        if (pid < 0) {
            printf("sh: fork failed: %s\n", errstr(pid));
            break;
        }
        pids[started++] = pid;
    }
    if (in >= 0)
        close(in);
    for (int i = 0; i < started; i++)
        wait(pids[i], i == nstages - 1 ? &status : NULL);
    return status;
}

/* A plain command with no pipe or redirection: spawnv and wait, no fork. */
static bool is_plain(void)
{
    return nstages == 1 && stages[0].in == NULL && stages[0].out == NULL;
}

/* Gives the caller a fd 0 that reads end of input at once: the read end of
 * a pipe with no writer, osv-rv's /dev/null. False (told) if no pipe. */
static bool input_at_end(void)
{
    int p[2];
    int err = pipe(p);
    if (err < 0) {
        printf("sh: cannot start in the background: %s\n", errstr(err));
        return false;
    }
    close(p[1]);
    return move_fd(p[0], 0) == 0;
}

/* In the background child, about to exit: starts a job of one command
 * with the command's redirections applied to this process's own fds 0
 * and 1, so that the command is its child (init adopts it) and the job's
 * one process. Returns its pid, 0 if it did not start; the error was
 * told as exec_stage tells it: a redirection's on the shell's fd 1 (this
 * fd 1 until a '>' replaces it), the spawn's on the command's fd 1. */
static int spawn_alone(struct stage *s)
{
    if ((s->in && redirect(0, s, 1) != ERR_OK) || (s->out && redirect(1, s, 1) != ERR_OK))
        return 0;
    int pid = spawnv(s->argv);
    if (pid < 0)
        report(1, s->argv[0], pid);
    return pid > 0 ? pid : 0;
}

/* Runs the job under a child that exits at once, so init adopts and reaps
 * it. The job's fd 0 reads end of input (a '<' still replaces it), as
 * POSIX has a background job read /dev/null: the console's or the
 * script's lines are the shell's, and `cat &` took them. A job of one
 * command is that command's process, whose pid the child exits with, and
 * a shell at the console shows it, `[pid 27]`, as an interactive Unix
 * shell does: the job is out of Ctrl-C's reach, and `kill` needs the
 * pid. A pipeline's stages are processes of their own under a shell
 * that waits for them, which no one pid would stop: none is shown. */
static void run_background(void)
{
    int pid = fork();
    if (pid == 0) {
        if (!input_at_end())
            exit(0);
        if (nstages == 1)
            exit(spawn_alone(&stages[0]));
        if (fork() == 0)
            exit(run_pipeline());
        exit(0);
    }
    int job = 0;
    if (pid < 0)
        printf("sh: fork failed: %s\n", errstr(pid));
    else if (wait(pid, &job) == pid && job > 0 && interactive)
        printf("[pid %d]\n", job);
}

static struct proc_info procs[256];

/* Whether any process of job is still listed (running, exiting or a
 * zombie not yet reaped). */
static bool job_listed(int job)
{
    int n = proc_list(procs, (int)(sizeof(procs) / sizeof(procs[0])));
    for (int i = 0; i < n; i++)
        if (procs[i].job == job)
            return true;
    return false;
}

/* Waits for the job led by pid as the console's foreground job (Ctrl-C
 * kills it), then takes the foreground back; returns its status. A
 * killed job's leader can be reaped before the rest of its job has gone
 * (a pipeline stage's program is its grandchild, left to init): the
 * prompt waits for those too, up to a second, so `ps` right after Ctrl-C
 * no longer shows them. */
static int wait_foreground(int pid)
{
    int status = 0;
    setfg(pid);
    wait(pid, &status);
    setfg(0);
    for (int tries = 0; status == -1 && tries < 200 && job_listed(pid); tries++) {
        int word = 0;
        futex(&word, FUTEX_WAIT, 0, 5);     /* 5 ms */
    }
    return status;
}

/* Runs the parsed command. Returns false if it was killed (status -1:
 * Ctrl-C, or kill), which ends its line: the rest of a list does not run,
 * as a shell's own Ctrl-C would stop it. */
static bool run(void)
{
    int pid;
    if (background) {
        run_background();
        return true;
    }
    if (is_plain()) {
        pid = spawnv(stages[0].argv);
        if (pid < 0) {
            report(1, stages[0].argv[0], pid);
            return true;
        }
    } else {
        pid = fork();           /* the job's leader, which runs the pipeline */
        if (pid == 0)
            exit(run_pipeline());
        if (pid < 0) {
            printf("sh: fork failed: %s\n", errstr(pid));
            return true;
        }
    }
    return wait_foreground(pid) != -1;
}

/* Whether / holds a program (an ELF file) called name. osv's shell has
 * quit as its only builtin, so a course's program named exit, cd or kill
 * ran there when typed, and a grader that types it must get it here too;
 * osv-rv's own disk has none. A file that is no program (`echo > /kill`)
 * leaves the builtin alone, and so does an open that fails for want of
 * memory, when the builtin kill matters most. */
static bool program_in_root(const char *name)
{
    char path[FNAME_LEN + 1];
    snprintf(path, sizeof(path), "/%s", name);
    int fd = open(path, FS_RDONLY, EMPTY_MODE);
    if (fd < 0)
        return false;
    char magic[4];
    bool elf = read(fd, magic, sizeof(magic)) == sizeof(magic) && memcmp(magic, "\177ELF", 4) == 0;
    close(fd);
    return elf;
}

/* Whether name is run by the shell itself rather than spawned: cd, exit
 * and quit act on the shell, and kill must work with no memory left;
 * all but quit give way to a program of their name in / (a course's). */
static bool is_builtin(const char *name)
{
    if (strcmp(name, "quit") == 0)
        return true;
    return (strcmp(name, "exit") == 0 || strcmp(name, "cd") == 0 || strcmp(name, "kill") == 0) &&
           !program_in_root(name);
}

/* kill PID...: kills each process named; a PID is a decimal int, checked
 * (parse_int): "2x" or 4294967298 is not pid 2. Says why for each one
 * that could not be killed. The shell's own code and pages, already
 * there, are all it needs: a `kill` program could not be started once a
 * process holds every free frame. */
static void builtin_kill(int argc, char **argv)
{
    if (argc < 2)
        printf("usage: kill PID...\n");
    for (int i = 1; i < argc; i++) {
        int pid;
        int err = parse_int(argv[i], &pid) ? kill(pid) : ERR_INVAL;
        if (err == ERR_NOTEXIST)
            printf("kill: %s: no such process\n", argv[i]);
        else if (err == ERR_PERM)
            printf("kill: %s: not permitted (init cannot be killed)\n", argv[i]);
        else if (err == ERR_INVAL)
            printf("kill: %s: not a process id\n", argv[i]);
        else if (err != ERR_OK)
            printf("kill: %s: %s\n", argv[i], errstr(err));
    }
}

/* quit, exit and cd, which change the shell itself, and kill, which must
 * not need a new process: alone in their command (a pipeline's stages and
 * a background job run in other processes, where the first three would
 * change nothing, so they are refused there). Returns true if the command
 * was one (run or refused). */
static bool builtin(void)
{
    for (int i = 0; i < nstages; i++) {
        if (is_builtin(stages[i].argv[0]) && (nstages != 1 || background)) {
            printf("sh: %s: not in a pipeline or in the background\n", stages[i].argv[0]);
            return true;
        }
    }
    char **argv = stages[0].argv;
    if (!is_builtin(argv[0]))
        return false;
    int argc = 0;
    while (argv[argc])
        argc++;
    if (strcmp(argv[0], "quit") == 0) {
        halt();
        printf("sh: halt failed\n");
        return true;
    }
    if (strcmp(argv[0], "exit") == 0) {
        int status = 0;
        if (argc > 2)
            printf("sh: exit: too many arguments\n");
        else if (argc == 2 && !parse_int(argv[1], &status))
            printf("sh: exit: %s: not a number\n", argv[1]);
        else
            exit(status);
        return true;
    }
    if (strcmp(argv[0], "kill") == 0) {
        builtin_kill(argc, argv);
        return true;
    }
    if (strcmp(argv[0], "cd") == 0) {
        const char *dir = argc > 1 ? argv[1] : "/";
        int err = argc > 2 ? ERR_INVAL : chdir(dir);
        if (argc > 2)
            printf("sh: cd: too many arguments\n");
        else if (err == ERR_NOTEXIST)
            printf("sh: cd: %s: no such directory\n", dir);
        else if (err == ERR_FTYPE)
            printf("sh: cd: %s: not a directory\n", dir);
        else if (err != ERR_OK)
            printf("sh: cd: %s: %s\n", dir, errstr(err));
        return true;
    }
    return false;
}

/* sh reads its commands from fd 0; `sh FILE` from FILE instead (as
 * `sh < FILE` does). */
int main(int argc, char **argv)
{
    if (argc > 2) {
        printf("usage: sh [script]\n");
        return 1;
    }
    if (argc == 2) {
        struct stat st;
        int fd = open(argv[1], FS_RDONLY, EMPTY_MODE);
        int err = fd < 0 ? fd : ERR_OK;
        if (err == ERR_OK && fstat(fd, &st) == ERR_OK && st.ftype == FTYPE_DIR)
            err = ERR_FTYPE;    /* reading it would fail like an empty script's end */
        if (err == ERR_OK && move_fd(fd, 0) < 0)
            err = ERR_INVAL;
        if (err != ERR_OK) {
            printf("sh: %s: %s\n", argv[1], errstr_file(argv[1], err));
            return 1;
        }
    }
    /* Ctrl-C at this shell's prompt kills nothing; ERR_PERM: fd 0 is not
     * the console (a script) */
    interactive = setfg(0) == ERR_OK;
    for (;;) {
        printf("$ ");
        enum got got = getcmd();
        if (got == GOT_CANCELLED)
            continue;
        if (got == GOT_END) {
            if (interactive)
                printf("\n");  /* Ctrl-D: what comes next starts a line */
            return 0;
        }
        if (is_comment())
            continue;
        if (got == GOT_TOO_LONG) {
            printf("sh: line too long (more than %d bytes): not run\n", LINE_MAX - 1);
            continue;
        }
        int n = tokenize();
        if (n <= 0 || !parse_line(n))
            continue;
        for (int at = 0; at < n;) {
            parse(&at, n);      /* checked by parse_line */
            if (!builtin() && !run())
                break;
        }
    }
}
