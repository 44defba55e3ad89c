/*
 * vpmap: the only code that knows the Sv39 page-table format.
 *
 * A page table is named by the physical address of its root. Every root
 * shares the kernel half (root entries 256..511) with the boot table: the
 * direct map, KMAP_BASE + pa for RAM and for the devices the kernel drives
 * and nothing else (vpmap_kernel_map), and, in entry 511, the kernel-stack
 * area, whose lower-level tables are allocated once at boot
 * (vpmap_kstack_init) so every address space sees every kernel stack. So a
 * trap never switches satp, and user tables own only entries 0..255.
 * vpmap.c edits tables, vpmap_share.c shares leaf tables between the
 * spaces of a fork, tlb.c owns satp, the ASIDs and the one flush,
 * kstack.c the kernel stacks.
 *
 * Locking: callers serialize changes to one table (the address space lock);
 * vpmap itself takes no lock except for the kernel-stack slots and the
 * ASID allocator (LOCK_ASID, after the scheduler's lock, under which
 * activation runs, and before only the frames' lock, LOCK_PMEM: a switch
 * may free a dead space's root). Shared leaf tables are counted with
 * atomics.
 */
#ifndef _KERNEL_VPMAP_H_
#define _KERNEL_VPMAP_H_

#include <kernel/types.h>
#include <kernel/config.h>
#include <lib/errcode.h>

/* Mapping flags: MEMPERM_R/W/X (vm.h) plus these. */
#define VPMAP_USER 0x8      /* user accessible (U) */
#define VPMAP_GLOBAL 0x10   /* in every address space (G) */
#define VPMAP_DIRTY 0x20    /* written already (D): see below */

/* The dirty bit. No mapping gets D up front: callers pass VPMAP_DIRTY only
 * when they map a page for a write they are allowing now (a write fault)
 * or for kernel memory. The kernel never reads D to learn what was written:
 * a page whose stores matter (a shared file page) is mapped read-only
 * until its first write fault, which marks it dirty in its page cache
 * (pgcache.h). A hart that does not set D itself faults on the first store
 * to a writable page whose D is clear; the fault path then sets it. */

/* Replaces the kernel half entry.S built (all of the first 256 GiB of
 * physical memory, RWX) with the direct map of RAM and of the devices in
 * platform.mmio: the kernel image's text RX, its rodata and symbol table
 * R, its data and bss RW (but for the boot stack's guard page, unmapped),
 * the rest of RAM RW in the largest pages that fit, the devices RW in 4
 * KiB pages; all global, none user. Boot hart, after pmem_init and before
 * any other root exists or any other hart starts; panics if its few
 * tables do not fit. Then sets up the ASIDs (vpmap_asid_init). */
void vpmap_kernel_map(void);
/* Removes entry.S's identity gigapage and flushes it on every hart: once
 * every hart runs at high addresses (boot_main, after start_hart for all). */
void vpmap_drop_identity(void);
/* The kernel's own table, boot_pagetable (entry.S): the kernel half every
 * root copies, where kernel-only mappings (stacks) are made. */
paddr_t vpmap_kernel_root(void);

