/*
 * sh: the osv-rv shell.
 *
 * Prints the prompt "$ ", reads a line (the kernel console echoes and
 * edits it; '\n' or '\r' ends it), and runs it:
 *
 *   # comment          blank lines and comments (from a '#' at the start
 *                      or after a space) are skipped
 *   quit               halts the machine (the autograders' way out)
 *   cd DIR             changes directory (no DIR: "/")
 *   cmd args           spawn + wait: the fast path, no fork
 *   a | b | c          a pipeline, of any length that fits in a line
 *   cmd < in > out     redirection ('>' replaces out's contents)
 *   cmd ... &          a background job: not waited for
 *
 * spawn() takes the whole command string and the kernel splits it into
 * argv, so there is no quoting. A spawned program inherits the caller's
 * fds, so pipes and redirection work by arranging fds 0 and 1 in a forked
 * child, which then spawns the command, waits for it and exits with its
 * status. A background job runs under a child that exits at once, so the
 * job is reparented to init, which reaps it.
 *
 * Messages (unknown command: "sh: NAME: command not found"; a program that
 * cannot run, a file that cannot be opened, cd's failures, syntax errors)
 * go to the shell's fd 1 with the error code, and the shell goes on; only
 * a command of a pipeline or with '>' that cannot run is told on its own
 * fd 1 (exec_stage). The shell has fds 0 and 1 only and every command it
 * runs gets just its own 0 and 1, as from osv's init, so a program's first
 * open gets fd 2. A command's exit status is not shown.
 *
 * A line is at most LINE_MAX - 1 bytes; the rest of a longer line is
 * read and dropped. At end of input (e.g. sh < script) the shell exits.
 * The prompt is printed before every line, also when reading a script.
 */
#include <lib/usyscall.h>
#include <lib/stdio.h>
#include <lib/string.h>
#include <lib/stdio-ext.h>
#include <stdbool.h>

#define LINE_MAX 256            /* bytes per command line, NUL included */
#define MAX_WORDS 128
/* Commands in one pipeline: as many as a line can hold ("a|a|..."), so the
 * only limits are the kernel's (processes, pipes), reported when hit. */
#define MAX_STAGES (LINE_MAX / 2)

struct stage {
    char *cmd;                  /* words joined by single spaces: spawn's argument */
    char *in, *out;             /* redirection files, or NULL */
};

static char line[LINE_MAX];
static char wordbuf[3 * LINE_MAX];      /* line with spaces around | < > & */
static char cmdbuf[2 * LINE_MAX];       /* the stages' cmd strings, one after another */
static struct stage stages[MAX_STAGES];
static int nstages;
static bool background;

/* ------------------------------------------------------------ reading */

/* Reads a line into line[]: returns -1 at end of input, else 0. */
static int getcmd(void)
{
    int n = 0;
    bool any = false;
    char c;

    while (read(0, &c, 1) == 1) {
        any = true;
        if (c == '\n' || c == '\r')
            break;
        if (n < LINE_MAX - 1)           /* drop what does not fit */
            line[n++] = c;
    }
    line[n] = '\0';
    return any ? 0 : -1;
}

/* Cuts line[] at a '#' that starts the line or follows a space. */
static void strip_comment(void)
{
    for (int i = 0; line[i]; i++) {
        if (line[i] == '#' && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t')) {
            line[i] = '\0';
            return;
        }
    }
}

