/*
 * sh_builtin_program: a program named exit, cd or kill in / runs in place
 * of the shell's builtin of that name. osv's shell has quit as its only
 * builtin, so a course's program of one of those names ran on osv when
 * typed, and a grader typing it must get the program here: before, the
 * shell ran its own exit ("sh: exit: too many arguments") and refused
 * `kill a b | wc` as a builtin in a pipeline. The programs here are
 * links to /echo, which prints its words. A file of that name that is no
 * program (not ELF) leaves the builtin alone: `exit 7` then still ends
 * the shell with 7.
 */
#include "testlib.h"

#define SCRIPT "/sh_bprog_script"
#define OUT "/sh_bprog_out"

static const char *const names[] = { "/exit", "/cd", "/kill" };
static char out[512];

/* Removes what a run leaves, also one cut short before. */
static void cleanup(void)
{
    for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        remove_file(names[i]);
    remove_file(SCRIPT);
    remove_file(OUT);
}

/* Runs sh on script, its fd 1 on OUT; returns sh's exit status, and
 * what it wrote in out, each newline shown as '|'. */
static int run_sh(const char *script)
{
    make_file(SCRIPT, script);
    remove_file(OUT);
    int pid = fork_ok();
    if (pid == 0) {
        std_files(SCRIPT, OUT);
        exit_with_sh();
    }
    int status = wait_for(pid);
    read_file(OUT, out, sizeof(out));
    for (char *c = out; *c; c++)
        if (*c == '\n')
            *c = '|';           /* an error() message stays on its line */
    return status;
}

int main(void)
{
    cleanup();
    for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        expect(link("/echo", names[i]), ERR_OK);
    expect(run_sh("exit as a program\ncd as a program\nkill as a program\nkill a b | wc\n"), 0);
    if (strcmp(out, "$ as a program|$ as a program|$ as a program|$ 1 2 4|$ ") != 0)
        error("with /exit, /cd and /kill programs, sh printed '%s'", out);

    cleanup();
    make_file("/exit", "not a program\n");
    expect(run_sh("exit 7\necho not reached\n"), 7);
    if (strcmp(out, "$ ") != 0)
        error("with a file /exit that is no program, sh printed '%s'", out);
    cleanup();
    pass("sh_builtin_program");
    return 0;
}
