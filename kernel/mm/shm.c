/*
 * Named shared regions (contract in shm.h).
 *
 * Every region is a struct shm_region: a memstore of kind "shared" with
 * its page cache, plus the bookkeeping of who may find it (name, flags,
 * creator, and the creator's lineage node for RS_FAMILY), who holds it
 * (holders), and its views (one record per view, with the size it was
 * mapped at, so a shrink can be refused). All of it is guarded by one
 * sleeplock, shm.lock.
 *
 * Names: one table holds every region, and several may share a name when
 * RS_FAMILY hides some of them; find_visible picks the one a process
 * means (shm.h).
 *
 * The store's reference count is one per view memregion plus one for the
 * table while the region is alive here; dropping the table's reference in
 * region_retire frees the frames once the last view is gone.
 */
#include <kernel/shm.h>
#include <kernel/console.h>
#include <kernel/kmalloc.h>
#include <kernel/lineage.h>
#include <kernel/memstore.h>
#include <kernel/pgcache.h>
#include <kernel/pmem.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/synch.h>
#include <kernel/vm.h>
#include <kernel/vpmap.h>

struct shm_view {
    pid_t pid;
    size_t size;                 /* bytes mapped */
    struct shm_view *next;
};

struct shm_holder {
    pid_t pid;
    bool creator;
    struct shm_holder *next;
};

struct shm_region {
    struct memstore store;       /* first: the store is the region */
    struct pgcache cache;
    char name[MAX_NAME_LEN];
    bool named;                  /* findable by name */
    bool retired;                /* out of the table; frames go with the last view */
    size_t size;                 /* bytes, a page multiple */
    int flags;                   /* RS_* */
    pid_t creator;               /* for shm_list; is_creator says if it still is */
    struct lineage *family;      /* RS_FAMILY: the creator's node, pinned; else NULL */
    struct shm_holder *holders;
    struct shm_view *views;
    /* The region lock of shm_lock/shm_unlock. */
    struct spinlock lk;
    struct condvar unlocked;
    pid_t lock_holder;           /* 0 = free */
    bool owner_dead;             /* the last holder died holding it */
    struct shm_region *next;
};

static struct {
    struct sleeplock lock;
    struct shm_region *regions;  /* every live region, named or not */
    size_t nregions;
    size_t reserved_pages;       /* sum of live regions' sizes */
} shm;

static const struct memstore_ops shm_ops;

static struct shm_region *region_of(struct memstore *ms)
{
    return (struct shm_region *)ms;
}

void shm_init(void)
{
    sleeplock_init(&shm.lock, "shm", LOCK_SHM_TABLE);
}

/* ------------------------------------------------------------ lookups */

/* Generations from p up to r's family's creator, or -1 if p is not in
 * that family; 0 for a region visible to all (it has no family). */
static int family_distance(struct shm_region *r, struct proc *p)
{
    return r->family ? lineage_distance(p->lineage, r->family) : 0;
}

/*
 * The live region called name that process p means: among those p may
 * find (RS_FAMILY ones only within their family), the one of its nearest
 * family, else the one visible to all. At most one region of a name is
 * visible to all, and p may find at most one per family of its own, since
 * shm_create refuses a name the creator can already find.
 */
static struct shm_region *find_visible(const char *name, struct proc *p)
{
    struct shm_region *found = NULL;
    int nearest = 0;
    for (struct shm_region *r = shm.regions; r; r = r->next) {
        if (!r->named || strcmp(r->name, name) != 0)
            continue;
        int d = family_distance(r, p);
        if (d >= 0 && (!found || (r->family && (!found->family || d < nearest)))) {
            found = r;
            nearest = d;
        }
    }
    return found;
}

/* A region hidden by RS_FAMILY whose family has no live process left: no
 * one can find it, so any process may see it listed and destroy it. */
static bool abandoned(struct shm_region *r)
{
    return r->named && r->family && !lineage_has_members(r->family);
}

static struct shm_region *find_abandoned(const char *name)
{
    for (struct shm_region *r = shm.regions; r; r = r->next)
        if (strcmp(r->name, name) == 0 && abandoned(r))
            return r;
    return NULL;
}

static bool has_view(struct shm_region *r, pid_t pid)
{
    for (struct shm_view *v = r->views; v; v = v->next)
        if (v->pid == pid)
            return true;
    return false;
}

static struct shm_holder *holder_of(struct shm_region *r, pid_t pid)
{
    for (struct shm_holder *h = r->holders; h; h = h->next)
        if (h->pid == pid)
            return h;
    return NULL;
}

/* True if pid created r and has neither exited nor destroyed it since
 * (its holder record goes at exit, so a pid used again is no creator). */
static bool is_creator(struct shm_region *r, pid_t pid)
{
    struct shm_holder *h = holder_of(r, pid);
    return h && h->creator;
}

