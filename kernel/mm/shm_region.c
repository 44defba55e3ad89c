/*
 * A shared region's life (contract in shm_region.h, rules in shm.h): who
 * holds it, its views, its lock, and the moment it goes. The region is a
 * memstore, so the fault path and fork reach it through the store hooks
 * at the end of this file; the name table and the system calls are shm.c.
 *
 * Every change of a hold (a view made or gone, the lock taken or freed,
 * a creator's exit or destroy) ends in shm_region_update, so the lifetime
 * rules are written once.
 */
#include <kernel/shm_region.h>
#include <kernel/kmalloc.h>
#include <kernel/lineage.h>
#include <kernel/sched.h>          /* ERR_KILLED */
#include <kernel/string.h>
#include <kernel/vm.h>

static const struct memstore_ops shm_ops;
static void hand_on(struct shm_region *r);
static void shm_region_update(struct shm_region *r);

/* Everything a region needs but its creator and family, which shm_create
 * sets under the table's lock once it knows the name is free: no lock is
 * held across this allocation. */
struct shm_region *shm_region_new(const char *name, size_t size, int flags)
{
    struct shm_region *r = kmalloc(sizeof(*r));
    if (!r)
        return NULL;
    memset(r, 0, sizeof(*r));
    r->store.ops = &shm_ops;
    r->store.refcount = 1;       /* the table's */
    r->store.cache = &r->cache;
    pgcache_init(&r->cache);
    strlcpy(r->name, name, sizeof(r->name));
    r->named = true;
    r->size = size;
    r->flags = flags;
    spinlock_init(&r->lk, "shm region lock", LOCK_SHM_REGION);
    list_init(&r->lock_waiters);
    return r;
}

/* The store is the region's first field, so the cast is the lookup; the
 * ops pointer tells a shared region from a file or anonymous store. */
struct shm_region *shm_region_of(struct memstore *ms)
{
    return ms->ops == &shm_ops ? (struct shm_region *)ms : NULL;
}

/* ------------------------------------------------------------ holders */

/* pid's holder record, or NULL: lists are short (a region's processes). */
static struct shm_holder *holder_of(struct shm_region *r, pid_t pid)
{
    for (struct shm_holder *h = r->holders; h; h = h->next)
        if (h->pid == pid)
            return h;
    return NULL;
}

/* The record goes at exit and at destroy, so a pid used again by a later
 * process never inherits its creator flag. */
bool shm_region_is_creator(struct shm_region *r, pid_t pid)
{
    struct shm_holder *h = holder_of(r, pid);
    return h && h->creator;
}

/* A process may hold the same region several ways: one record per pid,
 * whose creator flag only ever gains here (shm_region_unname clears it). */
err_t shm_region_add_holder(struct shm_region *r, pid_t pid, bool creator)
{
    struct shm_holder *h = holder_of(r, pid);
    if (!h) {
        if (!(h = kmalloc(sizeof(*h))))
            return ERR_NOMEM;
        h->pid = pid;
        h->creator = false;
        h->next = r->holders;
        r->holders = h;
    }
    h->creator |= creator;
    return ERR_OK;
}

/* Forgets pid's record whatever it still holds: for exit and retirement,
 * and for release_hold once nothing is left. */
static void remove_holder(struct shm_region *r, pid_t pid)
{
    for (struct shm_holder **link = &r->holders; *link; link = &(*link)->next)
        if ((*link)->pid == pid) {
            struct shm_holder *h = *link;
            *link = h->next;
            kfree(h);
            return;
        }
}

/* Whether h still holds r by any of the three ways shm.h lists. */
static bool holds(struct shm_region *r, struct shm_holder *h)
{
    return h->creator || shm_region_has_view(r, h->pid) || shm_region_lock_holder(r) == h->pid;
}

/* pid gave up one way of holding r (a view, the lock): if that was its
 * last, it no longer holds r, which may end r's name or r itself. */
static void release_hold(struct shm_region *r, pid_t pid)
{
    struct shm_holder *h = holder_of(r, pid);
    if (h && !holds(r, h))
        remove_holder(r, pid);
    shm_region_update(r);
}

/* --------------------------------------------------------------- views */

/* Views are counted per process, so a fork child's inherited view and the
 * parent's are two records with the same size. */
bool shm_region_has_view(struct shm_region *r, pid_t pid)
{
    for (struct shm_view *v = r->views; v; v = v->next)
        if (v->pid == pid)
            return true;
    return false;
}

/* The link to pid's record of its views of size bytes (where it can be
 * unlinked), or NULL: records are few (one per process and size), however
 * many views each counts. */
static struct shm_view **view_link(struct shm_region *r, pid_t pid, size_t size)
{
    struct shm_view **link = &r->views;
    while (*link && ((*link)->pid != pid || (*link)->size != size))
        link = &(*link)->next;
    return *link ? link : NULL;
}

