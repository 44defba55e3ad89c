/*
 * Kernel stacks: slots in the top GiB of the address space, frames
 * allocated per thread, and the batches that make freed slots reusable
 * (contract and TLB rule in vpmap.h).
 *
 * A slot is clean (free, no hart holds a TLB entry for it), taken (a
 * thread's stack) or dirty (freed, its batch not ended yet). `taken` has
 * a bit for every slot that is taken or dirty; `dirty` for the dirty ones
 * in no batch yet, `batch` for those of the open batch, so ending it is
 * `taken &= ~batch`. New stacks take the lowest clean slot.
 *
 * A freed stack's frames wait for the batch too (a hart may still
 * translate the dead slot to them): they are kept on a list, linked
 * through their first word, and go back to pmem only when it ends. Once
 * PENDING_MAX frames wait, the dirty slots and their frames form a batch
 * (one at a time), which ends once every hart has flushed its own TLB
 * since it began, or was idle (vpmap_kstack_sync, vpmap_kstack_idle: a
 * hart flushes when its scheduler loop comes round, within a tick when it
 * runs threads). When a stack finds no slot or no frame, and when info()
 * counts the free frames (vpmap_kstack_reclaim), every dirty slot joins
 * the batch and the caller waits for it to end, sending an IPI to each
 * busy hart it waits for, whose handler flushes (clean_all).
 *
 * This sends no IPI to an idle hart and takes no lock while it waits.
 * The purge it replaces was one SBI remote fence under ks.lock, which
 * waits until every other hart has taken the firmware's IPI: under QEMU,
 * with more harts than host cores, until the host has run each of their
 * threads, idle ones woken for it, 4 to 18 ms, while every hart freeing a
 * stack spun on ks.lock (docs/performance.md, "Four harts against two").
 *
 * A thread's stack, freed, is first kept mapped as a spare (at most
 * SPARE_MAX, 256 KiB) for the next thread: a fork + exit would otherwise
 * map four frames and unmap them again, flushing each page (under QEMU
 * each sfence.vma empties the hart's whole software TLB), and the frames
 * would wait for a fence on every hart. A spare's mapping never changed,
 * so the harts that fenced it need not again: its fenced harts go with it.
 * vpmap_kstack_reclaim frees the spares too.
 */
#include <kernel/vpmap.h>
#include <kernel/config.h>
#include <kernel/console.h>
#include <kernel/ipi.h>
#include <kernel/platform.h>
#include <kernel/pmem.h>
#include <kernel/string.h>
#include <kernel/synch.h>
#include <kernel/thread.h>
#include <kernel/vm.h>

#define KSTACK_AREA 0xFFFFFFFFC0000000UL          /* root entry 511 */
#define SLOT_PAGES (KSTACK_PAGES + 1)             /* the guard page, then the stack */
#define SLOT_SIZE (SLOT_PAGES * PG_SIZE)
#define MAX_SLOTS ((1UL << 30) / SLOT_SIZE)
#define WORDS ((MAX_SLOTS + 63) / 64)
#define PENDING_MAX (32 * KSTACK_PAGES)          /* frames: a fence per 32 exits at most */
#define SPARE_MAX 16                              /* freed stacks kept mapped for reuse */

_Static_assert(EMERGENCY_PAGES <= KSTACK_PAGES, "an emergency stack fits a slot");

static struct {
    struct spinlock lock;        /* LOCK_KSTACKS, a leaf: frames are freed after it */
    size_t nslots;               /* slots whose tables exist (set at boot, then constant) */
    /* guarded by lock */
    size_t ndirty;
    size_t first_word;           /* the words before it have no clean slot: a
                                  * slot turns clean only as a batch ends */
    uint64_t taken[WORDS];       /* bit per slot: taken or dirty */
    uint64_t dirty[WORDS];       /* bit per slot: freed, in no batch yet */
    paddr_t pending;             /* frames of dirty slots, awaiting the fence
                                  * (0: none; each holds the next's address) */
    size_t npending;
    uint64_t batch[WORDS];       /* bit per slot: dirty, in the open batch */
    paddr_t batch_frames;        /* their frames, a list as pending */
    uint64_t batch_epoch;        /* the open batch's epoch; 0: none open (atomic
                                  * reads without the lock: vpmap_kstack_idle) */
    uint64_t ended_epoch;        /* the last ended batch's; atomic reads (clean_all) */
    uint64_t giving_back;        /* ended batches whose frames are not back in pmem
                                  * yet (give_back); atomic, clean_all waits for 0 */
    struct {
        vaddr_t base;
        uint64_t fenced[CPU_WORDS];
    } spare[SPARE_MAX];          /* freed thread stacks, still mapped */
    int nspare;
} ks;