/*
 * The TLB rule: what a hart may cache, who flushes, and when. Every flush
 * is done by one function, tlb.c's flush() (the only sfence.vma and the
 * only SBI remote fence in C; entry.S has the other two, turning paging
 * on before any C runs).
 *
 * What is cached. A hart caches translations (and the table pointers on
 * the way) of the satp it runs with, tagged with satp's ASID, and keeps
 * them across satp writes: a switch never flushes. Kernel mappings carry
 * G and are the same in every address space, so their entries serve every
 * ASID. ASID 0 belongs to the kernel's table, which maps no user page.
 * Each address space gets an ASID of the current generation when it is
 * activated (struct vpmap_tlb); within a generation an ASID names one
 * address space only, and one that exits keeps its ASID unused until the
 * next generation. When the ASIDs of a generation run out, a new one
 * begins and every hart flushes everything once, before its next
 * activation: so an entry of an old generation is never used.
 * With no ASIDs (width 0, or capped by vpmap_asid_limit), every space uses
 * ASID 0 and a hart flushes ASID 0 (not the G entries) when it switches
 * to another space: the space is then cached only where it ran last.
 *
 * Lazy switches. A hart that stops running a thread keeps its space's
 * root in satp while it idles (the kernel half is in every root), so a
 * thread that sleeps and wakes on the same hart (a futex or pipe hand-off,
 * a shared ring) comes back with no satp write: under QEMU a satp write
 * that changes it flushes the hart's whole software TLB, ASIDs or not.
 * satp holds a reference to the root's frame, so a space destroyed
 * meanwhile keeps its root (emptied of user tables) until the holder lets
 * go: vpmap_destroy_root tells it to, and it does at its next switch or
 * when its scheduler loop idles or runs a kernel thread
 * (vpmap_idle_check). The hart of an exiting process is such a holder
 * too: exit destroys the space from its own satp, and the next thread's
 * activation lets go of it with the one satp write it makes.
 *
 * Who may hold what. tlb->harts has a bit for every hart that may hold
 * entries of that space: set when the hart activates it, and cleared
 * only when a flush of the space moves it to tlb->stale (the hart will
 * flush the space's ASID before it runs the space again) or a new ASID
 * makes the old entries unreachable. A hart that flushes for another
 * reason (say, the whole TLB) keeps its bit, so a later change may defer
 * a flush to a hart that holds nothing of the space any more: an extra
 * flush, never a missing one. A process has one thread, so a space runs
 * on one hart at a time, and it is changed only by that thread (running
 * here) or while it runs nowhere (a fork child before it starts, a dying
 * process).
 *
 * Who flushes, and when. Whoever changes a valid entry (a PTE, or a table
 * pointer) of a user space flushes it before returning, through the
 * vpmap call that changed it: vpmap_unmap_range, vpmap_remap,
 * vpmap_set_flags, the copy-on-write downgrade of the parent at fork
 * (vpmap_copy_range, vpmap_share_spans: one vpmap_flush_space for the
 * whole fork, which the parent's thread makes once the child is queued
 * and before it runs user code again: its stale writable entries serve
 * it alone, and the frames they map stay referenced by its table) and
 * vpmap_own_table (a shared leaf table replaced by a copy). The flush is
 * done on this hart (for the range, ASID only: the kernel's G entries
 * stay) if its bit is set. Every other hart in
 * tlb->harts does not run the space now, so it need not be interrupted:
 * its bit moves to tlb->stale, and it flushes the space's ASID (only)
 * when it next activates the space, before the space can use an entry.
 * (An SBI remote fence per change costs about 60 us on the 2-core QEMU
 * host, doubling a fork; the deferred flush costs nothing until the
 * space migrates.) Kernel mappings, global, are flushed on every hart at
 * once through an SBI remote fence (vpmap_flush_kernel). Turning an
 * entry from invalid to valid, or granting more permission, needs no
 * remote flush: a hart that still holds the old entry faults, and the
 * fault path flushes it there.
 *
 * Frames and tables are freed only once no hart can use a translation
 * to them: after the flush on this hart, the others flushing before they
 * can run the space again. vpmap_unmap_range gathers the frames and
 * tables it removes and releases them after its flush; vpmap_remap's
 * caller drops the old frame after it returns; a shared table is
 * released after the flush that drops this space's pointer to it.
 * vpmap_destroy_root frees without a flush: a destroyed space never runs
 * again, and its ASID is not given out again before a new generation
 * flushes every hart (without ASIDs, no hart kept its entries when it
 * switched away). The kernel stacks have their own rule, below.
 */

/* An address space as the TLB knows it. Zero is a valid initial value. */
struct vpmap_tlb {
    uint64_t asid;               /* generation + ASID, from its last activation; 0: none
                                  * yet. Set by the space's own thread (activation) */
    uint64_t harts[CPU_WORDS];   /* bit per cpu index: may hold its entries (atomic) */
    uint64_t stale[CPU_WORDS];   /* bit per cpu index: must flush its ASID before it
                                  * next runs it (atomic) */
};

