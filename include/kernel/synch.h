/*
 * Synchronization: spinlocks, sleeplocks and condition variables, and the
 * one order every lock is taken in.
 *
 * spinlock: busy-waits; interrupts are off on the holding hart from acquire
 *   to release (nested acquires are counted per hart, so interrupts come back
 *   on only when the last spinlock is released). Never sleep holding one.
 *   Held for short critical sections only.
 * sleeplock: a lock whose waiters sleep; may be held across disk I/O and
 *   while sleeping. Must not be taken with a spinlock held. First come,
 *   first served: a release hands the lock to the waiter that has waited
 *   longest, so a busy lock cannot starve a waiter.
 * condvar: Mesa semantics. condvar_wait atomically releases the spinlock,
 *   sleeps until signalled, and re-acquires the spinlock before returning;
 *   callers re-check their condition in a loop.
 *
 * Lock order. Every lock has a rank (enum lock_rank, given to spinlock_init
 * and sleeplock_init), and a thread may take a lock only if its rank is
 * above the rank of every lock it holds; a file system transaction
 * (journal_begin to journal_end, journal.h) counts as a lock, since beginning
 * one waits for the other operations of a group to end. So no two threads
 * can each wait for a lock the other holds. The ranks, in the order taken;
 * an arrow is an edge the code takes, where the lower lock is held while
 * the higher is taken (and through a page fault: a copy to or from user
 * memory may fault, and the fault takes the address space):
 *
 *   sleeplocks (may be held while sleeping; all before every spinlock)
 *     file offset      across a read, write or readdir of a file -> inode
 *                      append (an FS_APPEND write), page cache,
 *                      transaction, inode; and the copy to or from user
 *                      memory -> address space
 *     inode append     a file's appenders, across a whole FS_APPEND write
 *                      -> as file offset does
 *     pipe end         a pipe's reader or writer, across its copy -> address space
 *     address space    page faults, mmap, shm views, fork, exit -> shm table,
 *                      file-map table (a file mapping's last view), page
 *                      cache (fill, mark dirty, write back), transaction,
 *                      inode (the file of a last view put away)
 *     shm table        -> page cache (a region's pages), shm region lock,
 *                      lineage, kmalloc
 *     file-map table   -> page cache (sync at halt, a mapping's last view)
 *     page cache       -> transaction (write(), write back), inode (read(),
 *                      fill), frames
 *     transaction      -> inode, buffer (the commit), journal lock
 *     inode            a directory, or a lone inode -> inode named in it, buffer
 *     inode in a dir   the inode named in its locked directory (create,
 *                      unlink, rmdir: the only time two inode locks are held)
 *     buffer           any block; the double-indirect table when nested
 *     indirect buffer  a single-indirect table under its double-indirect one
 *     bitmap buffer    a bitmap block, under the index blocks being changed
 *     zeroed buffer    a block read as zeros: one just allocated, under the
 *                      index block that will name it
 *   spinlocks (interrupts off: nothing sleeps holding one)
 *     file, inode table                          (leaves)
 *     lineage          -> kmalloc, frames (it frees nodes)
 *     process          -> scheduler (wait, exit)
 *     journal, buffer cache, pipe, shm region lock, futex bucket,
 *     block device     -> scheduler (their condvars)
 *     kernel stacks, kmalloc cache list, kmalloc cache   (leaves)
 *     console          -> scheduler; kprintf may be called holding any of
 *                      the above. Ctrl-C releases it before proc_kill_job
 *                      takes the process lock (console.c)
 *     sleeplock        a sleeplock's own spinlock -> scheduler
 *     scheduler        held across every switch -> ASIDs, frames
 *     ASIDs            the ASID allocator, at a switch
 *     frames           last, a leaf: a switch may let go of a dead space's
 *                      root (tlb.c), with the scheduler's lock held
 *
 * Two locks of one class are taken together only where the class has a
 * rule: an inode in its directory (inode_lock_child, fs.h), a buffer under
 * another (bread_nested, bcache.h). Anything else holding two of a class
 * breaks the order.
 *
 * The debug build (make DEBUG=1) checks the order: each thread records the
 * sleeplocks and the transaction it holds, each hart the spinlocks it
 * holds, and taking a lock whose rank is not above all of them panics with
 *   lock order: taking X (rank a) while holding Y (rank b)
 * naming the lock taken and the highest-ranked one held. Boot with
 * panic=lockorder (kernel/boot/panic_test.c) to see one.
 */
#ifndef _KERNEL_SYNCH_H_
#define _KERNEL_SYNCH_H_

#include <kernel/types.h>
#include <kernel/list.h>

struct cpu;
struct thread;

/* The lock order, lowest first (above). */
enum lock_rank {
    /* sleeplocks */
    LOCK_FILE_OFFSET = 1,
    LOCK_INODE_APPEND,
    LOCK_PIPE_END,
    LOCK_ADDRSPACE,
    LOCK_SHM_TABLE,
    LOCK_FILEMAP_TABLE,
    LOCK_PGCACHE,
    LOCK_TX,
    LOCK_INODE,
    LOCK_INODE_CHILD,
    LOCK_BUF,
    LOCK_BUF_INDIRECT,
    LOCK_BUF_BITMAP,
    LOCK_BUF_ZEROED,
    /* spinlocks */
    LOCK_FILE,
    LOCK_INODE_TABLE,
    LOCK_LINEAGE,
    LOCK_PROC,
    LOCK_JOURNAL,
    LOCK_BCACHE,
    LOCK_PIPE,
    LOCK_SHM_REGION,
    LOCK_FUTEX,
    LOCK_BDEV,
    LOCK_KSTACKS,
    LOCK_KMEM_CACHES,
    LOCK_KMEM,
    LOCK_CONSOLE,
    LOCK_SLEEPLOCK,
    LOCK_SCHED,
    LOCK_ASID,             /* the ASID allocator (vpmap.h): under sched's, at a switch */
    LOCK_PMEM,             /* frames (pmem.h): a leaf, under any lock */
};

