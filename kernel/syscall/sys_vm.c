/*
 * osv-rv's virtual-memory calls (lib/vm-ext.h): vminfo reports how fork
 * shared page tables and the ASIDs in use; asid_limit caps the ASID width,
 * so a test can run the fallback without ASIDs in the same boot; and
 * kalloc_fail (lib/bench.h) makes one kernel allocation fail, so a test
 * can walk a call's out-of-memory paths one by one; journal_cut (same
 * header) cuts the power at a chosen commit of the file system's journal;
 * race_delay (same header) widens a named race window (kernel/race.h).
 */
#include <kernel/syscall.h>
#include <kernel/uaccess.h>
#include <kernel/vpmap.h>
#include <kernel/pmem.h>
#include <kernel/journal.h>
#include <kernel/race.h>
#include <lib/vm-ext.h>

/* int vminfo(struct vm_info *info) */
long sys_vminfo(void)
{
    struct vpmap_stats st;
    vpmap_stats(&st);
    struct vm_info info = {
        .tables_shared = st.tables_shared,
        .table_copies = st.table_copies,
        .asid_bits = st.asid_bits,
        .asid_bits_hw = st.asid_bits_hw,
        .asid_generations = st.asid_generations,
        .remote_flushes = st.remote_flushes,
        .deferred_flushes = st.deferred_flushes,
        .switches_kept = st.switches_kept,
    };
    return copy_to_user(syscall_arg_ptr(0), &info, sizeof(info));
}

/* int asid_limit(int bits) */
long sys_asid_limit(void)
{
    return vpmap_asid_limit(syscall_arg_int(0));
}

/* int kalloc_fail(int n) */
long sys_kalloc_fail(void)
{
    return kalloc_fail_after(syscall_arg_int(0));
}

/* int journal_cut(int how): the debug kernel's only. It powers the
 * machine off from any process, so the kernel graders and students run
 * does not offer it: a hostile program calling every number with small
 * arguments would cut the power of the machine it is tested on. */
long sys_journal_cut(void)
{
#ifdef DEBUG
    return journal_cut_at(syscall_arg_int(0));
#else
    return ERR_NOSYS;
#endif
}

/* int race_delay(int point, int us): the debug kernel's only, as it lets
 * any process slow every hart that passes a point. */
long sys_race_delay(void)
{
#ifdef DEBUG
    return race_delay_set(syscall_arg_int(0), syscall_arg_int(1));
#else
    return ERR_NOSYS;
#endif
}