/* Probes the ASID width (all ones into satp.ASID, read back) and starts
 * the first generation: vpmap_kernel_map's last step, on the boot hart. */
void vpmap_asid_init(void);
/* Uses at most bits ASID bits from now on (clamped to what the harts
 * implement; negative: all of them), starting a new generation; 0 is the
 * fallback without ASIDs. A test hook (asid_limit, lib/vm-ext.h). Returns
 * the bits now in use. */
int vpmap_asid_limit(int bits);
/* Switches this hart to the user space (root, tlb): one satp write with
 * its ASID, and no flush unless one is due: a flush of the space's ASID
 * deferred to this hart (tlb->stale), a new generation, or the fallback
 * without ASIDs.
 * Never leaves the hart on an ASID of a generation older than its last
 * full flush, unless another is due before its next activation (the
 * debug kernel checks it). */
void vpmap_activate(paddr_t root, struct vpmap_tlb *tlb);
/* Switches this hart to the kernel's table (ASID 0), letting go of the
 * user root it held: for a process whose space is gone (as_activate after
 * as_destroy). A kernel thread runs on whatever root its hart holds (lazy
 * switches, below). */
void vpmap_activate_kernel(void);
/* Called by the scheduler loop when it idles or runs a kernel thread,
 * interrupts off: lets go of the root this hart holds lazily if its space
 * was destroyed. */
void vpmap_idle_check(void);
/* For an exact count of free frames (info()): sends an IPI to every hart
 * told to let go of a destroyed space's root that has not done so yet.
 * Returns whether any had not; the caller yields and asks again. */
bool vpmap_idle_kick(void);
/* vpmap_destroy_root's first step: every hart holding root, this one
 * included, is told to let go (at its next switch, or vpmap_idle_check). */
void vpmap_release_root(paddr_t root);
/* Flushes [va, va + len) (len 0: every address) of every kernel (G)
 * mapping on this hart, or on every hart (SBI remote fence) if all_harts. */
void vpmap_flush_kernel(vaddr_t va, size_t len, bool all_harts);

/* Counters for vminfo (lib/vm-ext.h); atomic. */
struct vpmap_stats {
    uint64_t tables_shared;      /* leaf tables fork shared instead of copying */
    uint64_t table_copies;       /* shared leaf tables copied by a fault or an unmap */
    uint64_t asid_generations;   /* generations begun since boot */
    uint64_t remote_flushes;     /* SBI remote fences sent (kernel mappings) */
    uint64_t deferred_flushes;   /* a space's flush left to harts' next activation */
    uint64_t switches_kept;      /* activations of the space already in satp */
    int asid_bits, asid_bits_hw; /* in use; implemented */
};
/* Fills *out, each counter read once (no lock: vminfo's figures). */
void vpmap_stats(struct vpmap_stats *out);
void vpmap_asid_stats(struct vpmap_stats *out);     /* tlb.c's half of it */

/*
 * Leaf tables shared by fork (On-Demand-Fork, EuroSys '21, for the last
 * level). Fork does not copy the entries of a 2 MiB span whose regions are
 * all private anonymous memory (text, data, heap, stack: none of them is
 * ever unmapped alone) and cover a quarter of it at least, or one of
 * which covers a whole span or more (vm.c): parent and child point at
 * the same leaf table, whose frame's reference count counts its holders;
 * the table holds one reference on each frame it maps, whatever the
 * number of holders. While
 * it is shared, its entries only ever lose W (write_protect, copy_table,
 * a later fork's vpmap_copy_range): none is added, removed or pointed
 * elsewhere. A holder's pointer to it is either attached (valid: the
 * hardware walks it; the table then has no writable entry) or detached
 * (invalid, marked in a software bit). Fork detaches the parent's pointer
 * to a table the parent held alone instead of write-protecting its 512
 * entries, so fork costs one step per 2 MiB, but for the spans of the
 * parent's pc and stack, used at once, whose tables it write-protects
 * and leaves attached; a table already shared stays as it is. The first
 * fault in a detached span attaches the table (write-protecting it,
 * unless this holder is now alone with it) when no entry must change,
 * and copies it when one must (a store, or a page to map: any access to
 * a page not mapped yet). The copy (one per holder and span, counted
 * in table_copies) takes a reference on every frame and write-protects
 * its entries, and the shared table's too (the frames are now mapped
 * twice, and a holder left alone with a detached table attaches it as
 * it is), so the page fault that follows copies or takes over the page
 * as copy-on-write always did. The last holder to let go (exit, unmap,
 * its copy) releases the frames and the table.
 */
