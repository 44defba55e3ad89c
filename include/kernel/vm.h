/*
 * Address spaces and memregions.
 *
 * A process's user memory is a sorted list of memregions: ELF segments, the
 * heap, the stack. Each region has a permission and is backed page by page:
 * a page is allocated, zero-filled or loaded, when first touched, through
 * the fault path (pgfault.h). Page tables are owned by vpmap (vpmap.h);
 * this layer decides what may be mapped, vpmap only how.
 *
 * Locking: as->lock (a sleeplock: faults may allocate and read disk) guards
 * the region list and the page table of that address space. In the lock
 * order (LOCK_ADDRSPACE, synch.h) it comes after the locks held across a
 * copy to or from user memory (a copy may fault, and the fault takes it),
 * and before the shm and file-map tables, page caches and the file system.
 */
#ifndef _KERNEL_VM_H_
#define _KERNEL_VM_H_

#include <kernel/types.h>
#include <lib/errcode.h>
#include <kernel/synch.h>
#include <kernel/vpmap.h>

/* Region permissions (user view). */
#define MEMPERM_R 0x1
#define MEMPERM_W 0x2
#define MEMPERM_X 0x4

struct memstore;

/*
 * A memregion maps [start, end) to the window of its memstore that begins
 * at offset. Private regions (shared == false) get their own copy of each
 * page: first from the store, later by copy-on-write after fork. Shared
 * regions map the store's own frames, in every process alike. Guarded,
 * field by field, by its address space's lock.
 */
struct memregion {
    vaddr_t start, end;          /* page aligned, [start, end) */
    int perm;                    /* MEMPERM_* */
    bool shared;                 /* shared view: fork shares, never copies */
    struct memstore *store;      /* what backs the pages (a reference) */
    offset_t offset;             /* store offset of start */
    const char *kind;            /* "text", "data", "heap", "stack", ...: for meminfo */
    struct memregion *next;      /* sorted by start */
};

struct addrspace {
    paddr_t root;                /* Sv39 root page table; 0 once destroyed (by
                                  * as_destroy, before it sleeps); read without
                                  * the lock by the switch into the process */
    struct vpmap_tlb tlb;        /* its ASID, the harts that may cache it: vpmap's
                                  * own atomics and lock (vpmap.h) */
    /* guarded by lock, but while no thread runs in the space (a program
     * being loaded, or the process exiting: as_destroy) */
    struct memregion *regions;   /* sorted list */
    struct memregion *heap;      /* grows with sbrk; never NULL after load */
    struct memregion *stack;     /* below USTACK_UPPERBOUND */
    vaddr_t brk;                 /* current break, byte granular, inside heap */
    pid_t pid;                   /* the owning process, for store hooks; set
                                  * before it runs, then constant */
    struct sleeplock lock;       /* LOCK_ADDRSPACE */
};

/* Creates the memregion allocator: once, on the boot hart, after
 * kmalloc_init and before the first address space (no lazy creation that
 * two harts could race on). */
void vm_init(void);
/* Sets up an empty address space with the shared kernel half. ERR_NOMEM
 * without a frame for its root table. */
err_t as_init(struct addrspace *as);
/* Unmaps everything, frees frames and tables. Takes no lock: the space's
 * own thread calls it as the process exits (or a process that never ran is
 * undone); closing its views may sleep (write-back, shm). */
void as_destroy(struct addrspace *as);
/* Installs as on this hart: no satp write if the hart still holds it
 * (lazy switches, vpmap.h), else one; the kernel's table once as has been
 * destroyed. The scheduler's, for each user thread it runs. */
void as_activate(struct addrspace *as);
/* Adds a private anonymous region [start, end) (zero-filled on first
 * touch), with as_map_store's checks, errors and locking. */
err_t as_map_region(struct addrspace *as, vaddr_t start, vaddr_t end, int perm,
                    const char *kind, struct memregion **out);
/* Adds a region [start, end) backed by store from offset on: a shared
 * view (every holder maps the store's own frames) or a private one; *out
 * (unless NULL) is the region. The region takes a store reference of its
 * own; the caller keeps its own. Nothing is mapped yet: pages come in
 * through the fault path. ERR_INVAL for a range not page aligned, at 0,
 * past USER_TOP or overlapping a region; ERR_NOMEM. Caller holds
 * as->lock, or no thread runs in as yet (a program being loaded). */