static pid_t lock_holder(struct shm_region *r)
{
    spinlock_acquire(&r->lk);
    pid_t pid = r->lock_holder;
    spinlock_release(&r->lk);
    return pid;
}

/* A region of this name the caller maps (named or already destroyed). */
static struct shm_region *find_mapped(const char *name, pid_t pid)
{
    struct shm_region *found = NULL;
    for (struct shm_region *r = shm.regions; r; r = r->next)
        if (strcmp(r->name, name) == 0 && has_view(r, pid) && (!found || r->named))
            found = r;
    return found;
}

/* The region of this name whose lock the caller holds (named or not). */
static struct shm_region *find_locked(const char *name, pid_t pid)
{
    for (struct shm_region *r = shm.regions; r; r = r->next)
        if (strcmp(r->name, name) == 0 && lock_holder(r) == pid)
            return r;
    return NULL;
}

/* ------------------------------------------------------------ lifetime */

static err_t add_holder(struct shm_region *r, pid_t pid, bool creator)
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

/* True while h still holds r: as its creator, by a view, or by its lock. */
static bool holds(struct shm_region *r, struct shm_holder *h)
{
    return h->creator || has_view(r, h->pid) || lock_holder(r) == h->pid;
}

static void region_update(struct shm_region *r);

/* pid gave up one way of holding r (a view, the lock): if that was its
 * last, it no longer holds r; then the lifetime rules apply. */
static void release_hold(struct shm_region *r, pid_t pid)
{
    struct shm_holder *h = holder_of(r, pid);
    if (h && !holds(r, h))
        remove_holder(r, pid);
    region_update(r);
}

/*
 * Applies the lifetime rules after a change: a region nobody holds loses
 * its name unless RS_PERSIST; a nameless region with no view left and its
 * lock free is taken out of the table, its family unpinned, and its
 * frames go with the table's reference.
 */
static void region_update(struct shm_region *r)
{
    if (r->named && !r->holders && !(r->flags & RS_PERSIST))
        r->named = false;
    if (r->named || r->views || r->retired || lock_holder(r))
        return;
    r->retired = true;
    for (struct shm_region **link = &shm.regions; *link; link = &(*link)->next)
        if (*link == r) {
            *link = r->next;
            break;
        }
    shm.nregions--;
    shm.reserved_pages -= r->size / PG_SIZE;
    while (r->holders)
        remove_holder(r, r->holders->pid);
    if (r->family)
        lineage_unpin(r->family);
    memstore_put(&r->store);     /* the table's reference */
}

/* ------------------------------------------------------- memstore ops */

static err_t shm_fillpage(struct memstore *ms, offset_t off, paddr_t *pa)
{
    return pgcache_get(&region_of(ms)->cache, off, NULL, NULL, pa);
}

static void shm_release(struct memstore *ms)
{
    struct shm_region *r = region_of(ms);
    pgcache_truncate(&r->cache, 0);
    kfree(r);
}

static void shm_view_closed(struct memstore *ms, pid_t pid, struct memregion *mr)
{
    struct shm_region *r = region_of(ms);
    size_t size = mr->end - mr->start;
    sleeplock_acquire(&shm.lock);
    for (struct shm_view **link = &r->views; *link; link = &(*link)->next)
        if ((*link)->pid == pid && (*link)->size == size) {
            struct shm_view *v = *link;
            *link = v->next;
            kfree(v);
            break;
        }
    release_hold(r, pid);
    sleeplock_release(&shm.lock);
}

static err_t add_view(struct shm_region *r, pid_t pid, size_t size)
{
    struct shm_view *v = kmalloc(sizeof(*v));
    if (!v || add_holder(r, pid, false) != ERR_OK) {
        kfree(v);
        return ERR_NOMEM;
    }
    v->pid = pid;
    v->size = size;
    v->next = r->views;
    r->views = v;
    return ERR_OK;
}

static void shm_view_inherited(struct memstore *ms, pid_t pid, struct memregion *mr)
{
    struct shm_region *r = region_of(ms);
    sleeplock_acquire(&shm.lock);
    if (add_view(r, pid, mr->end - mr->start) != ERR_OK)
        kprintf("[shm] no memory to record a view of %s for pid %d\n", r->name, pid);
    sleeplock_release(&shm.lock);
}

/* Fork copies a view unless RS_NOINHERIT; read-only if RS_RDONLY, since
 * the child is not the creator. */
