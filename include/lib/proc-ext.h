/*
 * osv-rv: processes seen and stopped from user space (guide in
 * docs/api.md): kill, the process list that ps prints, the console's
 * foreground job that Ctrl-C kills, and spawnv, a spawn whose words are
 * given one by one (so a word may hold spaces: the shell's quoting).
 *
 * The kernel includes it for struct proc_info and the spawn limits only.
 */
#ifndef _LIB_PROC_EXT_H_
#define _LIB_PROC_EXT_H_

#include <lib/usyscall.h>

/* What spawn and spawnv accept: at most SPAWN_WORDS_MAX words (osv's
 * PROC_MAX_ARG) of SPAWN_ARGS_MAX bytes in all: spawn's string with its
 * terminator, spawnv's words with theirs. A call beyond either limit fails
 * whole with ERR_INVAL (no word is dropped). The kernel copies the words
 * and their argv onto the new process's first stack page, where the most
 * it may take (2048 bytes, 129 pointers) fits. */
#define SPAWN_WORDS_MAX 128
#define SPAWN_ARGS_MAX 2048

/* proc_info.state */
#define PROC_INFO_RUNNING 1    /* on a hart now (an exiting one too, until its exit is done) */
#define PROC_INFO_READY 2      /* waiting for a hart */
#define PROC_INFO_SLEEPING 3   /* waiting for something (input, a child, time, ...) */
#define PROC_INFO_ZOMBIE 4     /* exited, all its memory but its entry freed, not yet
                                  reaped by its parent */

/* proc_list() fills one of these per process. */
struct proc_info {
    int pid;
    int parent;             /* its parent's pid; 0 for init */
    int job;                /* its job: the pid of the job's leader (setfg) */
    int state;              /* PROC_INFO_* */
    char name[32];          /* the program's file name */
};

#ifndef OSV_KERNEL

/*
 * Kills process pid: it exits with status -1 (wait() sees -1) as soon as
 * it is back from the kernel, at once if it is waiting (for input, a
 * pipe, a child, sleep(), a futex or a shm lock). No line is printed.
 * Any process may kill any other, or itself, but init.
 * ERR_OK; ERR_INVAL for pid <= 0; ERR_PERM for init (pid 1); ERR_NOTEXIST
 * if no process of that pid is running (a zombie has already exited).
 */
int kill(int pid);

/* Fills up to max entries of buf about the processes, in pid order (from
 * init's), and returns how many; a larger buf sees more. ERR_INVAL for
 * max < 0; ERR_FAULT, ERR_NOMEM for buf. */
int proc_list(struct proc_info *buf, int max);

/*
 * The console's foreground job, the processes that Ctrl-C kills (a shell
 * calls it for each command it waits for). pid > 0: the caller's child
 * pid becomes the leader of a new job, with everything it has started
 * and will start, and that job becomes the foreground; pid 0: no job is
 * (Ctrl-C then gives the reader an empty line). A Ctrl-C that found no job
 * is kept for the caller: its next setfg(pid) kills that job at once, so a
 * Ctrl-C typed ahead of a command ends the command; its next read of the
 * console or setfg(0) gets the empty line instead. Only a process whose fd 0
 * is the console may choose (a shell reading a script leaves it alone).
 * ERR_OK; ERR_INVAL for pid < 0; ERR_CHILD if pid is not a child of the
 * caller; ERR_PERM if the caller's fd 0 is not the console.
 */
int setfg(int pid);

/*
 * spawn, with the words given one by one: argv is a NULL-terminated array
 * whose argv[0] names the program (looked up as spawn does); the new
 * process's main gets exactly these words, spaces and all. Returns the
 * pid; ERR_INVAL for no word, more than SPAWN_WORDS_MAX words, or more
 * than SPAWN_ARGS_MAX bytes with their terminators; ERR_FAULT; and
 * spawn's errors.
 */
int spawnv(char *const argv[]);

#endif /* !OSV_KERNEL */
#endif /* _LIB_PROC_EXT_H_ */
