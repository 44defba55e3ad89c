/*
 * osv-rv: what the virtual-memory system did, beyond osv's struct
 * sys_info (whose layout stays osv's): how fork shared page tables, and
 * the ASIDs the TLB runs with (guide in docs/api.md, docs/memory.md).
 *
 * The kernel includes it for struct vm_info only.
 */
#ifndef _LIB_VM_EXT_H_
#define _LIB_VM_EXT_H_

#include <lib/usyscall.h>

/* vminfo() fills one; every count is since boot, for the whole machine. */
struct vm_info {
    size_t tables_shared;     /* 2 MiB leaf tables fork shared instead of copying */
    size_t table_copies;      /* shared leaf tables copied: by a first store or map in
                               * one, or an unmap of part of its span */
    size_t asid_bits;         /* ASID bits in use; 0: none, each switch flushes */
    size_t asid_bits_hw;      /* ASID bits the harts implement (probed at boot) */
    size_t asid_generations;  /* ASID generations begun: one full flush per hart each */
    size_t remote_flushes;    /* SBI remote TLB fences sent (kernel mappings) */
    size_t deferred_flushes;  /* an address space's TLB flush left to other harts'
                               * next switch to it (it runs on one hart at a time) */
    size_t switches_kept;     /* switches to the address space the hart still had
                               * in satp (it idled since): no satp write at all */
};

#ifndef OSV_KERNEL

/* Fills *info. ERR_OK; ERR_FAULT, ERR_NOMEM for info. */
int vminfo(struct vm_info *info);

/*
 * A test hook: the kernel uses at most bits ASID bits from now on (fewer
 * if the harts implement fewer; bits < 0: all they implement), starting a
 * new ASID generation; 0 selects the fallback without ASIDs, where each
 * switch of address space flushes the TLB. Returns the bits now in use.
 */
int asid_limit(int bits);

#endif /* !OSV_KERNEL */
#endif /* _LIB_VM_EXT_H_ */