#define VPMAP_SPAN (1UL << 21)      /* what one leaf table maps: a span */

/* A new root with the kernel half filled in; ERR_NOMEM. */
err_t vpmap_create_root(paddr_t *root);
/* Frees the user half: every frame mapped (one reference each), the leaf
 * tables (or this space's hold on a shared one) and the root (once no
 * hart holds it in satp: lazy switches, above). No flush: the space must
 * never run again (the TLB rule). This hart may be on root (a process
 * destroying its own space at exit): it stays there, in the kernel, until
 * it lets go like any other holder. */
void vpmap_destroy_root(paddr_t root);
/* Maps va -> pa with flags where nothing is mapped yet; allocates tables
 * (ERR_NOMEM). va's leaf table, if any, must be this space's own (a new
 * space, or after vpmap_own_table): no flush is needed. */
err_t vpmap_map(paddr_t root, vaddr_t va, paddr_t pa, int flags);
/* Makes [start, end), within one GiB of the kernel half above the direct
 * map (RAM up to 255 GiB), an area of 4 KiB kernel mappings: allocates
 * every table it needs, so vpmap_map there never allocates. Boot only,
 * after vpmap_kernel_map, before the first vpmap_create_root; ERR_NOMEM. */
err_t vpmap_kernel_area(vaddr_t start, vaddr_t end);
/* The frame user code at va could load from (store to, if write) right
 * now without a fault: valid, user, readable (writable and already dirty,
 * if write) in a leaf table this space has attached. False otherwise
 * (unmapped, copy-on-write, not yet dirty, a detached table...): the
 * caller then takes the path that faults (uaccess.c). No lock: the caller
 * is the space's own thread, the only one that changes its entries (a
 * leaf table it shares with others has no W left to lose). */
bool vpmap_user_frame(paddr_t root, vaddr_t va, bool write, paddr_t *pa);
/* The frame va maps and its flags, or false if none (looks through shared
 * tables, attached or not). */
bool vpmap_lookup(paddr_t root, vaddr_t va, paddr_t *pa, int *flags);
/* Makes va's leaf table usable by this space before a fault changes or
 * uses an entry in it: if it is shared and change, this space gets its
 * own copy (ERR_NOMEM); if shared and not change, it is attached
 * read-only; if detached and no longer shared, it is attached as it is.
 * A no-op for a span without a shared table. */
err_t vpmap_own_table(paddr_t root, struct vpmap_tlb *tlb, vaddr_t va, bool change);
/* Changes the flags of an existing mapping in a table of this space's own
 * (vpmap_own_table); ERR_NOTEXIST if none. Only for more permission (or
 * none): flushes va on this hart only (the rule). */
err_t vpmap_set_flags(paddr_t root, struct vpmap_tlb *tlb, vaddr_t va, int flags);
/* Replaces the frame va maps (in a table of this space's own) by pa with
 * flags, and flushes it everywhere; returns the old frame, whose
 * reference the caller drops now. ERR_NOTEXIST if va is not mapped. */
err_t vpmap_remap(paddr_t root, struct vpmap_tlb *tlb, vaddr_t va, paddr_t pa, int flags,
                  paddr_t *old);
/* Removes every mapping in [start, end), walking only tables that exist,
 * flushes them (tlb NULL: a kernel range, flushed on this hart; the
 * kernel stacks' own rule), then drops the references of their frames.
 * A span wholly inside drops its hold on a shared table at once; a table
 * of this space's own (leaf or level-1) that the unmap leaves with no
 * entry is freed after the flush, so a program's released memory comes
 * back whole, tables included; a shared one only partly inside is
 * copied first if it maps anything in the range (ERR_NOMEM then, before
 * anything changed), else left shared and as it was. A user range
 * (tlb not NULL) only: the kernel's tables stay. */