/* Read without ks.lock, all sequentially consistent: a hart stores its
 * own idle flag, then reads epoch; ending a batch reads each hart's words
 * after its epoch was stored. So a hart that ends its idle spell after a
 * batch began sees the batch and flushes first (vpmap_kstack_sync). */
static uint64_t epoch;                 /* the last batch's (1, 2, ...) */
static uint64_t flushed_epoch[NCPU];   /* by cpu index: the epoch its last flush covers */
static bool idle[NCPU];                /* by cpu index: touches no stack but its own
                                        * until its next vpmap_kstack_sync */

/* The lowest address of slot's stack (above its guard page). */
static vaddr_t stack_of(size_t slot)
{
    return KSTACK_AREA + slot * SLOT_SIZE + PG_SIZE;
}

/* Sizes the kernel-stack area to the memory (a slot per possible stack and
 * an emergency stack per hart) and builds its page tables now, so mapping a
 * stack later never allocates a table. Once at boot. */
void vpmap_kstack_init(void)
{
    spinlock_init(&ks.lock, "kstacks", LOCK_KSTACKS);
    /* The others run nothing before their first vpmap_kstack_sync (and
     * one that never starts, nothing at all). */
    for (int i = 1; i < NCPU; i++)
        idle[i] = true;
    /* A slot per KSTACK_PAGES frames, and one more per hart for its
     * emergency stack, which takes a slot for fewer frames. */
    ks.nslots = pmem_total_pages() / KSTACK_PAGES + platform.nharts;
    if (ks.nslots > MAX_SLOTS)
        ks.nslots = MAX_SLOTS;
    if (vpmap_kernel_area(KSTACK_AREA, KSTACK_AREA + ks.nslots * SLOT_SIZE) != ERR_OK)
        panic("no memory for the kernel-stack tables");
}

/* The lowest clean slot, taken for the caller, or -1. ks.lock held. */
static long take_clean_slot(void)
{
    for (size_t w = ks.first_word; w * 64 < ks.nslots; w++) {
        ks.first_word = w;
        if (ks.taken[w] == ~0UL)
            continue;
        size_t bit = 0;          /* no __builtin_ctzl: the kernel links no libgcc */
        while (ks.taken[w] & (1UL << bit))
            bit++;
        size_t slot = w * 64 + bit;
        if (slot >= ks.nslots)
            return -1;
        ks.taken[w] |= 1UL << bit;
        return slot;
    }
    return -1;
}

/* Ends the open batch: its slots become clean, and its frames' list is
 * returned, for give_back once ks.lock is dropped. ks.lock held. */
static paddr_t batch_end(void)
{
    __atomic_add_fetch(&ks.giving_back, 1, __ATOMIC_RELAXED);   /* seen with ended_epoch */
    for (size_t w = 0; w * 64 < ks.nslots; w++) {
        ks.taken[w] &= ~ks.batch[w];
        ks.batch[w] = 0;
    }
    ks.first_word = 0;
    __atomic_store_n(&ks.ended_epoch, ks.batch_epoch, __ATOMIC_RELEASE);
    __atomic_store_n(&ks.batch_epoch, 0, __ATOMIC_SEQ_CST);
    paddr_t frames = ks.batch_frames;
    ks.batch_frames = 0;
    return frames;
}

/* Whether a batch of epoch e still waits for hart i: it is busy and has
 * not flushed since the batch began. Reads without ks.lock. */
static bool waits_for(int i, uint64_t e)
{
    return !__atomic_load_n(&idle[i], __ATOMIC_SEQ_CST) &&
           __atomic_load_n(&flushed_epoch[i], __ATOMIC_SEQ_CST) < e;
}

/* Whether a batch of epoch e still waits for any hart. */
static bool waits_for_any(uint64_t e)
{
    for (int i = 0; i < platform.nharts; i++)
        if (waits_for(i, e))
            return true;
    return false;
}

/* Ends the open batch if every hart has flushed since it began, or is
 * idle (below): true, and its frames in *frames, for give_back. ks.lock
 * held. */
