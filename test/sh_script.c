/*
 * sh_script: the shell run on script files, its output compared exactly.
 *
 * For each case the test writes a script, runs /sh with the script as fd 0
 * and a fresh output file as fd 1 and nothing else open, as init starts it
 * (error messages go to fd 1 too: osv programs have no fd 2 until they
 * open something), waits for it (sh exits at the end of its input) and
 * compares the output file with the expected text. The shell prints its "$ " prompt
 * before reading every line, also from a script, so the expected texts
 * hold one "$ " per script line and a last one at the end of input.
 *
 * test: timeout=90
 *
 * Covered: plain commands; pipelines of length 2, 3, 4 and 20; '<' and
 * '>' (also without spaces, also in a pipeline, '>' replacing a longer
 * file, `cat < f > f` keeping f's contents); '>>' (creating,
 * appending, in a pipeline, its errors); cat and grep refusing a file
 * that is their own output (`cat f >> f`, `cat < f >> f`, `grep a f >>
 * f`: each looped until the disk was full), as GNU's do, but not an
 * empty one; quoting
 * ("..." and '...', spaces and operators inside, joined parts, an empty
 * word, file names with spaces, unterminated quotes); a line over the
 * limit (2047 bytes) refused whole (a comment that long is not), one at
 * the limit run; a command of 128 words (spawnv's most) and of 129 (too
 * many); exit (with a status, too
 * many arguments, not a number, nothing after it runs); builtins refused
 * in a pipeline or in the background; `sh FILE` running FILE (and its
 * errors); a killed command (status -1, as after Ctrl-C) ending its line
 * but not a background one; cat's message when its input cannot be read;
 * the shm command creating and destroying regions, and its errors;
 * a directory read as a file (cat, wc, grep, '<', '>', sh FILE) named
 * "is a directory", a path through a file (`/smallfile/x`, `/README/`)
 * "not a directory", where both said "wrong file type";
 * cd (relative, absolute, none = "/", errors) and ls inside the new
 * directory; grep, wc, mkdir, rm and ln with their error messages, which
 * name the error in words ("no such file"; mkdir, rm and ln add its code,
 * "(error -5)"); init refusing to run when typed (it is not pid 1); kill
 * and sleep refusing a number that is not all digits or past an int (atoi
 * made `kill 4294967297` aim at pid 1 and `sleep 4294967296` sleep 0 s),
 * shm a size that wraps;
 * comments, blank lines, a '#' inside a word; the messages for an unknown
 * command, a file that is no program (`/README`: "not a program", where
 * it said "invalid argument"), a missing input file and syntax errors,
 * and where they go in a
 * pipeline or with '>' (the stage's fd 1); nothing shown for a non-zero
 * exit status (echo exits with its argc); a command's first open is fd 2
 * whether it runs alone, redirected or in a pipeline; lists with ';'
 * (builtins among them, a failing command not stopping the rest, a
 * trailing ';', ';' quoted, a comment after one, and syntax errors
 * anywhere in the line running none of it; a command whose redirection
 * fails and a pipeline cut short for want of a pipe are no kill: the rest
 * of the line runs); and '&', also between two
 * commands: the shell does
 * not wait for a background job (the job here waits for a file the test
 * creates only after the shell has exited), the job still runs to its end,
 * and it is not left to the test as a child (init reaps it; the runner's
 * free-page check sees one that is never reaped). Not covered: `quit`,
 * which powers the machine off (the runner uses it at the end of a boot).
 */
#include "testlib.h"
#include <lib/stddef.h>
#include <lib/proc-ext.h>

#define D "/sh_t"
#define WORDS "apple\nbanana\ncherry\nbandana\n"      /* 4 lines, 28 bytes */
#define X10 "xxxxxxxxxx"
#define X100 X10 X10 X10 X10 X10 X10 X10 X10 X10 X10
#define X1000 X100 X100 X100 X100 X100 X100 X100 X100 X100 X100
/* " 1 2 ... 127": echo and these make a command of 128 words, the most
 * spawnv takes (SPAWN_WORDS_MAX); " 128" more is too many. */