struct spinlock {
    volatile uint32_t locked;
    uint8_t rank;          /* enum lock_rank */
    const char *name;      /* for debugging */
    struct cpu *holder;    /* the hart holding it, or NULL */
};

/* A free lock; name for messages, rank its place in the order above. */
void spinlock_init(struct spinlock *lock, const char *name, enum lock_rank rank);
/* Spins until the lock is free, with interrupts off on this hart until
 * the matching release. Panics if this hart holds it already (it would
 * spin for ever) and, in the debug build, if taking it breaks the order. */
void spinlock_acquire(struct spinlock *lock);
/* Frees a lock this hart holds (else panics); interrupts come back on
 * with the outermost release if they were on at its acquire. */
void spinlock_release(struct spinlock *lock);

/* Interrupt-disable nesting used by spinlocks; usable on their own. */
void push_off(void);
void pop_off(void);

struct condvar {
    int waiters;           /* threads waiting; guarded by the caller's lock */
};

/* No waiter. */
void condvar_init(struct condvar *cv);
/* Caller holds lock. Releases it, sleeps, re-acquires it. */
void condvar_wait(struct condvar *cv, struct spinlock *lock);
/* The same, as a killable sleep (sched.h): ERR_KILLED, with lock held
 * again, if the caller's process is killed before or while it waits;
 * else ERR_OK. A waiter that gives up may have taken a condvar_signal
 * meant for the next one: where wakers signal one waiter, a killed one
 * signals again if what it waited for is there. */
int condvar_wait_killable(struct condvar *cv, struct spinlock *lock);
/* Wakes one waiter / every waiter. The caller must hold the lock the
 * waiters wait with: a waiter counts itself in waiters under it, and a
 * signal that reads no waiter wakes no one (condvar.c), so a signal
 * without the lock could miss a waiter about to sleep. */
void condvar_signal(struct condvar *cv);
void condvar_broadcast(struct condvar *cv);

struct sleeplock {
    bool locked;
    uint8_t rank;          /* enum lock_rank */
    struct spinlock lk;    /* guards locked, holder and waiters; rank LOCK_SLEEPLOCK */
    struct list waiters;   /* threads asleep for the lock, oldest first */
    struct thread *holder;
    const char *name;
};

/* A free lock, at rank in the order above. */
void sleeplock_init(struct sleeplock *lock, const char *name, enum lock_rank rank);
/* Takes the lock for the calling thread, sleeping (not killable) behind
 * the threads already waiting for it, if any; no spinlock may be held. */
void sleeplock_acquire(struct sleeplock *lock);
/* Takes lock at rank, one of the ranks after its own that its class defines
 * for a second lock of the class (LOCK_INODE_CHILD, LOCK_BUF_*): for the
 * class's own helpers (inode_lock_child, bread_nested), which say when. */
void sleeplock_acquire_nested(struct sleeplock *lock, enum lock_rank rank);
/* The same, as a killable sleep: ERR_KILLED (lock not taken) if the
 * caller's process is killed first, else ERR_OK. For locks a waiter may
 * wait on for as long as a user wants (a pipe's end). */
int sleeplock_acquire_killable(struct sleeplock *lock);
/* Hands the lock to the waiter that has waited longest, or frees it if
 * none waits; the holder releases it (the debug build panics otherwise). */
void sleeplock_release(struct sleeplock *lock);
/* True if the calling thread holds lock: for assertions. */
bool sleeplock_holding(struct sleeplock *lock);

/*
 * The lock-order check (debug build; no code otherwise). A thread's
 * sleeplocks and transaction, and a hart's spinlocks, are recorded in a
 * struct locks_held (in struct thread and struct cpu). lock_order_acquire
 * panics unless rank is above every lock the calling hart and its thread
 * hold, then records lock (on the thread if on_thread, else on the hart);
 * lock_order_release forgets it, and panics if it was not recorded there
 * (a sleeplock released by a thread other than its holder). A sleeplock
 * taken where there is no thread yet (boot) is checked but not recorded.
 * The lock functions above and the journal call them; nothing else needs to.
 */
#define LOCKS_HELD_MAX 12

struct locks_held {
    int n;
    struct {
        const void *lock;
        const char *name;
        int rank;
    } held[LOCKS_HELD_MAX];
};

#ifdef DEBUG
void lock_order_acquire(const void *lock, const char *name, enum lock_rank rank, bool on_thread);
void lock_order_release(const void *lock, const char *name, bool on_thread);
#else
/* Without DEBUG the check costs nothing: the calls compile away. */
static inline void lock_order_acquire(const void *lock, const char *name, enum lock_rank rank,
                                      bool on_thread)
{
    (void)lock, (void)name, (void)rank, (void)on_thread;
}
/* Nor is there anything to forget. */
static inline void lock_order_release(const void *lock, const char *name, bool on_thread)
{
    (void)lock, (void)name, (void)on_thread;
}
#endif

#endif /* _KERNEL_SYNCH_H_ */