static bool batch_try_end(paddr_t *frames)
{
    if (!ks.batch_epoch || waits_for_any(ks.batch_epoch))
        return false;
    *frames = batch_end();
    return true;
}

/* Flushes this hart's TLB, kernel entries included, and notes the epoch
 * it covers: read before the flush, so every batch up to it began (its
 * PTEs cleared) before the flush. Interrupts off. */
static void flush_own(void)
{
    uint64_t e = __atomic_load_n(&epoch, __ATOMIC_SEQ_CST);
    vpmap_flush_kernel(0, 0, false);
    __atomic_store_n(&flushed_epoch[mycpu()->id], e, __ATOMIC_SEQ_CST);
}

/* Moves the dirty slots and their frames to the batch (a new one, or the
 * open one, which then waits for every hart's flush again: one may have
 * flushed before these slots were unmapped), flushes this hart, and ends
 * the batch at once if every other hart is idle (as batch_try_end).
 * ks.lock held. */
static bool batch_add(paddr_t *frames)
{
    for (size_t w = 0; w * 64 < ks.nslots; w++) {
        ks.batch[w] |= ks.dirty[w];
        ks.dirty[w] = 0;
    }
    ks.ndirty = 0;
    paddr_t *tail = &ks.pending;
    while (*tail)
        tail = (paddr_t *)kmap_p2v(*tail);
    *tail = ks.batch_frames;
    ks.batch_frames = ks.pending;
    ks.pending = 0;
    ks.npending = 0;
    __atomic_store_n(&ks.batch_epoch, __atomic_add_fetch(&epoch, 1, __ATOMIC_SEQ_CST),
                     __ATOMIC_SEQ_CST);
    flush_own();
    return batch_try_end(frames);
}

/* Gives the frames of an ended batch (batch_end's list) back to pmem. */
static void give_back(paddr_t pa)
{
    while (pa) {
        paddr_t next = *(paddr_t *)kmap_p2v(pa);
        pmem_free(pa);
        pa = next;
    }
    __atomic_sub_fetch(&ks.giving_back, 1, __ATOMIC_RELEASE);
}

/* A spare stack, taken (false if none); its fenced harts into fenced
 * unless NULL. */
static bool take_spare(vaddr_t *base, uint64_t *fenced)
{
    spinlock_acquire(&ks.lock);
    bool any = ks.nspare > 0;
    if (any) {
        ks.nspare--;
        *base = ks.spare[ks.nspare].base;
        if (fenced)
            memcpy(fenced, ks.spare[ks.nspare].fenced, sizeof(ks.spare[0].fenced));
    }
    spinlock_release(&ks.lock);
    return any;
}

/* Unmaps a dead thread's stack but keeps its frames until its batch ends
 * (another hart may still translate to them). */
static void unmap_stack(vaddr_t base)
{
    size_t slot = (base - KSTACK_AREA) / SLOT_SIZE;
    vaddr_t lo = stack_of(slot);
    /* A reference on each frame, so the unmap leaves them to us: another
     * hart may translate the slot to them until the batch ends (vpmap.h). */
    paddr_t frames = 0, last = 0;     /* the list's head and tail */
    size_t nframes = 0;
    for (size_t i = 0; i < KSTACK_PAGES; i++) {
        paddr_t pa;
        if (!vpmap_lookup(vpmap_kernel_root(), lo + i * PG_SIZE, &pa, NULL))
            continue;            /* an emergency stack maps only its top */
        pmem_inc_ref(pa);
        *(paddr_t *)kmap_p2v(pa) = frames;
        if (!frames)
            last = pa;
        frames = pa;
        nframes++;
    }
    /* Flushed on this hart only: the slot is dirty until every hart has
     * flushed (vpmap.h). */
    vpmap_unmap_range(vpmap_kernel_root(), NULL, lo, lo + KSTACK_PAGES * PG_SIZE);
    paddr_t freed = 0;
    bool ended = false;
    spinlock_acquire(&ks.lock);
    ks.dirty[slot / 64] |= 1UL << (slot % 64);
    ks.ndirty++;
    if (frames) {
        *(paddr_t *)kmap_p2v(last) = ks.pending;
        ks.pending = frames;
        ks.npending += nframes;
    }
    if (ks.npending >= PENDING_MAX && !ks.batch_epoch)
        ended = batch_add(&freed);
    spinlock_release(&ks.lock);
    if (ended)
        give_back(freed);
}