err_t vpmap_unmap_range(paddr_t root, struct vpmap_tlb *tlb, vaddr_t start, vaddr_t end);
/* Copies the mappings of [start, end) from src to dst for fork, a
 * reference on each frame. With cow, writable entries become read-only in
 * both tables (copy-on-write); without, entries are copied as they are
 * (shared views). Sets *flush if src's entries changed: the caller
 * flushes src once (vpmap_flush_space) when done. ERR_NOMEM if a table
 * could not be allocated (dst keeps what was copied). */
err_t vpmap_copy_range(paddr_t dst, paddr_t src, vaddr_t start, vaddr_t end, bool cow,
                       bool *flush);
/* Fork's sharing of the 2 MiB spans of [start, end) (aligned), whose
 * regions are all private anonymous memory (vm.c decides): for each span,
 * dst holds src's leaf table too, if src has one and dst does not yet. If
 * src held the table alone, its pointer is detached, or, for a hot span
 * (one both sides use at once: the spans of hot[0] and hot[1], the
 * parent's pc and stack pointer), the table is write-protected now and
 * stays attached (*flush set either way, as above). ERR_NOMEM (a dst
 * table): the spans before it are shared, as with vpmap_copy_range. */
err_t vpmap_share_spans(paddr_t dst, paddr_t src, vaddr_t start, vaddr_t end,
                        const vaddr_t hot[2], bool *flush);
/* Flushes every entry of the space tlb, everywhere it may be held. */
void vpmap_flush_space(struct vpmap_tlb *tlb);
/* Flushes [va, va + len) (len 0: all) of the space tlb on this hart if it
 * may hold it; if everywhere, all of the space on every other hart that
 * may hold it too, whose bits then go. The caller is the space's thread,
 * or the space runs nowhere. */
void vpmap_flush_range(struct vpmap_tlb *tlb, vaddr_t va, size_t len, bool everywhere);
/* Calls fn for every user mapping in [start, end), in address order. */
void vpmap_walk(paddr_t root, vaddr_t start, vaddr_t end,
                void (*fn)(vaddr_t va, paddr_t pa, int flags, void *arg), void *arg);

/*
 * Kernel stacks (kernel/arch/riscv/kstack.c). The top GiB of the address
 * space is cut into slots: an unmapped guard page, then KSTACK_PAGES pages,
 * so an overflow faults instead of corrupting memory. The tables of every
 * slot that can ever be needed (one slot per KSTACK_PAGES frames of RAM,
 * so the area never runs out before memory does) are made at boot; a
 * stack's frames are allocated with its thread and freed with it.
 * Locking: one spinlock for the slot bitmaps, a leaf in the lock order
 * (LOCK_KSTACKS, synch.h).
 *
 * The kernel stacks' TLB rule. Stack pages are global (G): a hart keeps
 * their entries across satp switches, whatever the ASID, so after a slot
 * is unmapped a hart that used it may still translate it to the old
 * frames. Hence:
 *  1. A freed slot is dirty: it is not handed out again until every hart
 *     has flushed its TLB since it was unmapped, or has been idle in its
 *     scheduler loop (vpmap_kstack_idle) and will flush before it touches
 *     any stack again (vpmap_kstack_sync). Once 32 stacks are dirty they
 *     form a batch, which waits for each hart's own flush: a busy hart's
 *     scheduler loop makes it within a tick, an idle hart's on waking.
 *     When an allocation finds no clean slot, every dirty slot joins the
 *     batch and the allocation waits for it to end, with an IPI to each
 *     busy hart it waits for (its handler flushes); idle harts are not
 *     woken. Once the slot is reused every stale entry is gone, on every
 *     hart. So the new owner, its creator and any thread handed a
 *     pointer into the stack (a futex waiter lives on its waiter's stack)
 *     reach the new frames on whatever hart they run, without flushing on
 *     switches (ASIDs may keep entries across them).
 *  2. The old frames wait for the flushes too, like every other frame (no
 *     frame is reused before its flush): a dirty slot's frames are kept
 *     aside and go back to pmem only when their batch ends. So that they
 *     hold little memory, a stack that finds no free frame, and
 *     vpmap_kstack_reclaim, wait for the batch of every dirty slot too.
 * The other direction, invalid to valid on mapping, is no stale entry, but
 * the privileged spec lets a hart that has not fenced since still fault on
 * the new page once. A thread's own stack must never fault (the trap
 * would push onto it), so the scheduler fences a stack on each hart the
 * first time its thread runs there (thread.kstack_fenced). Any other
 * access (the creator filling the trap frame, a futex wake) may take that
 * one fault: it is fenced and retried (vpmap_kstack_spurious), the lazy
 * way the spec allows.
 */

