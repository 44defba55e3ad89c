/*
 * What proc.c asks of load.c, inside kernel/proc/ only: the rest of the
 * kernel starts programs through proc.h (proc_spawn, proc_start_init).
 */
#ifndef _KERNEL_PROC_PROC_INTERNAL_H_
#define _KERNEL_PROC_PROC_INTERNAL_H_

#include <kernel/proc.h>

/*
 * Loads the program argv[0] into p, a process proc_alloc made that has
 * not started: the file as named or, for a relative name that names no
 * file there, under "/". argv holds argc words, at most SPAWN_WORDS_MAX,
 * whose bytes fit in SPAWN_ARGS_MAX, so they fit on the stack page; p is
 * named after the last part of argv[0]. Errors are proc_spawnv's
 * (proc.h): ERR_NOTEXIST (argc 0, no such file, a directory, a name too
 * long for a path), ERR_INVAL (not a program lib/elf.h allows),
 * ERR_NORES (the table of in-use inodes full), ERR_NOMEM; p's address
 * space may then hold part of the program, and the caller discards p.
 * May sleep (it reads the file); it takes no lock of p's, which runs
 * nowhere yet (elf_load's rule, elf.h).
 */
err_t proc_load(struct proc *p, int argc, char *const argv[]);

#endif /* _KERNEL_PROC_PROC_INTERNAL_H_ */