/* Splits line[] into words; | < > & are words of their own. Returns the count, -1 if too many. */
static int split(char **words)
{
    char *w = wordbuf;
    char *save;
    int n = 0;

    for (char *p = line; *p; p++) {
        if (*p == '|' || *p == '<' || *p == '>' || *p == '&') {
            *w++ = ' ';
            *w++ = *p;
            *w++ = ' ';
        } else {
            *w++ = (*p == '\t') ? ' ' : *p;
        }
    }
    *w = '\0';
    for (char *t = strtok_r(wordbuf, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
        if (n == MAX_WORDS)
            return -1;
        words[n++] = t;
    }
    return n;
}

static bool is_operator(const char *w)
{
    return w[0] != '\0' && w[1] == '\0' && strchr("|<>&", w[0]) != NULL;
}

static bool syntax_error(const char *why)
{
    printf("sh: syntax error: %s\n", why);
    return false;
}

/* Starts stage s, its cmd string right after the previous stage's. */
static struct stage *new_stage(struct stage *s, char *cmd)
{
    s->cmd = cmd;
    s->cmd[0] = '\0';
    s->in = s->out = NULL;
    return s;
}

/* Fills stages[] and background from words; false (after a message) on a syntax error. */
static bool parse(char **words, int n)
{
    background = n > 0 && strcmp(words[n - 1], "&") == 0;
    if (background)
        n--;
    nstages = 1;
    struct stage *s = new_stage(&stages[0], cmdbuf);
    /* Words and the spaces between them fit in LINE_MAX, plus a NUL a stage. */
    char *end = s->cmd;         /* the NUL ending s->cmd */

    for (int i = 0; i < n; i++) {
        char *w = words[i];
        if (strcmp(w, "|") == 0) {
            if (s->cmd[0] == '\0')
                return syntax_error("empty command before '|'");
            if (nstages == MAX_STAGES)
                return syntax_error("pipeline too long");
            s = new_stage(&stages[nstages++], end + 1);
            end = s->cmd;
        } else if (strcmp(w, "<") == 0 || strcmp(w, ">") == 0) {
            if (i + 1 == n || is_operator(words[i + 1]))
                return syntax_error("missing file name after '<' or '>'");
            if (w[0] == '<')
                s->in = words[++i];
            else
                s->out = words[++i];
        } else if (strcmp(w, "&") == 0) {
            return syntax_error("'&' must end the line");
        } else {
            if (end != s->cmd)
                *end++ = ' ';
            strcpy(end, w);
            end += strlen(w);
        }
    }
    if (s->cmd[0] == '\0')
        return syntax_error("empty command");
    return true;
}

/* ------------------------------------------------------------ running */

/* Tells on fd why spawn(cmd) failed, naming the program (cmd's first word). */
static void report(int fd, const char *cmd, int err)
{
    const char *space = strchr(cmd, ' ');
    int len = space ? (int)(space - cmd) : (int)strlen(cmd);
    if (err == ERR_NOTEXIST)
        fdprintf(fd, "sh: %.*s: command not found\n", len, cmd);
    else
        fdprintf(fd, "sh: %.*s: cannot run (error %d)\n", len, cmd, err);
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

/* '>' replaces the file: an existing non-empty file is removed first. */
static int open_output(const char *path)
{
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

/* Points fd (0 or 1) at path; on failure tells tty and returns the error. */
static int redirect(int fd, const char *path, int tty)
{
    int f = fd == 0 ? open(path, FS_RDONLY, EMPTY_MODE) : open_output(path);
    if (f < 0) {
        fdprintf(tty, "sh: %s: cannot open (error %d)\n", path, f);
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

    if (s->in && redirect(0, s->in, tty) != ERR_OK)
        exit(-1);
    if (s->out && redirect(1, s->out, tty) != ERR_OK)
        exit(-1);
    if (tty != 1)               /* 1 when no fd was free for a copy */
        close(tty);
    int pid = spawn(s->cmd);
    if (pid < 0) {
        report(1, s->cmd, pid);
        exit(pid);
    }
    close(0);                   /* only the command holds its pipe ends now */
    close(1);
    wait(pid, &status);
    exit(status);
}

/* Runs stages[] as a pipeline, a child per stage; returns the last stage's status. */
static int run_pipeline(void)
{
    int pids[MAX_STAGES];
    int started = 0;
    int in = -1;                /* read end of the previous stage's pipe */
    int status = -1;

    for (int i = 0; i < nstages; i++) {
        bool last = i == nstages - 1;
        int p[2];
        if (!last && pipe(p) < 0) {
            printf("sh: cannot make a pipe\n");
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
            printf("sh: fork failed (error %d)\n", pid);
            break;
        }
        pids[started++] = pid;
    }
    if (in >= 0)
        close(in);
    for (int i = 0; i < started; i++)
        wait(pids[i], i == started - 1 ? &status : NULL);
    return status;
}

/* A plain command with no pipe or redirection: spawn and wait, no fork. */
static bool is_plain(void)
{
    return nstages == 1 && stages[0].in == NULL && stages[0].out == NULL;
}

/* Runs the job under a child that exits at once, so init adopts and reaps it. */
static void run_background(void)
{
    int pid = fork();
    if (pid == 0) {
        if (is_plain()) {
            int job = spawn(stages[0].cmd);
            if (job < 0)
                report(1, stages[0].cmd, job);
        } else if (fork() == 0) {
            exit(run_pipeline());
        }
        exit(0);
    }
    if (pid < 0)
        printf("sh: fork failed (error %d)\n", pid);
    else
        wait(pid, NULL);
}

static void run(void)
{
    if (background) {
        run_background();
    } else if (is_plain()) {
        int status;
        int pid = spawn(stages[0].cmd);
        if (pid < 0)
            report(1, stages[0].cmd, pid);
        else
            wait(pid, &status);
    } else {
        run_pipeline();
    }
}

/* quit and cd; returns true if words was a builtin. */
static bool builtin(char **words, int n)
{
    if (strcmp(words[0], "quit") == 0) {
        halt();
        printf("sh: halt failed\n");
        return true;
    }
    if (strcmp(words[0], "cd") == 0) {
        const char *dir = n > 1 ? words[1] : "/";
        int err = n > 2 ? ERR_INVAL : chdir(dir);
        if (n > 2)
            printf("sh: cd: too many arguments\n");
        else if (err == ERR_NOTEXIST)
            printf("sh: cd: %s: no such directory\n", dir);
        else if (err == ERR_FTYPE)
            printf("sh: cd: %s: not a directory (error %d)\n", dir, err);
        else if (err != ERR_OK)
            printf("sh: cd: %s: error %d\n", dir, err);
        return true;
    }
    return false;
}

int main(void)
{
    char *words[MAX_WORDS];

    for (;;) {
        printf("$ ");
        if (getcmd() < 0)
            return 0;           /* end of input */
        strip_comment();
        int n = split(words);
        if (n < 0) {
            printf("sh: too many words\n");
            continue;
        }
        if (n == 0 || builtin(words, n) || !parse(words, n))
            continue;
        run();
    }
}