static int shm_inherit(struct memstore *ms, int perm)
{
    int flags = region_of(ms)->flags;
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

/* ------------------------------------------------------- system calls */

int shm_create(const char *name, size_t size, int flags)
{
    if (flags & ~(RS_PERSIST | RS_NOINHERIT | RS_RDONLY | RS_FAMILY))
        return ERR_INVAL;
    if (size == 0 || size > SHM_MAX_SIZE)
        return ERR_INVAL;
    size = pg_round_up(size);
    struct proc *p = proc_current();
    struct shm_region *r = kmalloc(sizeof(*r));
    if (!r)
        return ERR_NOMEM;
    memset(r, 0, sizeof(*r));
    sleeplock_acquire(&shm.lock);
    err_t err = ERR_OK;
    if (find_visible(name, p))
        err = ERR_EXIST;         /* a name hidden from p is free for p */
    else if (shm.nregions >= SHM_MAX_REGIONS ||
             shm.reserved_pages + size / PG_SIZE > SHM_MAX_TOTAL_PAGES)
        err = ERR_NOMEM;
    else
        err = add_holder(r, p->pid, true);
    if (err != ERR_OK) {
        sleeplock_release(&shm.lock);
        kfree(r);
        return err;
    }
    r->store.ops = &shm_ops;
    r->store.kind = "shared";
    r->store.refcount = 1;       /* the table's */
    r->store.cache = &r->cache;
    pgcache_init(&r->cache);
    strlcpy(r->name, name, sizeof(r->name));
    r->named = true;
    r->size = size;
    r->flags = flags;
    r->creator = p->pid;
    r->family = flags & RS_FAMILY ? lineage_pin(p->lineage) : NULL;
    spinlock_init(&r->lk, "shm region lock", LOCK_SHM_REGION);
    condvar_init(&r->unlocked);
    r->next = shm.regions;
    shm.regions = r;
    shm.nregions++;
    shm.reserved_pages += size / PG_SIZE;
    sleeplock_release(&shm.lock);
    return ERR_OK;
}

int shm_map(const char *name, void **addr_out, int prot)
{
    if (prot == 0 || (prot & ~(SHM_READ | SHM_WRITE)))
        return ERR_INVAL;
    struct proc *p = proc_current();
    sleeplock_acquire(&shm.lock);
    struct shm_region *r = find_visible(name, p);
    err_t err = ERR_OK;
    if (!r)
        err = ERR_NOTEXIST;
    else if ((prot & SHM_WRITE) && (r->flags & RS_RDONLY) && !is_creator(r, p->pid))
        err = ERR_PERM;
    else
        err = add_view(r, p->pid, r->size);
    if (err != ERR_OK) {
        sleeplock_release(&shm.lock);
        return err;
    }
    size_t size = r->size;
    memstore_get(&r->store);     /* keeps r while we map it */
    sleeplock_release(&shm.lock);

    int perm = (prot & SHM_READ ? MEMPERM_R : 0) | (prot & SHM_WRITE ? MEMPERM_W | MEMPERM_R : 0);
    struct addrspace *as = &p->as;
    vaddr_t start = 0;
    struct memregion *mr;
    sleeplock_acquire(&as->lock);
    err = as_find_free(as, size, &start);
    if (err == ERR_OK)
        err = as_map_store(as, start, start + size, perm, true, &r->store, 0, "shm", &mr);
    sleeplock_release(&as->lock);
    if (err != ERR_OK) {
        struct memregion fake = { .start = 0, .end = size };
        shm_view_closed(&r->store, p->pid, &fake);   /* undo the view record */
    }
    memstore_put(&r->store);
    if (err == ERR_OK)
        *addr_out = (void *)start;
    return err;
}

int shm_unmap(const char *name, vaddr_t addr)
{
    struct addrspace *as = &proc_current()->as;
    err_t err = ERR_NOTEXIST;
    sleeplock_acquire(&as->lock);
    struct memregion *mr = as_find_region(as, addr);
    if (mr && mr->shared && mr->store->ops == &shm_ops &&
        strcmp(region_of(mr->store)->name, name) == 0) {
        as_unmap_region(as, mr);
        err = ERR_OK;
    }
    sleeplock_release(&as->lock);
    return err;
}

int shm_destroy(const char *name)
{
    struct proc *p = proc_current();
    sleeplock_acquire(&shm.lock);
    struct shm_region *r = find_visible(name, p);
    if (!r)
        r = find_abandoned(name);
    err_t err = ERR_OK;
    if (!r) {
        err = ERR_NOTEXIST;
    } else if (r->creator != p->pid && is_creator(r, r->creator)) {
        err = ERR_PERM;          /* the creator lives: its region, its call */
    } else if (has_view(r, p->pid)) {
        err = ERR_INVAL;         /* unmap your own views first */
    } else {
        r->named = false;        /* the name is free at once */
        /* The creator's hold ends; holders that held only the name go. */
        for (struct shm_holder *h = r->holders, *next; h; h = next) {
            next = h->next;
            h->creator = false;
            if (!holds(r, h))
                remove_holder(r, h->pid);
        }
        region_update(r);
    }
    sleeplock_release(&shm.lock);
    return err;
}

int shm_resize(const char *name, size_t size)
{
    if (size == 0 || size > SHM_MAX_SIZE)
        return ERR_INVAL;
    size = pg_round_up(size);
    struct proc *p = proc_current();
    sleeplock_acquire(&shm.lock);
    struct shm_region *r = find_visible(name, p);
    err_t err = ERR_OK;
    if (!r) {
        err = ERR_NOTEXIST;
    } else if ((r->flags & RS_RDONLY) && !is_creator(r, p->pid)) {
        err = ERR_PERM;
    } else if (size > r->size &&
               shm.reserved_pages + (size - r->size) / PG_SIZE > SHM_MAX_TOTAL_PAGES) {
        err = ERR_NOMEM;
    } else {
        for (struct shm_view *v = r->views; v; v = v->next)
            if (v->size > size)
                err = ERR_INVAL;     /* a live view reaches past the new end */
        if (err == ERR_OK) {
            shm.reserved_pages = shm.reserved_pages - r->size / PG_SIZE + size / PG_SIZE;
            if (size < r->size)
                pgcache_truncate(&r->cache, size);
            r->size = size;
        }
    }
    sleeplock_release(&shm.lock);
    return err;
}

int shm_lock(const char *name)
{
    pid_t me = proc_current()->pid;
    sleeplock_acquire(&shm.lock);
    struct shm_region *r = find_mapped(name, me);
    if (r)
        memstore_get(&r->store);
    sleeplock_release(&shm.lock);
    if (!r)
        return ERR_NOTEXIST;
    err_t err = ERR_OK;
    spinlock_acquire(&r->lk);
    if (r->lock_holder == me) {
        err = ERR_INVAL;         /* already ours: waiting would never end */
    } else {
        while (r->lock_holder != 0 && err == ERR_OK)
            err = condvar_wait_killable(&r->unlocked, &r->lk);
    }
    if (err == ERR_KILLED && r->lock_holder == 0)
        condvar_signal(&r->unlocked);  /* the wakeup may have been ours: pass it on */
    if (err == ERR_OK) {
        r->lock_holder = me;
        if (r->owner_dead)
            err = ERR_OWNERDEAD;
        r->owner_dead = false;
    }
    spinlock_release(&r->lk);
    memstore_put(&r->store);
    return err;
}

int shm_unlock(const char *name)
{
    pid_t me = proc_current()->pid;
    sleeplock_acquire(&shm.lock);
    /* Found by the lock, not a view: a holder may have unmapped them all. */
    struct shm_region *r = find_locked(name, me);
    err_t err = ERR_OK;
    if (r) {
        spinlock_acquire(&r->lk);
        r->lock_holder = 0;
        condvar_signal(&r->unlocked);
        spinlock_release(&r->lk);
        release_hold(r, me);     /* the lock may have been its last hold */
    } else {
        err = find_mapped(name, me) ? ERR_INVAL : ERR_NOTEXIST;
    }
    sleeplock_release(&shm.lock);
    return err;
}

void shm_exit(pid_t pid)
{
    sleeplock_acquire(&shm.lock);
    for (struct shm_region *r = shm.regions, *next; r; r = next) {
        next = r->next;
        spinlock_acquire(&r->lk);
        if (r->lock_holder == pid) {
            r->lock_holder = 0;
            r->owner_dead = true;
            condvar_signal(&r->unlocked);
        }
        spinlock_release(&r->lk);
        if (holder_of(r, pid)) {
            remove_holder(r, pid);
            region_update(r);
        }
    }
    sleeplock_release(&shm.lock);
}

void shm_stats(size_t *regions, size_t *pages)
{
    size_t n = 0, resident = 0;
    sleeplock_acquire(&shm.lock);
    for (struct shm_region *r = shm.regions; r; r = r->next) {
        n += r->named;
        resident += pgcache_resident(&r->cache);
    }
    sleeplock_release(&shm.lock);
    *regions = n;
    *pages = resident;
}

int shm_list(struct shm_info *out, int max)
{
    int n = 0;
    struct proc *p = proc_current();
    sleeplock_acquire(&shm.lock);
    for (struct shm_region *r = shm.regions; r && n < max; r = r->next) {
        if (!r->named || (find_visible(r->name, p) != r && !abandoned(r)))
            continue;            /* hidden from p, or not the one p means by its name */
        struct shm_info *i = &out[n++];
        memset(i, 0, sizeof(*i));
        strlcpy(i->name, r->name, sizeof(i->name));
        i->size = r->size;
        i->resident = pgcache_resident(&r->cache);
        i->flags = r->flags;
        for (struct shm_view *v = r->views; v; v = v->next)
            i->views++;
        for (struct shm_holder *h = r->holders; h; h = h->next)
            i->holders++;
        i->creator = r->creator;
    }
    sleeplock_release(&shm.lock);
    return n;
}