#define TENS(d) " " d "0 " d "1 " d "2 " d "3 " d "4 " d "5 " d "6 " d "7 " d "8 " d "9"
#define ARGS127 " 1 2 3 4 5 6 7 8 9" TENS("1") TENS("2") TENS("3") TENS("4") TENS("5") \
    TENS("6") TENS("7") TENS("8") TENS("9") TENS("10") TENS("11") " 120 121 122 123 124 125 126 127"
#define POLL_MS 10                  /* between looks for a background job's file */

static const struct {
    const char *name, *script, *want;
} cases[] = {
    {"plain commands and pipelines",
     "echo hello   world\n"
     "cat words\n"
     "cat words | grep an\n"
     "cat words | grep an | wc\n"
     "cat words | grep an | grep d | wc\n"
     "cat words | grep zzz | wc\n"
     "cat words | cat | cat | cat | cat | cat | cat | cat | cat | cat | cat | cat | "
     "cat | cat | cat | cat | cat | cat | cat | wc\n",
     "$ hello world\n"
     "$ " WORDS
     "$ banana\nbandana\n"
     "$ 2 2 15\n"
     "$ 1 1 8\n"
     "$ 0 0 0\n"
     "$ 4 4 28\n"
     "$ "},
    {"redirection",
     "echo one two three > o1\n"
     "cat o1\n"
     "wc < words\n"
     "grep an < words > o2\n"
     "cat o2\n"
     "echo short > o1\n"
     "cat o1\n"
     "cat < words | grep e > o3\n"
     "cat o3\n"
     "echo a>o4\n"
     "cat<o4\n"
     "cat < o4 > o4\n"                   /* reads the old o4, writes a new one */
     "cat o4\n"
     "wc o1 o2\n"
     "cat < nofile\n"
     "ln o4 o5\n"
     "rm o1 o2 o3 o4\n"
     "cat o5\n"
     "rm o5\n"
     "cat o5\n",
     "$ "
     "$ one two three\n"
     "$ 4 4 28\n"
     "$ "
     "$ banana\nbandana\n"
     "$ "
     "$ short\n"
     "$ "
     "$ apple\ncherry\n"
     "$ "
     "$ a\n"
     "$ "
     "$ a\n"
     "$ 1 1 6 o1\n2 2 15 o2\n3 3 21 total\n"
     "$ sh: nofile: no such file\n"
     "$ "
     "$ "
     "$ a\n"
     "$ "
     "$ cat: o5: no such file\n"
     "$ "},
    {"cat onto its own input",
     "echo abc > same\n"
     "cat same >> same\n"
     "cat < same >> same\n"
     "cat words same >> same\n"
     "cat same\n"
     "cat same > same\n"                 /* '>' makes a new, empty same first */
     "wc same\n"
     "rm same\n",
     "$ "
     "$ "
     "$ "
     "$ "
     "$ abc\ncat: same: input file is output file\ncat: input file is output file\n"
     WORDS "cat: same: input file is output file\n"
     "$ "
     "$ 0 0 0 same\n"
     "$ "
     "$ "},
    {"grep onto its own input",
     "echo abc > same\n"
     "grep b same >> same\n"
     "grep b < same >> same\n"
     "grep an words same >> same\n"
     "cat same\n"
     "rm same\n",
     "$ "
     "$ "
     "$ "
     "$ "
     "$ abc\ngrep: same: input file is also the output\ngrep: input file is also the output\n"
     "words:banana\nwords:bandana\ngrep: same: input file is also the output\n"
     "$ "
     "$ "},
    {"cd",
     "mkdir sub\n"
     "cd sub\n"
     "echo x > f\n"
     "ls\n"
     "cd ..\n"
     "cat sub/f\n"
     "cd /sh_t/sub\n"
     "cat f\n"
     "cd\n"
     "cat smallfile\n"
     "cd sh_t\n"
     "cd nowhere\n"
     "cd words\n"
     "cd a b\n"
     "rm sub/f\n"
     "rm -d sub\n"
     "ls sub\n",
     "$ "
     "$ "
     "$ "
     "$ f                           f 2\n"
     "$ "
     "$ x\n"
     "$ "
     "$ x\n"
     "$ "
     "$ aaaaaaaaaabbbbbbbbbbccccc\n"
     "$ "
     "$ sh: cd: nowhere: no such directory\n"
     "$ sh: cd: words: not a directory\n"
     "$ sh: cd: too many arguments\n"
     "$ "
     "$ "
     "$ ls: sub: no such file\n"
     "$ "},
    {"the programs' other uses and their errors",
     "grep aaaa /largefile | wc\n"
     "wc /largefile\n"
     "grep b /smallfile words\n"
     "grep x nofile\n"
     "mkdir d1 d1/d2\n"
     "mkdir d1\n"
     "mkdir no/d\n"
     "rm d1\n"
     "rm -d d1\n"
     "rm -d d1/d2 d1\n"
     "rm nofile\n"
     "rm words/ /smallfile/x\n"
     "rm -d words/\n"
     "ln words x/\n"
     "ln nofile x\n"
     "ln words /nodir/x\n"
     "ln words words\n"
     "rm /\n"
     "init\n"
     "kill 4294967297 2x -\n"
     "sleep 4294967296\n"
     "sleep 1x\n",
     "$ 1 1 20481\n"
     "$ 0 1 20480 /largefile\n"
     "$ /smallfile:aaaaaaaaaabbbbbbbbbbccccc\nwords:banana\nwords:bandana\n"
     "$ grep: nofile: no such file\n"
     "$ "
     "$ mkdir: d1: already exists (error -4)\n"
     "$ mkdir: no/d: no such parent directory (error -5)\n"
     "$ rm: d1: is a directory (error -7; rm -d removes an empty one)\n"
     "$ rm: d1: directory not empty (error -9)\n"
     "$ "
     "$ rm: nofile: no such file (error -5)\n"
     "$ rm: words/: not a directory (error -7)\nrm: /smallfile/x: not a directory (error -7)\n"
     "$ rm: words/: not a directory (error -7)\n"
     "$ ln: words -> x/: a directory, a path through a file, or a file's name ending in '/' "
     "(error -7)\n"
     "$ ln: nofile: no such file (error -5)\n"
     "$ ln: /nodir/x: no such directory (error -5)\n"
     "$ ln: words: already exists (error -4)\n"
     "$ rm: /: cannot remove: invalid argument (error -13)\n"
     "$ init: not pid 1: the system's init is already running (sh starts another shell)\n"
     "$ kill: 4294967297: not a process id\nkill: 2x: not a process id\nkill: -: not a process id\n"
     "$ usage: sleep SECONDS\n"
     "$ usage: sleep SECONDS\n"
     "$ "},
    {"comments, blank lines, errors",
     "# a comment line\n"
     "\n"
     "   \n"
     "echo a # a comment after a command\n"
     "echo a;# a comment right after ';'\n"
     "echo a#b\n"
     "   # indented comment\n"
     "nosuchcmd with args\n"
     "/README\n"
     "| wc\n"
     "cat words >\n"
     "echo a && echo b\n"
     "&\n"
     "echo last",                          /* no newline at the very end */
     "$ "
     "$ "
     "$ "
     "$ a\n"
     "$ a\n"
     "$ a#b\n"
     "$ "
     "$ sh: nosuchcmd: command not found\n"
     "$ sh: /README: cannot run: not a program\n"
     "$ sh: syntax error: empty command before '|'\n"
     "$ sh: syntax error: missing file name after '<', '>' or '>>'\n"
     "$ sh: syntax error: empty command before '&'\n"
     "$ sh: syntax error: empty command before '&'\n"
     "$ last\n"
     "$ "},
    {"fds: a command's first open, and where errors go",
     "sh_script firstfd\n"
     "sh_script firstfd < words > o6\n"
     "cat o6\n"
     "echo x | sh_script firstfd | cat\n"
     "nosuchcmd | wc\n"
     "nosuchcmd > o7\n"
     "cat o7\n"
     "cat nofile | wc\n"
     "rm o6 o7\n",
     "$ first open 2\n"
     "$ "
     "$ first open 2\n"
     "$ first open 2\n"
     "$ 1 5 33\n"
     "$ "
     "$ sh: nosuchcmd: command not found\n"
     "$ 1 5 26\n"
     "$ "
     "$ "},
    {"lists: ';' and '&' between commands",
     "echo a; echo b\n"
     "echo a ;echo b ; \n"
     "echo 'a;b' \"c;d\" e;nosuchcmd; echo after\n"
     "mkdir l1; cd l1; echo x > f; cat f; rm f; cd ..; rm -d l1; cat l1/f\n"
     "cd /nodir; echo still\n"
     "echo a; # a comment\n"
     "; echo x\n"
     "echo x ;; echo y\n"
     "echo x; echo y |; echo z\n"
     "echo x; echo y >; echo z\n"
     "echo x; cat words | grep zzz | wc; echo y > o10; cat o10; rm o10\n"
     "cat < nofile; echo a; echo x > /nodir/f; echo b; nosuchcmd > o10; echo c\n"
     "wc < nofile | cat; echo d; cat words | wc > /; echo e; rm o10\n",
     "$ a\nb\n"
     "$ a\nb\n"
     "$ a;b c;d e\nsh: nosuchcmd: command not found\nafter\n"
     "$ x\ncat: l1/f: no such file\n"
     "$ sh: cd: /nodir: no such directory\nstill\n"
     "$ a\n"
     "$ sh: syntax error: empty command before ';'\n"
     "$ sh: syntax error: empty command before ';'\n"
     "$ sh: syntax error: empty command after '|'\n"
     "$ sh: syntax error: missing file name after '<', '>' or '>>'\n"
     "$ x\n0 0 0\ny\n"
     "$ sh: nofile: no such file\na\nsh: /nodir/f: no such file\nb\nc\n"
     "$ sh: nofile: no such file\nd\nsh: /: is a directory\ne\n"
     "$ "},
    {"shm: create, destroy, their errors",
     "shm create sh_t1 10k\n"
     "shm create sh_t1 4k\n"
     "shm destroy sh_t1\n"
     "shm destroy sh_t1\n"
     "shm create sh_t2 8k rdonly noinherit\n"
     "shm destroy sh_t2\n"
     "shm create sh_t2 0\n"
     "shm create sh_t2 18446744073709551617\n"
     "shm create sh_t2 4k bogus\n"
     "shm frob\n",
     "$ shm: created sh_t1, 10240 bytes (12288 in whole pages)\n"
     "$ shm: cannot create sh_t1: already exists (error -4)\n"
     "$ shm: destroyed sh_t1\n"
     "$ shm: cannot destroy sh_t1: no such region (error -5)\n"
     "$ shm: created sh_t2, 8192 bytes\n"
     "$ shm: destroyed sh_t2\n"
     "$ shm: bad size 0\n"
     "$ shm: bad size 18446744073709551617\n"
     "$ shm: unknown flag bogus\n"
     "$ usage: shm | shm create NAME SIZE [noinherit|rdonly]... | shm destroy NAME\n"
     "$ "},
    {"quoting",
     "echo \"a  b\"   'c | d' e\"f g\"h\n"
     "echo '#not a comment' \"x>y\" 'a&b' \"it's\"\n"
     "echo \"\" end\n"
     "echo \"a  b\" > 'o 8'\n"
     "cat \"o 8\"\n"
     "grep \"a  b\" 'o 8' | wc\n"
     "echo \"unterminated\n"
     "echo 'unterminated \"x\"\n"
     "rm 'o 8'\n",
     "$ a  b c | d ef gh\n"
     "$ #not a comment x>y a&b it's\n"
     "$  end\n"
     "$ "
     "$ a  b\n"
     "$ 1 2 5\n"
     "$ sh: syntax error: unterminated quote\n"
     "$ sh: syntax error: unterminated quote\n"
     "$ "
     "$ "},
    {"'>>' appends",
     "echo x >> o8\n"
     "echo y>>o8\n"
     "cat o8\n"
     "echo z > o8\n"
     "echo w >> o8 | wc\n"
     "cat o8\n"
     "cat < o8 >> o9\n"
     "cat o8 | cat >> o9\n"
     "cat o9\n"
     "cat nofile >> o9\n"
     "wc o9\n"
     "echo x >>\n"
     "echo x >> /nodir/f\n"
     "echo x >> /\n"
     "rm o8 o9\n",
     "$ "
     "$ "
     "$ x\ny\n"
     "$ "
     "$ 0 0 0\n"
     "$ z\nw\n"
     "$ "
     "$ "
     "$ z\nw\nz\nw\n"
     "$ "
     "$ 5 9 34 o9\n"
     "$ sh: syntax error: missing file name after '<', '>' or '>>'\n"
     "$ sh: /nodir/f: no such file\n"
     "$ sh: /: is a directory\n"
     "$ "
     "$ "},
    {"long lines, too many words, exit",
     "echo " X1000 X1000 X100 "\n"
     "# a long comment " X1000 X1000 X100 "\n"
     "   #" X1000 X1000 X100 "\n"
     "echo " X1000 X1000 "x23456789012345678901234567890123456789012\n"
     "echo" ARGS127 "\n"
     "echo" ARGS127 " 128\n"
     "sh_t\n"
     "exit 1 2\n"
     "exit abc\n"
     "exit 99999999999\n"
     "exit 3x\n"
     "exit\n"
     "echo not reached\n",
     "$ sh: line too long (more than 2047 bytes): not run\n"
     "$ "
     "$ "
     "$ " X1000 X1000 "x23456789012345678901234567890123456789012\n"
     "$" ARGS127 "\n"
     "$ sh: too many words in a command (at most 128)\n"
     "$ sh: sh_t: command not found\n"
     "$ sh: exit: too many arguments\n"
     "$ sh: exit: abc: not a number\n"
     "$ sh: exit: 99999999999: not a number\n"
     "$ sh: exit: 3x: not a number\n"
     "$ "},
    {"builtins in pipelines, sh FILE, a killed command ending its line",
     "cd / | cat\n"
     "echo x | exit\n"
     "cd / &\n"
     "ls |\n"
     "echo x |; echo y\n"
     "echo echo inner > s2\n"
     "sh s2; echo after\n"
     "sh nofile\n"
     "sh /\n"
     "sh s2 s2\n"
     "echo a; sh_script killself; echo not reached\n"
     "echo b; sh_script killself & echo still\n"
     "mkdir d9; cat < d9; rm -d d9\n"
     "rm s2\n",
     "$ sh: cd: not in a pipeline or in the background\n"
     "$ sh: exit: not in a pipeline or in the background\n"
     "$ sh: cd: not in a pipeline or in the background\n"
     "$ sh: syntax error: empty command after '|'\n"
     "$ sh: syntax error: empty command after '|'\n"
     "$ "
     "$ $ inner\n$ after\n"
     "$ sh: nofile: no such file\n"
     "$ sh: /: is a directory\n"
     "$ usage: sh [script]\n"
     "$ a\n"
     "$ b\nstill\n"
     "$ cat: cannot read the input: is a directory\n"
     "$ "
     "$ "},
    {"a directory read as a file, a file used as a directory",
     "cat /\n"
     "wc /\n"
     "grep a /\n"
     "cat /smallfile/x\n"
     "wc /README/\n"
     "ls /smallfile/x\n"
     "echo x > /smallfile/x\n"
     "sh /smallfile/x\n",
     "$ cat: /: cannot read: is a directory\n"
     "$ wc: /: cannot read: is a directory\n"
     "$ grep: /: cannot read: is a directory\n"
     "$ cat: /smallfile/x: not a directory\n"
     "$ wc: /README/: not a directory\n"
     "$ ls: /smallfile/x: not a directory\n"
     "$ sh: /smallfile/x: not a directory\n"
     "$ sh: /smallfile/x: not a directory\n"
     "$ "},
};

