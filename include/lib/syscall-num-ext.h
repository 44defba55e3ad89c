/*
 * osv-rv: the numbers of its system calls beyond osv's 1 to 23
 * (lib/syscall-num.h), shared by the kernel's dispatcher
 * (kernel/syscall/syscall.c) and the user stubs (user/lib/usys-ext.S).
 * Same calling convention as osv's calls.
 */
#ifndef _LIB_SYSCALL_NUM_EXT_H_
#define _LIB_SYSCALL_NUM_EXT_H_

#define SYS_shm_create 24
#define SYS_shm_map 25
#define SYS_shm_unmap 26
#define SYS_shm_destroy 27
#define SYS_shm_lock 28
#define SYS_shm_unlock 29
#define SYS_shm_resize 30
#define SYS_shm_list 31
#define SYS_futex 32
#define SYS_mmap 33
#define SYS_munmap 34
#define SYS_syscount 35
#define SYS_kill 36
#define SYS_proc_list 37
#define SYS_setfg 38
#define SYS_spawnv 39
#define SYS_fork_copy 40      /* fork that copies every page: for benchmarks */
#define SYS_disk_scratch_write 41   /* the raw disk's scratch area: for benchmarks */
#define SYS_vminfo 42
#define SYS_asid_limit 43     /* the ASID width: for tests */
#define SYS_kalloc_fail 44    /* an allocation made to fail: for tests */
#define SYS_journal_cut 45    /* a power cut at a commit: for tests */
#define SYS_disk_reads 46     /* blocks read from the disk: for tests */
#define SYS_race_delay 47     /* a race window made wide: for tests */

#define SYS_MAX 48            /* one past the highest number in use */

#endif /* _LIB_SYSCALL_NUM_EXT_H_ */
