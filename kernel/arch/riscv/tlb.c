/*
 * The TLB: ASIDs, switching address spaces, and flush(), the one function
 * that flushes (the rule is in vpmap.h).
 *
 * An address space's ASID lives in its struct vpmap_tlb as generation +
 * ASID: generations count in steps of ASID_GEN, above any ASID. A space
 * activated with an ASID of an older generation gets the next free one
 * of the current generation; when none is left (or vpmap_asid_limit
 * changes the width), a new generation begins, every hart is marked to
 * flush everything once before its next activation, and the ASIDs are
 * handed out again from 1 (0 is the kernel table's). So a switch writes
 * satp and flushes nothing, but once per generation.
 */
#include <kernel/vpmap.h>
#include <kernel/console.h>
#include <kernel/ipi.h>
#include <kernel/platform.h>
#include <kernel/pmem.h>
#include <kernel/race.h>
#include <kernel/riscv.h>
#include <kernel/sbi.h>
#include <kernel/synch.h>
#include <kernel/thread.h>

#define SATP_ASID_SHIFT 44
#define SATP_ASID_MAX 0xFFFFUL            /* Sv39's ASID field: 16 bits */
#define ASID_GEN (SATP_ASID_MAX + 1)      /* one generation, in struct vpmap_tlb.asid */
#define FLUSH_PAGES_MAX 32                /* longer ranges flush the whole ASID */
#define ALL_ASIDS (-1L)                   /* flush(): every entry, G ones too */

static struct {
    struct spinlock lock;                 /* LOCK_ASID: next, and starting a generation */
    int bits, bits_hw;                    /* in use; implemented (probed) */
    uint64_t generation;                  /* a multiple of ASID_GEN; atomic reads */
    uint64_t next;                        /* the next ASID to hand out */
    uint64_t stale[CPU_WORDS];            /* harts to flush all before their next
                                           * activation (a new generation); atomic */
    uint64_t satp[NCPU];                  /* by cpu index: what the hart's satp holds;
                                           * written by its own hart, read by any */
    bool let_go[NCPU];                    /* by cpu index: its satp may hold a destroyed
                                           * space's root, to let go (atomic) */
    uint64_t generations, remote_flushes, deferred_flushes, switches_kept;  /* vpmap_stats;
                                                                              * atomic */
#ifdef DEBUG
    uint64_t flushed[NCPU];               /* by cpu index: a generation its last full
                                           * flush covered (check_generation) */
#endif
} asids;

/* The masks are changed by other harts (atomic RMWs): reads are atomic
 * too, relaxed, as the ordering comes from the RMWs and the locks. */
static bool test_bit(const uint64_t *mask, int i)
{
    return __atomic_load_n(&mask[i / 64], __ATOMIC_RELAXED) & (1UL << (i % 64));
}
/* Atomic, as another hart may change other bits of the same word at once
 * (a switch marks the hart, a flush reads and clears the mask). Sequentially
 * consistent: a hart's bit must be seen set before it reads the space's
 * translations, or a flush could skip a hart that is about to use them. */
static void set_bit(uint64_t *mask, int i)
{
    __atomic_fetch_or(&mask[i / 64], 1UL << (i % 64), __ATOMIC_SEQ_CST);
}
/* Atomic for the same reason as set_bit. */
static void clear_bit(uint64_t *mask, int i)
{
    __atomic_fetch_and(&mask[i / 64], ~(1UL << (i % 64)), __ATOMIC_SEQ_CST);
}

/* This hart's part of a flush: one sfence.vma per page of the range, or
 * one for everything. asid ALL_ASIDS takes G entries too. */
