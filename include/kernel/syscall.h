/*
 * System call dispatch and argument fetching, in one place.
 *
 * A handler is `long sys_NAME(void)`; it reads its arguments from the
 * current thread's trap frame with the helpers below, checks them, and
 * returns a value or an error code from errcode.h, which becomes a0. The
 * table of handlers is in kernel/syscall/syscall.c; an unknown number
 * returns ERR_NOSYS.
 */
#ifndef _KERNEL_SYSCALL_H_
#define _KERNEL_SYSCALL_H_

#include <kernel/types.h>
#include <lib/errcode.h>

struct trapframe;

/* Runs the system call tf->a7 of the current process (trap.c, on an ecall
 * from user mode, interrupts on, sepc already past the ecall) and puts
 * its result in tf->a0: the handler's value, or ERR_NOSYS for a number
 * no call has. Counts the call (syscount), and pays the idle hart's kick
 * that a fork or spawn before this call owes (sched_call_done, sched.h).
 * May sleep, as the handler may. */
void syscall_dispatch(struct trapframe *tf);

/* Raw argument n (0..5), then cast as the handler wants it: nothing is
 * checked here (a pointer is checked by the copy that uses it, uaccess.h). */
uint64_t syscall_arg(int n);
static inline int syscall_arg_int(int n) { return (int)syscall_arg(n); }
static inline void *syscall_arg_ptr(int n) { return (void *)syscall_arg(n); }
/* Copies string argument n into buf (size max, terminator included).
 * Returns ERR_OK, ERR_FAULT (bad pointer), ERR_NOMEM (a good pointer to a
 * page no frame could back), ERR_INVAL (too long). */
err_t syscall_arg_str(int n, char *buf, size_t max);
/* A listing call's answer (proc_list, shm_list): fills the user array ubuf
 * with up to max records of size bytes, one kernel page of them per step,
 * so a listing is not cut at a page's worth. next(page, want, cursor)
 * fills at most want records following *cursor, moves the cursor past the
 * last, and returns how many; each step's records are copied out with no
 * lock held (a copy may fault and sleep). Returns how many were stored,
 * ERR_INVAL for max < 0, ERR_NOMEM (no page, or a copy's), ERR_FAULT;
 * max 0 is 0 at once, even with no page free. */
typedef int (*syscall_list_step_t)(void *page, int want, void *cursor);
long syscall_list_out(void *ubuf, int max, size_t size, syscall_list_step_t next, void *cursor);

/* The handlers, by the file that holds them; each one's contract is its
 * user-side declaration's (include/lib/usyscall.h and the headers beside it). */
/* sys_proc.c: processes, memory and the machine */
long sys_fork(void);
long sys_fork_copy(void);
long sys_spawn(void);
long sys_wait(void);
long sys_exit(void);
long sys_getpid(void);
long sys_sleep(void);
long sys_sbrk(void);
long sys_meminfo(void);
long sys_info(void);
long sys_halt(void);
long sys_syscount(void);
/* sys_job.c: kill, ps, jobs and spawnv */
long sys_kill(void);
long sys_proc_list(void);
long sys_setfg(void);
long sys_spawnv(void);
/* sys_file.c: files, directories and pipes */
long sys_open(void);
long sys_close(void);
long sys_read(void);
long sys_write(void);
long sys_fstat(void);
long sys_readdir(void);
long sys_dup(void);
long sys_pipe(void);
long sys_chdir(void);
long sys_link(void);
long sys_unlink(void);
long sys_mkdir(void);
long sys_rmdir(void);
long sys_disk_scratch_write(void);
long sys_disk_reads(void);
/* sys_shm.c: named shared regions */
long sys_shm_create(void);
long sys_shm_map(void);
long sys_shm_unmap(void);
long sys_shm_destroy(void);
long sys_shm_lock(void);
long sys_shm_unlock(void);
long sys_shm_resize(void);
long sys_shm_list(void);
/* sys_futex.c */
long sys_futex(void);
/* sys_mmap.c: file mappings */
long sys_mmap(void);
long sys_munmap(void);

/* sys_vm.c: the address space's counters and the test hooks */
long sys_vminfo(void);
long sys_asid_limit(void);
long sys_kalloc_fail(void);
long sys_journal_cut(void);
long sys_race_delay(void);

#endif /* _KERNEL_SYSCALL_H_ */
