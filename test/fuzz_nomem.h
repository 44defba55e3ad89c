/*
 * fuzz_nomem.h: test/fuzz.c's out-of-memory operation. It makes one of
 * the operations whose call may say ERR_NOMEM (its contract has it: a
 * call that allocates, or that takes a pointer to memory of ours) with
 * the usual random arguments, but with an allocation of that call made
 * to fail: kalloc_fail(k) (lib/bench.h), k random in 1..MAX_NTH (half the
 * time 1..4), is armed just before the call and cancelled just after it
 * (fuzz_gen.h's call_make), so nothing else feels it. Calls with no ERR_NOMEM in their
 * contract (close, getpid, exit, ...) are never made to fail.
 *
 * The verdict stays exact: when the failure did happen, the call may say
 * ERR_NOMEM whatever its arguments (allow() adds it), and then it must
 * have done nothing. What the model can see is checked at once: no new
 * fd (the lowest free one is still free), the break where it was, the
 * shadow file's size unchanged, no new child; the rest shows later (a
 * pipe's or the shadow file's bytes, a child's status, an fd's offset)
 * and in the runner's checks (frames, blocks, inodes). A call that gets
 * round the failure and succeeds is judged as usual. Header-only;
 * included by fuzz.c only.
 */
#ifndef _TEST_FUZZ_NOMEM_H_
#define _TEST_FUZZ_NOMEM_H_

#include "fuzz_procs.h"

#define MAX_NTH 40                 /* more than most calls make: some get through */
#define NR(n) (1UL << (n))

/* The operations, with the calls of theirs that may be made to fail. */
static const struct nomem_op {
    void (*fn)(void);
    uint64_t nrs;
} nomem_ops[] = {
    { op_open, NR(SYS_open) }, { op_read, NR(SYS_read) }, { op_write, NR(SYS_write) },
    { op_dup, NR(SYS_dup) }, { op_pipe, NR(SYS_pipe) }, { op_mkdir, NR(SYS_mkdir) },
    { op_link, NR(SYS_link) }, { op_unlink, NR(SYS_unlink) }, { op_rmdir, NR(SYS_rmdir) },
    { op_chdir, NR(SYS_chdir) }, { op_readdir, NR(SYS_readdir) }, { op_fstat, NR(SYS_fstat) },
    { op_sbrk, NR(SYS_sbrk) }, { op_info, NR(SYS_info) }, { op_vm, NR(SYS_vminfo) },
    { op_fork, NR(SYS_fork) | NR(SYS_fork_copy) }, { op_spawn, NR(SYS_spawn) },
    { op_program, NR(SYS_spawn) }, { op_spawnv, NR(SYS_spawnv) }, { op_wait, NR(SYS_wait) },
    { op_shm_create, NR(SYS_shm_create) }, { op_shm_map, NR(SYS_shm_map) },
    { op_shm_resize, NR(SYS_shm_resize) }, { op_shm_list, NR(SYS_shm_list) },
    { op_futex, NR(SYS_futex) }, { op_mmap, NR(SYS_mmap) }, { op_proc_list, NR(SYS_proc_list) },
    { op_scratch, NR(SYS_disk_scratch_write) },
    { op_shadow, NR(SYS_open) | NR(SYS_read) | NR(SYS_write) | NR(SYS_mmap) },
};

/* After a call that said ERR_NOMEM to an injected failure: what the model
 * can see must be as it was. `forked`: the call would have made a child. */
static void nomem_no_trace(bool forked)
{
    int lo = lowest_free_fd();
    if (lo >= 0) {
        call_begin(SYS_dup, "dup");
        call_arg(1, "console, after NOMEM");
        long r = call_make();
        if (r != lo && r != ERR_NOMEM)
            impossible(r, "the fd after a call's ERR_NOMEM is not the lowest free one (a "
                          "failed call left an fd behind?)");
        if (r >= 0 && r < NUM_FILES && fds[r].kind == FD_FREE) {
            fd_copy(r, &fds[1]);
            close_fd(r);
        }
    }
    if (heap_ok)
        allow(sbrk_call(0, "after ERR_NOMEM"), heap_top, heap_top, 0);
    if (shadow_fd >= 0) {
        struct stat st;
        if (fstat_ok(shadow_fd, "shadow, after NOMEM", &st) == 0 &&
            (long)st.size != shadow_size)
            complain("after ERR_NOMEM: %s is %ld bytes, expected %ld", shadow_path,
                     (long)st.size, shadow_size);
    }
    if (forked && nkids() == 0) {
        call_begin(SYS_wait, "wait");
        call_arg(-1, "after ERR_NOMEM");
        call_arg(0, "NULL");
        allow(call_make(), 1, 0, E(ERR_CHILD));
    }
}

/* One operation with one of its call's allocations made to fail. */
static void op_nomem(void)
{
    const struct nomem_op *o = &PICK(nomem_ops);
    inject_k = 1 + below(one_in(2) ? 4 : MAX_NTH);   /* most calls make only a few */
    inject_nrs = o->nrs;
    inject_hit = false;
    long before = depth;
    o->fn();
    inject_nrs = 0;                /* the op made none of those calls */
    if (depth != before || !inject_hit)
        return;                    /* (a fork child: its parent checks) */
    inject_hit = false;
    nomem_no_trace(o->nrs & (NR(SYS_fork) | NR(SYS_spawn) | NR(SYS_spawnv)));
}

#endif /* _TEST_FUZZ_NOMEM_H_ */