/* A new record is allocated before the holder record is made, so
 * ERR_NOMEM leaves neither behind; one more view of a size pid already
 * maps allocates nothing (pid is a holder already: it has a view). */
err_t shm_region_add_view(struct shm_region *r, pid_t pid, size_t size)
{
    struct shm_view **link = view_link(r, pid, size);
    if (link) {
        (*link)->count++;
        return ERR_OK;
    }
    struct shm_view *v = kmalloc(sizeof(*v));
    if (!v || shm_region_add_holder(r, pid, false) != ERR_OK) {
        kfree(v);
        return ERR_NOMEM;
    }
    v->pid = pid;
    v->size = size;
    v->count = 1;
    v->next = r->views;
    r->views = v;
    return ERR_OK;
}

/* Views of one process at the same size are interchangeable for holding
 * and for resize's check, so they share a count. */
void shm_region_drop_view(struct shm_region *r, pid_t pid, size_t size)
{
    sleeplock_acquire(&shm_table.lock);
    struct shm_view **link = view_link(r, pid, size);
    if (link && --(*link)->count == 0) {
        struct shm_view *v = *link;
        *link = v->next;
        kfree(v);
    }
    release_hold(r, pid);
    sleeplock_release(&shm_table.lock);
}

/* A view keeps the size it was mapped at, so shrinking below it would
 * leave pages of the view with nothing behind them. */
bool shm_region_views_fit(struct shm_region *r, size_t size)
{
    for (struct shm_view *v = r->views; v; v = v->next)
        if (v->size > size)
            return false;
    return true;
}

/* ------------------------------------------------------------ lifetime */

/* Only the creator's hold ends: holders by a view or the lock keep the
 * frames alive until they let go, though no one can find the name. */
void shm_region_unname(struct shm_region *r)
{
    r->named = false;            /* the name is free at once */
    for (struct shm_holder *h = r->holders, *next; h; h = next) {
        next = h->next;
        h->creator = false;
        if (!holds(r, h))
            remove_holder(r, h->pid);
    }
    shm_region_update(r);
}

/* The lock is released rather than kept by a dead process, so the next
 * locker goes on, warned by ERR_OWNERDEAD that the data may be half
 * written. */
void shm_region_exit(struct shm_region *r, pid_t pid)
{
    spinlock_acquire(&r->lk);
    if (r->lock_holder == pid) {
        r->owner_dead = true;
        hand_on(r);
    }
    spinlock_release(&r->lk);
    if (holder_of(r, pid)) {
        remove_holder(r, pid);
        shm_region_update(r);
    }
}

/*
 * A region nobody holds loses its name unless RS_PERSIST; a nameless
 * region with no view left and its lock free leaves the table, unpins its
 * family and drops the table's reference. What still maps it (nothing, by
 * then, but a view being torn down) keeps the frames until its own put.
 */
static void shm_region_update(struct shm_region *r)
{
    if (r->named && !r->holders && !(r->flags & RS_PERSIST))
        r->named = false;
    if (r->named || r->views || r->retired || shm_region_lock_holder(r))
        return;
    r->retired = true;
    shm_table_remove(r);
    while (r->holders)
        remove_holder(r, r->holders->pid);
    if (r->family)
        lineage_unpin(r->family);
    memstore_put(&r->store);     /* the table's reference */
}

/* ---------------------------------------------------------- the lock */

/* Read under lk: the lock changes hands without the table's lock. */
pid_t shm_region_lock_holder(struct shm_region *r)
{
    spinlock_acquire(&r->lk);
    pid_t pid = r->lock_holder;
    spinlock_release(&r->lk);
    return pid;
}

/*
 * The lock is first come, first served. It used to be free for all: an
 * unlock woke one waiter and left the lock free, and on one hart the
 * process that had just unlocked took it again at once, while the waiter
 * it woke still sat in the ready queue; when the waiter ran (at the
 * holder's next preemption, nearly always inside its critical section)
 * the lock was held again and it slept again, for ever (shm_lock_fair).
 * Now a waiter queues a record on its stack, and whoever frees the lock
 * hands it to the oldest record: the lock never falls free while someone
 * waits, so no late comer can overtake.
 */
struct lock_waiter {
    struct list_node link;       /* in r->lock_waiters; its address is the sleep channel */
    pid_t pid;
    bool granted;                /* off the queue, and lock_holder is pid */
};

/* Frees r's lock, or hands it to the oldest waiter, which wakes holding
 * it (owner_dead is left for it to report). Caller holds r->lk. */
