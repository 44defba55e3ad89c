/*
 * System-call stubs of osv-rv's own calls (prototypes in lib/shm.h,
 * lib/futex.h, lib/mman.h, lib/bench.h, lib/proc-ext.h, lib/vm-ext.h; numbers in
 * lib/syscall-num-ext.h),
 * with the convention of usys.S.
 *
 * These names are not osv's, so an osv program may define a function of
 * its own called mmap or shm_create. Each stub is therefore a weak
 * symbol, which such a definition replaces without a link error, and has
 * a second, strong name with a "__" prefix (reserved for the
 * implementation), which the library itself calls (shm_osv.c), so osv's
 * createSharedRegion keeps working in a program that has its own
 * shm_create.
 */
#include <lib/syscall-num-ext.h>

#define SYSCALL(name)               \
    .globl __##name;                \
    .type __##name, @function;      \
    .weak name;                     \
    .type name, @function;          \
__##name:                           \
name:                               \
    li a7, SYS_##name;              \
    ecall;                          \
    ret;                            \
    .size __##name, . - __##name;   \
    .size name, . - name

    .text
SYSCALL(fork_copy)
SYSCALL(shm_create)
SYSCALL(shm_map)
SYSCALL(shm_unmap)
SYSCALL(shm_destroy)
SYSCALL(shm_lock)
SYSCALL(shm_unlock)
SYSCALL(shm_resize)
SYSCALL(shm_list)
SYSCALL(futex)
SYSCALL(mmap)
SYSCALL(munmap)
SYSCALL(syscount)
SYSCALL(disk_scratch_write)
SYSCALL(kill)
SYSCALL(proc_list)
SYSCALL(setfg)
SYSCALL(spawnv)
SYSCALL(vminfo)
SYSCALL(asid_limit)
SYSCALL(kalloc_fail)
SYSCALL(journal_cut)
SYSCALL(disk_reads)
SYSCALL(race_delay)