static void flush_here(long asid, vaddr_t va, size_t len)
{
    if (len == 0 || len > FLUSH_PAGES_MAX * PG_SIZE) {
        if (asid == ALL_ASIDS)
            __asm__ volatile("sfence.vma zero, zero" ::: "memory");
        else
            __asm__ volatile("sfence.vma zero, %0" ::"r"(asid) : "memory");
        return;
    }
    for (vaddr_t a = pg_round_down(va); a < va + len; a += PG_SIZE) {
        if (asid == ALL_ASIDS)
            __asm__ volatile("sfence.vma %0, zero" ::"r"(a) : "memory");
        else
            __asm__ volatile("sfence.vma %0, %1" ::"r"(a), "r"(asid) : "memory");
    }
}

/*
 * The one flush. Flushes [va, va + len) (len 0: everything) of ASID asid
 * (ALL_ASIDS: every entry, G ones included) on this hart if it is in
 * harts, and, for ALL_ASIDS only (kernel mappings), on every other hart
 * in harts through one SBI remote fence per 64 hart ids: a user space's
 * entries on other harts are flushed there, later (vpmap_flush_range).
 * harts NULL means this hart alone. The page-table
 * stores before it are ordered before the fences: sfence.vma orders them
 * here, and the SBI call is a fence for the harts it reaches (the
 * firmware's IPI path orders memory). Returns with the fences done.
 */
static void flush(const uint64_t *harts, long asid, vaddr_t va, size_t len)
{
    bool on = intr_get();
    intr_off();                           /* stay on this hart */
    int self = mycpu()->id;
    if (!harts || test_bit(harts, self))
        flush_here(asid, va, len);
    if (harts && asid == ALL_ASIDS) {
        __sync_synchronize();
        for (uint64_t base = 0;; base += 64) {
            unsigned long mask = 0;
            bool more = false;
            for (int i = 0; i < platform.nharts; i++) {
                uint64_t id = platform.hartids[i];
                if (i != self && test_bit(harts, i) && id >= base && id < base + 64)
                    mask |= 1UL << (id - base);
                more |= id >= base + 64;
            }
            if (mask) {
                __atomic_fetch_add(&asids.remote_flushes, 1, __ATOMIC_RELAXED);
                sbi_remote_sfence_vma(mask, base, va, len ? len : (unsigned long)-1);
            }
            if (!more)
                break;
        }
    }
    if (on)
        intr_on();
}

/* Kernel (G) mappings are in every space, so flush() takes every ASID,
 * here or on every hart. Contract in <kernel/vpmap.h>. */
void vpmap_flush_kernel(vaddr_t va, size_t len, bool all_harts)
{
    uint64_t all[CPU_WORDS] = { 0 };
    for (int i = 0; i < platform.nharts; i++)
        all[i / 64] |= 1UL << (i % 64);
    flush(all_harts ? all : NULL, ALL_ASIDS, va, len);
}

/* A user space's flush: now on this hart if it may hold t's entries; on
 * the others (everywhere) deferred through t->stale to their next
 * vpmap_activate, as they do not run t now. Contract in <kernel/vpmap.h>. */
void vpmap_flush_range(struct vpmap_tlb *t, vaddr_t va, size_t len, bool everywhere)
{
    long asid = t->asid & SATP_ASID_MAX;
    bool on = intr_get();
    intr_off();
    int self = mycpu()->id;
    if (test_bit(t->harts, self))
        flush(NULL, asid, va, len);
    if (everywhere) {
        /* The other harts do not run t now (one thread): each flushes
         * t's ASID when it next activates t, before any use. */
        for (int w = 0; w < CPU_WORDS; w++) {
            uint64_t others = __atomic_load_n(&t->harts[w], __ATOMIC_SEQ_CST);
            if (w == self / 64)
                others &= ~(1UL << (self % 64));
            if (!others)
                continue;
            __atomic_fetch_or(&t->stale[w], others, __ATOMIC_SEQ_CST);
            __atomic_fetch_and(&t->harts[w], ~others, __ATOMIC_SEQ_CST);
            __atomic_fetch_add(&asids.deferred_flushes, 1, __ATOMIC_RELAXED);
        }
    }
    if (on)
        intr_on();
}

/* A whole-space flush: fork's copy-on-write downgrade of the parent, which
 * may change any number of entries. Contract in <kernel/vpmap.h>. */