static char out[4096];
static char shown[2][2048];

/* s with its newlines shown as "\n", for an error message (which must
 * stay on one line). */
static const char *show(const char *s, int which)
{
    char *o = shown[which];
    int n = 0;
    for (; *s && n < (int)sizeof(shown[0]) - 3; s++) {
        if (*s == '\n') {
            o[n++] = '\\';
            o[n++] = 'n';
        } else {
            o[n++] = *s;
        }
    }
    o[n] = '\0';
    return o;
}

/* Runs sh with fd 0 = script, fd 1 = out (made anew) and no other fd,
 * or, crowded, with every other fd but one open (so the shell can run a
 * command, but a pipeline's leader cannot make a pipe); returns its exit
 * status. */
static int run_sh_with(const char *script, const char *outpath, bool crowded)
{
    remove_file(outpath);
    int pid = fork_ok();
    if (pid == 0) {
        std_files(script, outpath);
        while (crowded && open(script, FS_RDONLY, EMPTY_MODE) >= 0)
            ;
        if (crowded && close(2) != ERR_OK)
            exit(105);
        exit_with_sh();
    }
    int status = -1;
    expect(wait(pid, &status), pid);
    return status;
}

static int run_sh(const char *script, const char *outpath)
{
    return run_sh_with(script, outpath, false);
}