err_t as_map_store(struct addrspace *as, vaddr_t start, vaddr_t end, int perm, bool shared,
                   struct memstore *store, offset_t offset, const char *kind,
                   struct memregion **out);
/* Finds room for size bytes (page multiple) for a view or file mapping:
 * the highest free range below the stack's growth window, above the heap,
 * with an unmapped guard page on each side (a store one byte past a view
 * faults): at least a page above the heap's end, as as_sbrk keeps the
 * heap's end at least a page below a view. Top-down, so views stay as far
 * from the heap as room allows. Caller holds as->lock. ERR_NOMEM if none. */
err_t as_find_free(struct addrspace *as, size_t size, vaddr_t *start);
/* Removes region r: writes back the pages a shared view of a store that
 * writes back maps writable (memstore.h), calls the store's view_closed
 * hook, unmaps its pages, drops its references, then has such a store
 * let go of the pages r covered that no view maps any more
 * (drop_unmapped). Caller holds as->lock. */
void as_unmap_region(struct addrspace *as, struct memregion *r);
/* True if r is a shared view of a store that writes its pages back (a
 * shared file mapping): its pages are mapped read-only until stored to,
 * and written back when it goes (memstore.h). */
bool memregion_writes_back(struct memregion *r);
/* The region containing va, or NULL. Caller holds as->lock. */
struct memregion *as_find_region(struct addrspace *as, vaddr_t va);
/*
 * True if an access of kind perm (MEMPERM_R: the kernel loads, MEMPERM_W:
 * it stores) to every byte of [va, va+n), n > 0, would be allowed: each
 * lies in a region granting perm, or in the stack's growth window. Looks
 * at the regions only, never at memory or page tables, so it takes no
 * fault: for a call that must refuse a bad or too-short buffer before it
 * changes anything (read, write, wait), as osv checks the whole buffer
 * first. Takes as->lock.
 */
bool as_may_access(struct addrspace *as, vaddr_t va, size_t n, int perm);
/* Copies src into dst for fork; dst is empty (as_init), and src's
 * thread calls it (its trap frame names the hot spans, vpmap.h). Linear
 * in the number of regions (and in the pages and tables it copies).
 * Private pages are shared copy-on-write: read-only in both, one more
 * reference on each frame, or, for a 2 MiB span whose regions are all
 * private anonymous memory and cover a quarter of it or hold a whole span
 * or more, one leaf table shared by both (vpmap.h); with eager, they are
 * copied at once instead (the full-copy fork, kept for comparison in the
 * benchmarks). Shared regions map the same frames either way, with the
 * permission the store's inherit hook grants the child (memstore.h);
 * those of a store that writes back (file mappings), and those whose
 * permission the hook lowered, are left for the child to fault in, so its
 * stores are counted, or refused (memstore.h).
 * ERR_NOMEM leaves dst for as_destroy. Takes src->lock (may sleep); dst
 * is no thread's yet, so it needs none. Does not flush: *flush tells
 * whether src lost write permission or leaf tables, and then the caller,
 * src's own thread, calls as_flush(src) before it next runs user code or
 * stores to src's user memory, success or not (fork queues the child
 * first, so the flush is not on the child's way: src's stale writable
 * entries serve no one but src, and nothing src maps is freed while its
 * table still names it). */
err_t as_copy(struct addrspace *dst, struct addrspace *src, bool eager, bool *flush);
/* The flush as_copy leaves to its caller: src's whole space, wherever it
 * may be cached (vpmap_flush_space). */
void as_flush(struct addrspace *as);
/* Moves the heap break by increment; returns the old break in *old.
 * Growth is ERR_NOMEM when it would take more pages than there are free
 * frames, or bring the heap's end (the break rounded up to a page) within
 * a page of the region above the heap: a view or file mapping keeps one
 * unmapped guard page below it, the one as_find_free keeps above the
 * heap. The heap may grow up to the stack's growth window (the window's
 * pages stay unmapped until the stack grows down into them). ERR_NOMEM
 * changes nothing (a shrink needs a frame when it cuts a leaf table
 * shared with a fork relative: vpmap.h). A shrink that would go below
 * the heap's start changes nothing either and succeeds, as sbrk(0) would
 * (osv). Takes as->lock (may sleep). */
err_t as_sbrk(struct addrspace *as, long increment, vaddr_t *old);
/* Prints the regions on the console (meminfo), under as->lock (may sleep);
 * stops after the line it is printing once the calling process is killed. */
void as_print(struct addrspace *as);

#endif /* _KERNEL_VM_H_ */