void vpmap_flush_space(struct vpmap_tlb *t)
{
    vpmap_flush_range(t, 0, 0, true);
}

/* Starts a generation: every hart flushes all before its next activation.
 * asids.lock held. */
static void new_generation(void)
{
    __atomic_store_n(&asids.generation, asids.generation + ASID_GEN, __ATOMIC_SEQ_CST);
    asids.next = 1;
    for (int i = 0; i < platform.nharts; i++)
        set_bit(asids.stale, i);
    __atomic_fetch_add(&asids.generations, 1, __ATOMIC_RELAXED);
}

/* Probes the ASID width by writing all ones to satp.ASID and reading it
 * back, then starts the first generation with a clean TLB on this hart.
 * Contract in <kernel/vpmap.h>. */
void vpmap_asid_init(void)
{
    spinlock_init(&asids.lock, "asid", LOCK_ASID);
    uint64_t satp = csr_read(satp);
    csr_write(satp, satp | (SATP_ASID_MAX << SATP_ASID_SHIFT));
    uint64_t got = (csr_read(satp) >> SATP_ASID_SHIFT) & SATP_ASID_MAX;
    csr_write(satp, satp);
    int bits = 0;
    while (bits < 16 && (got & (1UL << bits)))
        bits++;
    asids.bits = asids.bits_hw = bits;
    asids.generation = ASID_GEN;          /* so a zeroed vpmap_tlb is stale */
    asids.next = 1;
    for (int i = 0; i < NCPU; i++)
        asids.satp[i] = satp;             /* every hart starts on the kernel's table */
    flush(NULL, ALL_ASIDS, 0, 0);
    kprintf("[boot] %d ASID bits\n", bits);
}

/* A test hook: a new width needs a new generation, since ASIDs handed out
 * under the old one may not fit it. Takes asids.lock. Contract in
 * <kernel/vpmap.h>. */
int vpmap_asid_limit(int bits)
{
    spinlock_acquire(&asids.lock);
    asids.bits = bits < 0 || bits > asids.bits_hw ? asids.bits_hw : bits;
    new_generation();
    bits = asids.bits;
    spinlock_release(&asids.lock);
    return bits;
}

/* t's ASID of the current generation, given now if it has none. */
static uint64_t asid_of(struct vpmap_tlb *t)
{
    uint64_t gen = __atomic_load_n(&asids.generation, __ATOMIC_SEQ_CST);
    if ((t->asid & ~SATP_ASID_MAX) == gen)
        return t->asid & SATP_ASID_MAX;
    spinlock_acquire(&asids.lock);
    if (asids.bits > 0 && asids.next > (1UL << asids.bits) - 1)
        new_generation();                 /* this generation's ASIDs are used up */
    uint64_t asid = asids.bits > 0 ? asids.next++ : 0;
    for (int w = 0; w < CPU_WORDS; w++)
        t->harts[w] = t->stale[w] = 0;    /* its entries of old ASIDs are never used */
    t->asid = asids.generation + asid;
    spinlock_release(&asids.lock);
    return asid;
}

/* The root table named by a satp value. */
static paddr_t root_of(uint64_t satp)
{
    return (satp & ((1UL << SATP_ASID_SHIFT) - 1)) << 12;
}

/* Writes satp if it changes, then does the flushes the rule asks of a
 * switch on this hart: everything once after a new generation began;
 * without ASIDs, the user space left. A user root in satp holds a
 * reference to its frame (taken here, dropped when satp moves on), so a
 * space that dies while a hart still holds its root lazily (vpmap.h)
 * frees the frame only once that hart lets go; any change of satp lets go
 * of it, so it also clears the hart's let-go request, after the frame is
 * back. Interrupts off. */