/* Waits up to about 30 s for path to hold exactly want. */
static void await_file(const char *path, const char *want)
{
    char buf[64];
    for (int tries = 0; tries < 30 * 1000 / POLL_MS; tries++) {
        int fd = open(path, FS_RDONLY, EMPTY_MODE);
        if (fd >= 0) {
            size_t n = read_all(fd, buf, sizeof(buf) - 1);
            buf[n] = '\0';
            close(fd);
            if (strcmp(buf, want) == 0)
                return;
        }
        msleep(POLL_MS);
    }
    error("the background job never wrote '%s' to %s", show(want, 0), path);
}

/* How many processes of the background jobs (sh_script bgjob, cat, grep)
 * are listed, zombies included (proc_list). */
static int jobs_listed(void)
{
    static struct proc_info procs[128];
    int n = proc_list(procs, (int)NELEM(procs));
    if (n <= 0 || n >= (int)NELEM(procs))
        error("proc_list = %d", n);
    int jobs = 0;
    for (int i = 0; i < n; i++)
        if ((strcmp(procs[i].name, "sh_script") == 0 && procs[i].pid != getpid())
            || strcmp(procs[i].name, "cat") == 0 || strcmp(procs[i].name, "grep") == 0)
            jobs++;
    return jobs;
}

/* Waits up to about 30 s for every background job to have ended and been
 * reaped by init. */