/* Ends the open batch if it waits for no hart any more (batch_try_end). */
static void try_end(void)
{
    paddr_t freed;
    spinlock_acquire(&ks.lock);
    bool ended = batch_try_end(&freed);
    spinlock_release(&ks.lock);
    if (ended)
        give_back(freed);
}

/* Flushes this hart if a batch began since its last flush, and ends the
 * batch if this was the last hart it waited for. Interrupts off. */
static void catch_up(void)
{
    if (__atomic_load_n(&flushed_epoch[mycpu()->id], __ATOMIC_SEQ_CST) >=
        __atomic_load_n(&epoch, __ATOMIC_SEQ_CST))
        return;
    flush_own();
    try_end();
}

/* Makes every dirty slot clean and gives its frames back before it
 * returns: they join the batch, and each busy hart the batch waits for
 * gets an IPI, whose handler flushes (vpmap_kstack_sync); idle harts are
 * left asleep. A batch another hart ended is waited for until that hart
 * has given its frames back too (giving_back). It holds no lock while it
 * waits, and its caller must hold no spinlock: a hart spinning for one
 * has interrupts off, so it would take no IPI and never flush. This hart
 * catches up on each turn of the wait, in case its thread moved to a
 * hart that had not flushed. */
static void clean_all(void)
{
#ifdef DEBUG
    if (mycpu()->locks_held.n > 0)
        panic("vpmap_kstack: waiting for other harts' flushes holding %s",
              mycpu()->locks_held.held[mycpu()->locks_held.n - 1].name);
#endif
    paddr_t freed;
    spinlock_acquire(&ks.lock);
    bool ended = ks.ndirty > 0 && batch_add(&freed);
    uint64_t wanted = ks.batch_epoch;
    spinlock_release(&ks.lock);
    if (ended)
        give_back(freed);
    for (int i = 0; wanted && i < platform.nharts; i++)   /* 0: no batch open */
        if (waits_for(i, wanted))
            ipi_send(i);
    while (__atomic_load_n(&ks.ended_epoch, __ATOMIC_ACQUIRE) < wanted ||
           __atomic_load_n(&ks.giving_back, __ATOMIC_ACQUIRE) > 0) {
        push_off();
        catch_up();
        /* The harts it waited for may have gone idle: ended here then,
         * but ks.lock is taken only once the batch looks done, not at
         * every turn of the wait (other harts free stacks under it). */
        uint64_t open = __atomic_load_n(&ks.batch_epoch, __ATOMIC_SEQ_CST);
        if (open && !waits_for_any(open))
            try_end();
        pop_off();
    }
}

/* Frees the spares and cleans every freed stack now, so their frames are
 * back in pmem (info()'s free page count). Contract in <kernel/vpmap.h>. */
void vpmap_kstack_reclaim(void)
{
    vaddr_t base;
    while (take_spare(&base, NULL))
        unmap_stack(base);
    clean_all();
}

/* Takes `pages` fresh frames into frames[]; if pmem has none, the ones
 * awaiting a batch are reclaimed first. ERR_NOMEM if there are still
 * too few. */
static err_t alloc_frames(int pages, paddr_t *frames)
{
    for (int i = 0; i < pages; i++) {
        if (pmem_alloc(&frames[i]) == ERR_OK)
            continue;
        vpmap_kstack_reclaim();
        if (pmem_alloc(&frames[i]) == ERR_OK)
            continue;
        while (i-- > 0)
            pmem_free(frames[i]);
        return ERR_NOMEM;
    }
    return ERR_OK;
}

/* A clean slot with `pages` fresh frames mapped at the top of its stack
 * part (the rest of the slot stays unmapped); *base is the lowest mapped
 * address. ERR_NOMEM when no frame or slot is left. */
static err_t alloc_stack(int pages, vaddr_t *base)
{
    paddr_t frames[KSTACK_PAGES];
    if (alloc_frames(pages, frames) != ERR_OK)
        return ERR_NOMEM;
    spinlock_acquire(&ks.lock);
    long slot = take_clean_slot();
    bool dirty = slot < 0 && (ks.ndirty > 0 || ks.batch_epoch);
    spinlock_release(&ks.lock);
    if (dirty) {
        clean_all();
        spinlock_acquire(&ks.lock);
        slot = take_clean_slot();
        spinlock_release(&ks.lock);
    }
    if (slot < 0) {
        for (int i = 0; i < pages; i++)
            pmem_free(frames[i]);
        return ERR_NOMEM;
    }
    vaddr_t lo = stack_of(slot) + (KSTACK_PAGES - pages) * PG_SIZE;
    for (int i = 0; i < pages; i++)
        if (vpmap_map(vpmap_kernel_root(), lo + i * PG_SIZE, frames[i],
                      MEMPERM_R | MEMPERM_W | VPMAP_GLOBAL | VPMAP_DIRTY) != ERR_OK)
            panic("kernel-stack slot %ld has no table", slot);
    *base = lo;
    return ERR_OK;
}