static void switch_to(paddr_t root, uint64_t asid)
{
    int self = mycpu()->id;
    paddr_t kernel = vpmap_kernel_root();
    uint64_t old = asids.satp[self];
    uint64_t satp = SATP_SV39 | (asid << SATP_ASID_SHIFT) | (root >> 12);
    paddr_t left = root_of(old);
    if (old != satp) {
        if (root != kernel && root != left)
            pmem_inc_ref(root);
        csr_write(satp, satp);
    } else if (root != kernel) {
        __atomic_fetch_add(&asids.switches_kept, 1, __ATOMIC_RELAXED);
    }
    bool left_user = left != kernel && left != root;
#ifdef DEBUG
    uint64_t gen = __atomic_load_n(&asids.generation, __ATOMIC_SEQ_CST);
#endif
    if (test_bit(asids.stale, self)) {
        clear_bit(asids.stale, self);
        flush(NULL, ALL_ASIDS, 0, 0);
#ifdef DEBUG
        asids.flushed[self] = gen;        /* at least this one's stale bit was set */
#endif
    } else if (left_user && ((old >> SATP_ASID_SHIFT) & SATP_ASID_MAX) == 0) {
        flush(NULL, 0, 0, 0);             /* no ASIDs: forget the space left */
    }
    if (left_user)
        pmem_free(left);                  /* after the flush: it may free the root */
    /* Published only now that left's frame is let go: a hart that
     * destroys that space and still reads left here asks this one to let
     * go (a request cleared just below, or at the next pass), and one that
     * reads the new value finds the frame's reference already dropped, so
     * info() never counts before it is back. */
    if (old != satp)
        __atomic_store_n(&asids.satp[self], satp, __ATOMIC_RELEASE);
    /* Cleared at every activation, the same root's too: this hart now
     * holds only root, which is alive (a space is destroyed by its own
     * thread, never while it is activated), so a request here is stale:
     * one whose sender read the old satp just before this hart moved on.
     * Left set, it would hold info() (vpmap_idle_kick) for as long as the
     * hart kept running one space, as the scheduler loop no longer checks
     * it before a user thread (sched.c). */
    __atomic_store_n(&asids.let_go[self], false, __ATOMIC_RELEASE);
}

#ifdef DEBUG
/* The debug kernel's check of the ASID rule after an activation: a hart
 * that has flushed for a generation never runs an ASID of an older one
 * unless it is to flush again before its next activation (its stale bit
 * set), as that ASID may now be another space's. Under asids.lock, so no
 * generation is half begun. */
static void check_generation(struct vpmap_tlb *t, int self)
{
    spinlock_acquire(&asids.lock);
    uint64_t gen = t->asid & ~SATP_ASID_MAX;
    if (gen < asids.flushed[self] && !test_bit(asids.stale, self))
        panic("cpu %d runs ASID %lu of generation %lu after flushing for generation %lu",
              self, t->asid & SATP_ASID_MAX, gen / ASID_GEN, asids.flushed[self] / ASID_GEN);
    spinlock_release(&asids.lock);
}
#endif

/* Every switch into a user space: t's bit is set before satp is written,
 * so a flush of t from now on includes this hart, and a flush deferred to
 * this hart (t->stale) is done before returning. Contract in <kernel/vpmap.h>. */
void vpmap_activate(paddr_t root, struct vpmap_tlb *t)
{
    bool on = intr_get();
    intr_off();
    int self = mycpu()->id;
    uint64_t asid = asid_of(t);
    set_bit(t->harts, self);              /* before the hart can cache anything of it */
    bool stale = test_bit(t->stale, self);
    if (stale)
        clear_bit(t->stale, self);
    switch_to(root, asid);
    if (stale)
        flush(NULL, asid, 0, 0);          /* entries changed while t ran elsewhere */
    /* asid_of reads the generation without the lock. If another hart
     * began a new one after that read and before switch_to took this
     * hart's stale bit, the full flush went for the new generation while
     * satp got an ASID of the old one, which the new generation may hand
     * to another space: t's entries cached under it from now on must not
     * serve that space here. So the bit is set again: the hart flushes
     * all once more at its next switch, before it can run anything else,
     * and t keeps its old ASID until then, as when the generation begins
     * just after the flush. (A generation begun after the read below
     * sets the bit itself.) Not a retry with a new ASID: under a width of
     * one bit that begins a generation of its own, which can send another
     * hart round its retry, and back, without end. */
    if ((t->asid & ~SATP_ASID_MAX) != __atomic_load_n(&asids.generation, __ATOMIC_SEQ_CST))
        set_bit(asids.stale, self);
#ifdef DEBUG
    check_generation(t, self);
#endif
    if (on)
        intr_on();
}