static void await_jobs_reaped(void)
{
    for (int tries = 0; tries < 30 * 1000 / POLL_MS && jobs_listed() != 0; tries++)
        msleep(POLL_MS);
    if (jobs_listed() != 0)
        error("%d background job process(es) still listed after 30 s", jobs_listed());
}

/* Run by a script as "sh_script firstfd": prints the fd its first open
 * gets. */
static int firstfd(void)
{
    printf("first open %d\n", open("words", FS_RDONLY, EMPTY_MODE));
    return 0;
}

/* Spawned by a script as "sh_script bgjob": waits (up to a minute) for the
 * file "go", then writes "done". */
static int bgjob(void)
{
    for (int i = 0; i < 60 * 1000 / POLL_MS; i++) {
        int fd = open("go", FS_RDONLY, EMPTY_MODE);
        if (fd >= 0) {
            close(fd);
            fd = open("done", FS_WRONLY | FS_CREAT, EMPTY_MODE);
            if (fd < 0 || write(fd, "bg done\n", 8) != 8)
                return 1;
            close(fd);
            return 0;
        }
        msleep(POLL_MS);
    }
    return 2;
}

static void cleanup(void)
{
    static const char *names[] = {
        "sub/f", "sub", "d1/d2", "d1", "o1", "o2", "o3", "o4", "o5", "o6", "o7", "o 8", "o8",
        "o9", "o10", "l1/f", "l1", "s2", "d9", "go", "done",
        "bgout", "same",
        "script", "out", "words",
    };
    for (unsigned i = 0; i < NELEM(names); i++)
        remove_file(names[i]);
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "bgjob") == 0)
        return bgjob();
    if (argc == 2 && strcmp(argv[1], "killself") == 0) {
        kill(getpid());         /* as Ctrl-C would: exits with status -1 */
        for (;;)
            msleep(POLL_MS);
    }
    if (argc == 2 && strcmp(argv[1], "firstfd") == 0)
        return firstfd();

    mkdir(D);                               /* may exist from an earlier run */
    expect(chdir(D), ERR_OK);               /* sh starts here too */
    cleanup();
    make_file("words", WORDS);

    for (unsigned i = 0; i < NELEM(cases); i++) {
        make_file("script", cases[i].script);
        int status = run_sh("script", "out");
        if (status != 0)
            error("%s: sh exited with %d", cases[i].name, status);
        read_file("out", out, sizeof(out));
        if (strcmp(out, cases[i].want) != 0)
            error("%s: sh printed '%s', expected '%s'", cases[i].name, show(out, 0),
                  show(cases[i].want, 1));
        int d = open(".", FS_RDONLY, EMPTY_MODE);       /* sh's cd is not ours */
        assert(d >= 0);
        struct stat st;
        expect(fstat(d, &st), ERR_OK);
        expect(st.inode_num, stat_of(D).inode_num);
        expect(close(d), ERR_OK);
    }

    /* exit N: the shell's status, and nothing after it runs. */
    make_file("script", "echo before\nexit 3\necho after\n");
    expect(run_sh("script", "out"), 3);
    read_file("out", out, sizeof(out));
    if (strcmp(out, "$ before\n$ ") != 0)
        error("exit 3: sh printed '%s'", show(out, 0));

    /* A pipeline cut short (no fd left for its pipe) is no kill: the rest
     * of its line runs (its status was -1 once, which ended the line). */
    make_file("script", "echo a | cat; echo after\n");
    expect(run_sh_with("script", "out", true), 0);
    read_file("out", out, sizeof(out));
    if (strcmp(out, "$ sh: cannot make a pipe: out of memory\nafter\n$ ") != 0)
        error("a pipeline with no fd for its pipe: sh printed '%s'", show(out, 0));

    /* Background jobs: the shell goes on and exits while the job waits. */
    make_file("script",
              "sh_script bgjob & cat words | grep an > bgout &\n"
              "echo after\n");
    expect(run_sh("script", "out"), 0);
    read_file("out", out, sizeof(out));
    if (strcmp(out, "$ $ after\n$ ") != 0)
        error("background: sh printed '%s'", show(out, 0));
    expect(open("done", FS_RDONLY, EMPTY_MODE), ERR_NOTEXIST);   /* still waiting */
    expect(wait(-1, NULL), ERR_CHILD);      /* the jobs are not our children */
    make_file("go", "");
    await_file("done", "bg done\n");
    await_file("bgout", "banana\nbandana\n");
    await_jobs_reaped();

    cleanup();
    expect(chdir("/"), ERR_OK);
    expect(rmdir(D), ERR_OK);
    pass("sh_script: %d cases and background jobs", (int)NELEM(cases));
    return 0;
}