/* A spare if there is one, else a fresh stack (no hart has fenced it).
 * Contract in <kernel/vpmap.h>. */
err_t vpmap_kstack_alloc(vaddr_t *base, uint64_t fenced[CPU_WORDS])
{
    if (take_spare(base, fenced))
        return ERR_OK;
    if (fenced)
        memset(fenced, 0, CPU_WORDS * sizeof(uint64_t));
    return alloc_stack(KSTACK_PAGES, base);
}

/* A hart's emergency stack, fenced on the calling hart, which may be the
 * one that will use it. Contract in <kernel/vpmap.h>. */
err_t vpmap_emergency_stack_alloc(vaddr_t *top)
{
    vaddr_t base;
    if (alloc_stack(EMERGENCY_PAGES, &base) != ERR_OK)
        return ERR_NOMEM;
    vpmap_flush_kernel(base, EMERGENCY_PAGES * PG_SIZE, false);  /* for this hart, if it is the one */
    *top = base + EMERGENCY_PAGES * PG_SIZE;
    return ERR_OK;
}

/* Keeps a thread's stack as a spare if there is room (and fenced says
 * which harts fenced it), else unmaps it. Contract in <kernel/vpmap.h>. */
void vpmap_kstack_free(vaddr_t base, const uint64_t fenced[CPU_WORDS])
{
    if (fenced) {
        spinlock_acquire(&ks.lock);
        bool kept = ks.nspare < SPARE_MAX;
        if (kept) {
            ks.spare[ks.nspare].base = base;
            memcpy(ks.spare[ks.nspare].fenced, fenced, sizeof(ks.spare[0].fenced));
            ks.nspare++;
        }
        spinlock_release(&ks.lock);
        if (kept)
            return;
    }
    unmap_stack(base);
}

/* The scheduler loop's pass, before anything else and before it lets
 * interrupts in: flushes this hart if a batch began since its last
 * flush, and ends the batch if this was the last hart it waited for.
 * Contract in <kernel/vpmap.h>. */
void vpmap_kstack_sync(void)
{
    __atomic_store_n(&idle[mycpu()->id], false, __ATOMIC_SEQ_CST);
    catch_up();
}

/* A hart that goes idle without flushing may be the last one an open
 * batch waited for: it ends the batch then, as no other hart would look
 * again until one flushes. Its flag is stored before it looks, so a
 * batch begun after the look sees it idle. Contract in <kernel/vpmap.h>. */
void vpmap_kstack_idle(void)
{
    __atomic_store_n(&idle[mycpu()->id], true, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&ks.batch_epoch, __ATOMIC_SEQ_CST))
        try_end();
}

/* Called by sched_loop the first time a thread runs on this hart: the
 * stack may have been mapped since this hart last fenced, and a fault on
 * a thread's own stack cannot be taken (the trap pushes onto it; vpmap.h).
 * This hart only: each hart fences when it first runs the thread. */
void vpmap_kstack_fence(vaddr_t base)
{
    vpmap_flush_kernel(base, KSTACK_PAGES * PG_SIZE, false);
}

/* True for the first page of each slot: the unmapped guard below a stack,
 * so the trap handler can report a kernel stack overflow. */
bool vpmap_is_kstack_guard(vaddr_t va)
{
    if (va < KSTACK_AREA)
        return false;
    return ((va - KSTACK_AREA) / PG_SIZE) % SLOT_PAGES == 0;
}

/* A kernel fault on a mapped stack page is only this hart not having seen
 * the new mapping: fence it and let the access retry.
 * Contract in <kernel/vpmap.h>. */
bool vpmap_kstack_spurious(vaddr_t va)
{
    if (va < KSTACK_AREA || vpmap_is_kstack_guard(va) ||
        !vpmap_lookup(vpmap_kernel_root(), pg_round_down(va), NULL, NULL))
        return false;
    vpmap_flush_kernel(pg_round_down(va), PG_SIZE, false);
    return true;
}