static void hand_on(struct shm_region *r)
{
    if (list_empty(&r->lock_waiters)) {
        r->lock_holder = 0;
        return;
    }
    struct lock_waiter *w = list_entry(list_begin(&r->lock_waiters), struct lock_waiter, link);
    list_remove(&w->link);
    w->granted = true;
    r->lock_holder = w->pid;
    sched_wakeup_one(w);
}

/* A killable wait, so a process stuck behind a lock that is never
 * released can still be killed. A waiter killed as the lock was handed to
 * it passes it on untouched (the next waiter must not see ERR_OWNERDEAD
 * for a holder that never ran). */
err_t shm_region_lock(struct shm_region *r, pid_t me)
{
    err_t err = ERR_OK;
    spinlock_acquire(&r->lk);
    if (r->lock_holder == me) {
        err = ERR_INVAL;         /* already ours: waiting would never end */
    } else if (r->lock_holder == 0) {
        r->lock_holder = me;
    } else {
        struct lock_waiter w = {.pid = me, .granted = false};
        list_append(&r->lock_waiters, &w.link);
        while (!w.granted && err == ERR_OK)
            err = sched_sleep_killable(&w, &r->lk, 0);
        if (err == ERR_KILLED && w.granted)
            hand_on(r);
        else if (err == ERR_KILLED)
            list_remove(&w.link);
        else
            err = ERR_OK;        /* granted: a kill, if any, comes as the call returns */
    }
    if (err == ERR_OK) {
        if (r->owner_dead)
            err = ERR_OWNERDEAD;
        r->owner_dead = false;
    }
    spinlock_release(&r->lk);
    return err;
}

/* The lock is one of the ways to hold a region: a process that unmapped
 * every view but kept the lock held the region until now. */
void shm_region_unlock(struct shm_region *r, pid_t me)
{
    spinlock_acquire(&r->lk);
    hand_on(r);
    spinlock_release(&r->lk);
    release_hold(r, me);
}

/* ---------------------------------------------------------- shm_list */

/* Here rather than in shm.c because it counts holders and views, which
 * only this file walks otherwise. */
void shm_region_info(struct shm_region *r, struct shm_info *i)
{
    memset(i, 0, sizeof(*i));
    strlcpy(i->name, r->name, sizeof(i->name));
    i->size = r->size;
    i->resident = pgcache_resident(&r->cache);
    i->flags = r->flags;
    for (struct shm_view *v = r->views; v; v = v->next)
        i->views += v->count;
    for (struct shm_holder *h = r->holders; h; h = h->next)
        i->holders++;
    i->creator = r->creator;
}

/* ------------------------------------------------------- memstore ops */

/* Every view's fault on a page lands here: the page cache makes it one
 * frame for all of them, zero-filled on first touch. */
static err_t shm_fillpage(struct memstore *ms, offset_t off, paddr_t *pa)
{
    return pgcache_get(&shm_region_of(ms)->cache, off, NULL, NULL, pa);
}

/* The last reference is gone (retired, last view unmapped): no one can
 * reach r, so no lock. */
static void shm_release(struct memstore *ms)
{
    struct shm_region *r = shm_region_of(ms);
    pgcache_truncate(&r->cache, 0);
    kfree(r);
}

/* vm.c tears down a view (unmap, exit, failed fork). */
static void shm_view_closed(struct memstore *ms, pid_t pid, struct memregion *mr)
{
    shm_region_drop_view(shm_region_of(ms), pid, mr->end - mr->start);
}

/* Without its record a child's view would not count for shm_list, resize
 * or destroy, so fork fails instead (ERR_NOMEM). add_view fails only
 * where the child has no record of that size yet (another view of a
 * recorded size is only counted), and leaves nothing then; so when the
 * failed fork closes the child's copies, the unrecorded one finds no
 * record of its size, and every count ends at zero (fork_kalloc_fail). */
static err_t shm_view_inherited(struct memstore *ms, pid_t pid, struct memregion *mr)
{
    struct shm_region *r = shm_region_of(ms);
    sleeplock_acquire(&shm_table.lock);
    err_t err = shm_region_add_view(r, pid, mr->end - mr->start);
    sleeplock_release(&shm_table.lock);
    return err;
}

/* Fork copies a view unless RS_NOINHERIT; read-only if RS_RDONLY, since
 * the child is not the creator. */
static int shm_inherit(struct memstore *ms, int perm)
{
    int flags = shm_region_of(ms)->flags;
    if (flags & RS_NOINHERIT)
        return 0;
    return flags & RS_RDONLY ? perm & ~MEMPERM_W : perm;
}

static const struct memstore_ops shm_ops = {
    .fillpage = shm_fillpage,
    .release = shm_release,
    .view_closed = shm_view_closed,
    .view_inherited = shm_view_inherited,
    .inherit = shm_inherit,
};
