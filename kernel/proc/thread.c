/*
 * Threads: allocation of the struct and its guarded kernel stack, and the
 * trampoline a new thread starts in. A new thread's saved context returns
 * into thread_entry (swtch.S), which calls thread_start, with the
 * scheduler lock held (it was switched to from sched_loop); from there a
 * kernel thread runs its body and a user thread drops to user mode
 * through its trap frame. Also the per-thread test hook of pmem.h
 * (kalloc_fail_after), since its count is the thread's own.
 */
#include <kernel/thread.h>
#include <kernel/pmem.h>
#include <kernel/sched.h>
#include <kernel/kmalloc.h>
#include <kernel/proc.h>
#include <kernel/console.h>
#include <kernel/riscv.h>
#include <kernel/string.h>
#include <kernel/trap.h>
#include <kernel/vpmap.h>

struct cpu cpus[NCPU];

static struct kmem_cache *thread_cache;
static int next_tid = 1;

/* The first C code a new thread runs (called by thread_entry, its
 * context's ra). A user thread killed before it ever ran exits here, so it
 * runs no user code after a kill that returned ERR_OK. */
void thread_start(void)
{
    sched_thread_started();
    struct thread *t = thread_current();
    if (t->entry) {
        t->entry(t->arg);
        sched_exit(NULL);
    }
    if (t->proc && proc_killed(t->proc))
        proc_exit(-1);
    intr_off();
    trap_return_to_user(t->tf);
}

/* The thread running on this hart; interrupts are off for the read so the
 * thread cannot move to another hart in between. */
struct thread *thread_current(void)
{
    push_off();
    struct thread *t = mycpu()->thread;
    pop_off();
    return t;
}

/* Creates the thread slab cache; once at boot. */
void thread_init(void)
{
    thread_cache = kmem_cache_create("thread", sizeof(struct thread));
    if (!thread_cache)
        panic("thread_init: no kmem_cache");
}

/* A new EMBRYO thread with a kernel stack, its trap frame at the stack's
 * top and a context that starts in thread_entry; not yet runnable. */
struct thread *thread_alloc(const char *name)
{
    struct thread *t = kmem_cache_alloc(thread_cache);
    if (!t)
        return NULL;
    if (vpmap_kstack_alloc(&t->kstack, t->kstack_fenced) != ERR_OK) {
        kmem_cache_free(thread_cache, t);
        return NULL;
    }
    strlcpy(t->name, name, sizeof(t->name));
    t->tid = __atomic_fetch_add(&next_tid, 1, __ATOMIC_RELAXED);
    t->state = THREAD_EMBRYO;
    t->last_hart = -1;
    t->kick_owed = 0;
    uint64_t top = t->kstack + KSTACK_PAGES * PG_SIZE;
    t->tf = (struct trapframe *)(top - sizeof(struct trapframe));
    memset(t->tf, 0, sizeof(*t->tf));
    t->ctx.ra = (uint64_t)thread_entry;
    t->ctx.sp = (uint64_t)t->tf;
    return t;
}

/* A kernel thread running entry(arg), made runnable at once. */
struct thread *thread_create(const char *name, void (*entry)(void *), void *arg)
{
    struct thread *t = thread_alloc(name);
    if (!t)
        return NULL;
    t->entry = entry;
    t->arg = arg;
    sched_ready(t);
    return t;
}

/* The stack first, then the struct that names it. Contract in
 * <kernel/thread.h>. */
void thread_free(struct thread *t)
{
    vpmap_kstack_free(t->kstack, t->kstack_fenced);
    kmem_cache_free(thread_cache, t);
}

/* Threads with a count set: while there are none (always, but in the
 * tests that use the hook), an allocation pays one load, not a look at
 * its thread. A thread that exits with its count set only leaves that
 * look on. */
static int kalloc_fail_armed;

/* Sets the calling thread's count of allocations before one fails (a
 * thread's own state, hence here). Contract in <kernel/pmem.h>. */
int kalloc_fail_after(int n)
{
    struct thread *t = thread_current();
    int left = t->kalloc_fail;
    t->kalloc_fail = n > 0 ? n : 0;
    __atomic_add_fetch(&kalloc_fail_armed, (t->kalloc_fail > 0) - (left > 0), __ATOMIC_RELAXED);
    return left;
}

/* Counts an allocation against the calling thread's count, if it has one.
 * Contract in <kernel/pmem.h>. */
bool kalloc_fail_due(void)
{
    if (__atomic_load_n(&kalloc_fail_armed, __ATOMIC_RELAXED) == 0)
        return false;
    struct thread *t = thread_current();
    if (!t || t->kalloc_fail == 0 || --t->kalloc_fail > 0)
        return false;
    __atomic_sub_fetch(&kalloc_fail_armed, 1, __ATOMIC_RELAXED);
    return true;
}
