/*
 * Idle harts, for the scheduler (sched_internal.h): a hart with nothing
 * to run waits in idle_wait, first polling a flag, then asleep in wfi;
 * and whoever queues work kicks one of them awake: a polling hart by
 * clearing its flag, which costs nothing, one in wfi by an IPI, sent
 * once sched_lock is released (sched_unlock). Apart from sched.c because
 * it is about harts, not threads: which hart is idle and how it is
 * woken, under the scheduler's lock but touching no queue.
 */
#include <kernel/riscv.h>
#include <kernel/platform.h>
#include <kernel/thread.h>
#include <kernel/vpmap.h>

#include "sched_internal.h"

/* How long an idle hart polls before wfi (idle_wait): long enough for the
 * other side of a hand-off to answer (a futex round trip is ~50 us), short
 * enough not to burn the host's CPU (under QEMU a polling hart is a host
 * thread that spins: 500 us cost make test a third more CPU time). */
#define IDLE_POLL_US 100

static uint64_t idle_harts[CPU_WORDS];           /* bit per cpu index: in idle_wait and not
                                                  * kicked yet; guarded by sched_lock */
bool polling[NCPU];                              /* sched_internal.h */

/* Sets or clears hart index's bit in idle_harts, which kick_idle_hart
 * searches. Caller holds sched_lock. */
static void set_idle(int index, bool idle)
{
    if (idle)
        idle_harts[index / 64] |= 1UL << (index % 64);
    else
        idle_harts[index / 64] &= ~(1UL << (index % 64));
}

/* Ends polling hart index's idle_wait: it goes back to its scheduler
 * loop. Caller holds sched_lock. Contract in sched_internal.h. */
void claim(int index)
{
    set_idle(index, false);
    __atomic_store_n(&polling[index], false, __ATOMIC_RELEASE);
}

/* Looks for an idle hart (other than this one) to run newly queued
 * work: one still polling (idle_wait) is claimed by clearing its flag,
 * which it watches, and true is returned; else *wfi is the index of one
 * asleep in wfi, or -1 if no other hart is idle. Caller holds
 * sched_lock. Contract in sched_internal.h. */
bool claim_polling_hart(int *wfi)
{
    int self = mycpu()->id;
    *wfi = -1;
    for (int w = 0; w < CPU_WORDS; w++) {
        uint64_t others = idle_harts[w];
        if (w == self / 64)
            others &= ~(1UL << (self % 64));
        for (int bit = 0; others; bit++, others >>= 1) {   /* no __builtin_ctzl: */
            if (!(others & 1))                             /* the kernel links no libgcc */
                continue;
            int i = w * 64 + bit;
            if (polling[i]) {
                claim(i);
                return true;
            }
            if (*wfi < 0)
                *wfi = i;
        }
    }
    return false;
}

/* Wakes hart index, asleep in wfi, by an IPI, sent once sched_lock is
 * released (sched_unlock). Under QEMU the IPI's one device store costs
 * the sender 20 to 50 us in the median, and milliseconds on a loaded
 * host, where the same store to a hart that is not halted costs 0.3 to
 * 1 us: QEMU wakes the halted hart's host thread (docs/performance.md,
 * "What a wakeup costs the waker"). Caller holds sched_lock. Contract in
 * sched_internal.h. */
void wake_wfi_hart(int index)
{
    set_idle(index, false);
    owe_ipi(index);
}

/* Wakes one idle hart (other than this one) to run newly queued work,
 * instead of leaving it to the hart's next timer tick: a polling one by
 * its flag, else one in wfi by an IPI. Caller holds sched_lock. Contract
 * in sched_internal.h. */
void kick_idle_hart(void)
{
    int wfi;
    if (!claim_polling_hart(&wfi) && wfi >= 0)
        wake_wfi_hart(wfi);
}

/*
 * A hart with nothing to run (sched_lock held, interrupts off; returns
 * with the lock released) waits until it may find work: a kick or an
 * interrupt. It polls its flag for IDLE_POLL_US first, since work often
 * comes right after a hart goes idle (the other side of a hand-off:
 * futex ping-pong, a pipe, a parent waiting for a child), and a polling
 * hart is kicked without an IPI; then it sleeps in wfi. Interrupts stay
 * off throughout: wfi still returns on a pending one, and none can slip
 * in between the check and the wfi; the poll stops as soon as one is
 * pending, so a device is not kept waiting. Contract in sched_internal.h.
 */
void idle_wait(struct cpu *c)
{
    set_idle(c->id, true);
    polling[c->id] = true;
    sched_unlock();
    vpmap_kstack_idle();         /* takes the kernel-stack lock: not under sched_lock */
    uint64_t until = rdtime() + platform_us_ticks(IDLE_POLL_US);
    while (__atomic_load_n(&polling[c->id], __ATOMIC_ACQUIRE) && rdtime() < until &&
           !(csr_read(sip) & csr_read(sie)))
        ;
    spinlock_acquire(&sched_lock);
    if (polling[c->id]) {        /* not kicked while polling */
        polling[c->id] = false;
        sched_unlock();
        wfi();
        spinlock_acquire(&sched_lock);
    }
    set_idle(c->id, false);
    sched_unlock();
}