/* For a process whose space is gone (as_activate): ASID 0, and no user
 * space held on this hart. Kernel threads never call it: the scheduler
 * leaves them on the root their hart holds (lazy switches, vpmap.h).
 * Contract in <kernel/vpmap.h>. */
void vpmap_activate_kernel(void)
{
    bool on = intr_get();
    intr_off();
    switch_to(vpmap_kernel_root(), 0);
    if (on)
        intr_on();
}

/* Called by vpmap_destroy_root before it frees the tables: every hart
 * that holds root (this one, when a process destroys its own space at
 * exit, or one that ran the space last and idles since) is told to let
 * go at its next switch or idle pass (vpmap_idle_check). None can be
 * running the space's user code: its one thread is on this hart, in the
 * kernel, or never ran. Contract in <kernel/vpmap.h>. */
void vpmap_release_root(paddr_t root)
{
    int self = mycpu()->id;
    for (int i = 0; i < platform.nharts; i++) {
        if (root_of(__atomic_load_n(&asids.satp[i], __ATOMIC_ACQUIRE)) != root)
            continue;
        if (i != self)
            race_window(RACE_RELEASE_ROOT);    /* hart i may move on meanwhile */
        __atomic_store_n(&asids.let_go[i], true, __ATOMIC_RELEASE);
    }
}

/* The scheduler loop's check when it idles or runs a kernel thread: a
 * hart keeps the last user space's root in satp, and lets it go here
 * once the space is destroyed (a switch to another space lets go of it
 * too). The flag is cleared after the switch, so that vpmap_idle_kick
 * sees it until the frame is back. Interrupts off. Contract in
 * <kernel/vpmap.h>. */
void vpmap_idle_check(void)
{
    int self = mycpu()->id;
    if (__atomic_load_n(&asids.let_go[self], __ATOMIC_ACQUIRE)) {
        switch_to(vpmap_kernel_root(), 0);
        __atomic_store_n(&asids.let_go[self], false, __ATOMIC_RELEASE);
    }
}

/* For info()'s free page count: sends an IPI to every hart told to let go
 * of a destroyed space's root that has not yet, which brings it to its
 * scheduler loop (a hart holding a root it does not run is in that loop,
 * in a kernel thread, which yields soon, or in an exit, which ends in the
 * loop). Returns whether any had not.
 * Contract in <kernel/vpmap.h>. */
bool vpmap_idle_kick(void)
{
    bool any = false;
    for (int i = 0; i < platform.nharts; i++) {
        if (!__atomic_load_n(&asids.let_go[i], __ATOMIC_ACQUIRE))
            continue;
        any = true;
        ipi_send(i);
    }
    return any;
}

/* The ASID and flush counters for vpmap_stats; relaxed reads, as they are
 * figures for tests and nothing is synchronized on them. */
void vpmap_asid_stats(struct vpmap_stats *out)
{
    out->asid_generations = __atomic_load_n(&asids.generations, __ATOMIC_RELAXED);
    out->remote_flushes = __atomic_load_n(&asids.remote_flushes, __ATOMIC_RELAXED);
    out->deferred_flushes = __atomic_load_n(&asids.deferred_flushes, __ATOMIC_RELAXED);
    out->switches_kept = __atomic_load_n(&asids.switches_kept, __ATOMIC_RELAXED);
    out->asid_bits = asids.bits;
    out->asid_bits_hw = asids.bits_hw;
}