/* Sets up the area's tables (boot hart, after pmem_init; panics if they do
 * not fit, which only a machine too small to boot would see). */
void vpmap_kstack_init(void);
/* A stack of KSTACK_PAGES frames: a spare (a freed one kept mapped) if
 * there is one, with the harts that fenced it since it was mapped in
 * fenced (unless NULL), else fresh frames mapped in a clean slot, fenced
 * by none. Returns its lowest address in *base; ERR_NOMEM when no frame
 * (or, on a machine with over 800 MiB, no slot) is left. Call with no
 * spinlock held: short of slots or frames it waits for the other harts'
 * flushes (the rule above), which they make with interrupts on. */
err_t vpmap_kstack_alloc(vaddr_t *base, uint64_t fenced[CPU_WORDS]);
/* A hart's emergency stack (trapvec.S): EMERGENCY_PAGES fresh frames at
 * the top of a clean slot, so the rest of the slot is its guard; fenced
 * on the calling hart (a hart started later fences everything as it turns
 * paging on). Returns its top in *top; ERR_NOMEM as vpmap_kstack_alloc. */
err_t vpmap_emergency_stack_alloc(vaddr_t *top);
/* Frees the stack at base (any address in its slot): kept mapped as a
 * spare, with the harts that fenced it (fenced), while there are few;
 * else, or if fenced is NULL (an emergency stack, never a spare),
 * unmapped: the slot is dirty and its frames return to pmem when its
 * batch ends (the rule above). Its thread (or hart) must have switched away
 * for good. */
void vpmap_kstack_free(vaddr_t base, const uint64_t fenced[CPU_WORDS]);
/* Frees the spares, then waits for the batch of every freed stack if any
 * frames wait, so they are back in pmem when this returns (for info(),
 * whose free_pages counts every frame that nothing uses). IPIs only the
 * busy harts that must flush; takes the kernel-stack lock. Call with
 * no spinlock held, as vpmap_kstack_alloc. */
void vpmap_kstack_reclaim(void);
/* The scheduler loop's first step, each time round and before it lets
 * interrupts in (interrupts off), and a software interrupt's handler (a
 * waiter for a batch asks by an IPI): ends this hart's idle spell, and if
 * a batch of freed stacks began since this hart last flushed, flushes its
 * whole TLB and ends the batch if no other hart is still waited for. */
void vpmap_kstack_sync(void);
/* The scheduler loop found nothing to run (interrupts off, no lock held):
 * until its next vpmap_kstack_sync this hart touches no stack but its
 * own, so a batch need not wait for its flush; ends the open batch if it
 * waited for this hart alone. */
void vpmap_kstack_idle(void);
/* Flushes this hart's TLB for the stack at base. */
void vpmap_kstack_fence(vaddr_t base);
/* True if va is a guard page of the kernel-stack area (stack overflow). */
bool vpmap_is_kstack_guard(vaddr_t va);
/* For a kernel load or store page fault at va: true if va is in a mapped
 * stack, so this hart only had not seen the mapping yet; the page is now
 * fenced and the access may be retried. */
bool vpmap_kstack_spurious(vaddr_t va);

#endif /* _KERNEL_VPMAP_H_ */
