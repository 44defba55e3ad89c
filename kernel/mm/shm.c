/*
 * Named shared regions (contract in shm.h): the name table and the system
 * calls. A call finds the region the caller means by name, checks what
 * the caller may do, and leaves holds, views, the region lock and the
 * moment a region goes to kernel/mm/shm_region.c (shm_region.h).
 *
 * Names: one table holds every live region, and several may share a name
 * when RS_FAMILY hides some of them; find_visible picks the one a process
 * means (shm.h). All of it is guarded by shm_table.lock.
 */
#include <kernel/shm.h>
#include <kernel/shm_region.h>
#include <kernel/lineage.h>
#include <kernel/proc.h>
#include <kernel/string.h>
#include <kernel/vm.h>

struct shm_table shm_table;

/* Once at boot, before any process: an empty table, its limits at zero. */
void shm_init(void)
{
    sleeplock_init(&shm_table.lock, "shm", LOCK_SHM_TABLE);
}

/* ------------------------------------------------------------ the table */

/* Counts r in the limits of shm.h as long as it is in the table. At the
 * head with the next serial, so the list stays sorted by serial (shm_list
 * goes on after a serial from one call to the next). */
static void table_insert(struct shm_region *r)
{
    r->serial = ++shm_table.created;
    r->next = shm_table.regions;
    shm_table.regions = r;
    shm_table.nregions++;
    shm_table.reserved_pages += r->size / PG_SIZE;
}

/* Called when a region retires (shm_region_update): nameless, with no
 * view and its lock free, it no longer counts against the limits. */
void shm_table_remove(struct shm_region *r)
{
    for (struct shm_region **link = &shm_table.regions; *link; link = &(*link)->next)
        if (*link == r) {
            *link = r->next;
            break;
        }
    shm_table.nregions--;
    shm_table.reserved_pages -= r->size / PG_SIZE;
}

/* Whether the limits of shm.h leave room for grow more frames. */
static bool table_has_room(size_t grow)
{
    return shm_table.reserved_pages + grow / PG_SIZE <= SHM_MAX_TOTAL_PAGES;
}

/* ------------------------------------------------------------ lookups */

/* How far up p's lineage r's family's creator is (lineage_distance: an
 * order, nearer first, not a count of generations), or -1 if p is not in
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
    for (struct shm_region *r = shm_table.regions; r; r = r->next) {
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

/* find_visible for a call that writes to the region when write is set:
 * ERR_NOTEXIST if p finds none, ERR_PERM if it is RS_RDONLY and p did not
 * create it (shm.h), else ERR_OK with the region in *out. */
static err_t find_usable(const char *name, struct proc *p, bool write, struct shm_region **out)
{
    struct shm_region *r = find_visible(name, p);
    *out = r;
    if (!r)
        return ERR_NOTEXIST;
    if (write && (r->flags & RS_RDONLY) && !shm_region_is_creator(r, p->pid))
        return ERR_PERM;
    return ERR_OK;
}

/* A region hidden by RS_FAMILY whose family has no live process left: no
 * one can find it, so any process may see it listed and destroy it. */
static bool abandoned(struct shm_region *r)
{
    return r->named && r->family && !lineage_has_members(r->family);
}

/* The abandoned region of this name: shm_destroy's last resort, so such
 * a region is not stuck in the table for ever. */
static struct shm_region *find_abandoned(const char *name)
{
    for (struct shm_region *r = shm_table.regions; r; r = r->next)
        if (strcmp(r->name, name) == 0 && abandoned(r))
            return r;
    return NULL;
}

/* A region of this name the caller maps (named or already destroyed): the
 * lock is taken through a view, which outlives the name. A named one wins
 * over a destroyed one of the same name. */
static struct shm_region *find_mapped(const char *name, pid_t pid)
{
    struct shm_region *found = NULL;
    for (struct shm_region *r = shm_table.regions; r; r = r->next)
        if (strcmp(r->name, name) == 0 && shm_region_has_view(r, pid) && (!found || r->named))
            found = r;
    return found;
}

/* The region of this name whose lock the caller holds (named or not):
 * found by the lock, not a view, since a holder may have unmapped them all. */
static struct shm_region *find_locked(const char *name, pid_t pid)
{
    for (struct shm_region *r = shm_table.regions; r; r = r->next)
        if (strcmp(r->name, name) == 0 && shm_region_lock_holder(r) == pid)
            return r;
    return NULL;
}

/* ------------------------------------------------------- system calls */

/* The region is built before the table's lock is taken, so the lock is
 * not held across an allocation that has nothing to do with the table. */
int shm_create(const char *name, size_t size, int flags)
{
    if (flags & ~(RS_PERSIST | RS_NOINHERIT | RS_RDONLY | RS_FAMILY))
        return ERR_INVAL;
    if (size == 0 || size > SHM_MAX_SIZE)
        return ERR_INVAL;
    size = pg_round_up(size);
    struct proc *p = proc_current();
    struct shm_region *r = shm_region_new(name, size, flags);
    if (!r)
        return ERR_NOMEM;
    sleeplock_acquire(&shm_table.lock);
    err_t err = ERR_OK;
    if (find_visible(name, p))
        err = ERR_EXIST;         /* a name hidden from p is free for p */
    else if (shm_table.nregions >= SHM_MAX_REGIONS || !table_has_room(size))
        err = ERR_NOMEM;
    else
        err = shm_region_add_holder(r, p->pid, true);
    if (err == ERR_OK) {
        r->creator = p->pid;
        r->family = flags & RS_FAMILY ? lineage_pin(p->lineage) : NULL;
        table_insert(r);
    }
    sleeplock_release(&shm_table.lock);
    if (err != ERR_OK)
        memstore_put(&r->store); /* never in the table: frees it */
    return err;
}

/* The view is recorded before it is mapped (under the table's lock, so the
 * region cannot go in between) and the record undone if mapping fails;
 * the address space is locked only after the table's lock is dropped,
 * since the order is address space first. */
int shm_map(const char *name, void **addr_out, int prot)
{
    if (!prot_valid(prot))
        return ERR_INVAL;
    struct proc *p = proc_current();
    sleeplock_acquire(&shm_table.lock);
    struct shm_region *r;
    err_t err = find_usable(name, p, prot & SHM_WRITE, &r);
    if (err == ERR_OK)
        err = shm_region_add_view(r, p->pid, r->size);
    if (err != ERR_OK) {
        sleeplock_release(&shm_table.lock);
        return err;
    }
    size_t size = r->size;
    memstore_get(&r->store);     /* keeps r while we map it */
    sleeplock_release(&shm_table.lock);

    struct addrspace *as = &p->as;
    vaddr_t start = 0;
    struct memregion *mr;
    sleeplock_acquire(&as->lock);
    err = as_find_free(as, size, &start);
    if (err == ERR_OK)
        err = as_map_store(as, start, start + size, prot_to_memperm(prot), true, &r->store, 0,
                           "shm", &mr);
    sleeplock_release(&as->lock);
    if (err != ERR_OK)
        shm_region_drop_view(r, p->pid, size);
    memstore_put(&r->store);
    if (err == ERR_OK)
        *addr_out = (void *)start;
    return err;
}

/* A view is found by its address; the name must match it, so a program
 * cannot unmap a file mapping or another region's view by mistake. The
 * view's record goes through the store hook as the memregion goes. */
int shm_unmap(const char *name, vaddr_t addr)
{
    struct addrspace *as = &proc_current()->as;
    err_t err = ERR_NOTEXIST;
    sleeplock_acquire(&as->lock);
    struct memregion *mr = as_find_region(as, addr);
    struct shm_region *r = mr && mr->shared ? shm_region_of(mr->store) : NULL;
    if (r && strcmp(r->name, name) == 0) {
        as_unmap_region(as, mr);
        err = ERR_OK;
    }
    sleeplock_release(&as->lock);
    return err;
}

/* Who may destroy is shm.h's rule; the caller's own views must go first,
 * so a destroy never leaves the caller mapping a region it cannot name. */
int shm_destroy(const char *name)
{
    struct proc *p = proc_current();
    sleeplock_acquire(&shm_table.lock);
    struct shm_region *r = find_visible(name, p);
    if (!r)
        r = find_abandoned(name);
    err_t err = ERR_OK;
    if (!r)
        err = ERR_NOTEXIST;
    else if (r->creator != p->pid && shm_region_is_creator(r, r->creator))
        err = ERR_PERM;          /* the creator lives: its region, its call */
    else if (shm_region_has_view(r, p->pid))
        err = ERR_INVAL;         /* unmap your own views first */
    else
        shm_region_unname(r);
    sleeplock_release(&shm_table.lock);
    return err;
}

/* A shrink drops the pages past the new end from the cache at once; it is
 * refused while a view reaches past it (views keep their mapped size). */
int shm_resize(const char *name, size_t size)
{
    if (size == 0 || size > SHM_MAX_SIZE)
        return ERR_INVAL;
    size = pg_round_up(size);
    struct proc *p = proc_current();
    sleeplock_acquire(&shm_table.lock);
    struct shm_region *r;
    err_t err = find_usable(name, p, true, &r);
    if (err == ERR_OK && size > r->size && !table_has_room(size - r->size))
        err = ERR_NOMEM;
    else if (err == ERR_OK && !shm_region_views_fit(r, size))
        err = ERR_INVAL;         /* a live view reaches past the new end */
    if (err == ERR_OK) {
        shm_table.reserved_pages = shm_table.reserved_pages - r->size / PG_SIZE + size / PG_SIZE;
        if (size < r->size)
            pgcache_truncate(&r->cache, size);
        r->size = size;
    }
    sleeplock_release(&shm_table.lock);
    return err;
}

/* The wait for the lock happens without the table's lock (other calls go
 * on meanwhile); a store reference keeps the region while we wait. */
int shm_lock(const char *name)
{
    pid_t me = proc_current()->pid;
    sleeplock_acquire(&shm_table.lock);
    struct shm_region *r = find_mapped(name, me);
    if (r)
        memstore_get(&r->store);
    sleeplock_release(&shm_table.lock);
    if (!r)
        return ERR_NOTEXIST;
    err_t err = shm_region_lock(r, me);
    memstore_put(&r->store);
    return err;
}

/* ERR_INVAL for a region the caller maps but has not locked, ERR_NOTEXIST
 * for one it neither maps nor holds locked. */
int shm_unlock(const char *name)
{
    pid_t me = proc_current()->pid;
    sleeplock_acquire(&shm_table.lock);
    struct shm_region *r = find_locked(name, me);
    err_t err = ERR_OK;
    if (r)
        shm_region_unlock(r, me);
    else
        err = find_mapped(name, me) ? ERR_INVAL : ERR_NOTEXIST;
    sleeplock_release(&shm_table.lock);
    return err;
}

/* Every region, since an exiting process may hold one it could no longer
 * find by name (destroyed, or hidden). */
void shm_exit(pid_t pid)
{
    sleeplock_acquire(&shm_table.lock);
    for (struct shm_region *r = shm_table.regions, *next; r; r = next) {
        next = r->next;          /* r may leave the table */
        shm_region_exit(r, pid);
    }
    sleeplock_release(&shm_table.lock);
}

/* Counts named regions only, but the frames of every live one: a
 * destroyed region still mapped still holds its frames. */
void shm_stats(size_t *regions, size_t *pages)
{
    size_t n = 0, resident = 0;
    sleeplock_acquire(&shm_table.lock);
    for (struct shm_region *r = shm_table.regions; r; r = r->next) {
        n += r->named;
        resident += pgcache_resident(&r->cache);
    }
    sleeplock_release(&shm_table.lock);
    *regions = n;
    *pages = resident;
}

/* What the caller would get by name, plus the abandoned regions, which
 * only a listing can reveal to the process that destroys them. The table
 * is sorted by serial, newest first, so a listing in steps sees each
 * region at most once, whatever is created or destroyed between them. */
int shm_list(struct shm_info *out, int max, uint64_t *before)
{
    int n = 0;
    struct proc *p = proc_current();
    sleeplock_acquire(&shm_table.lock);
    for (struct shm_region *r = shm_table.regions; r && n < max; r = r->next) {
        if (r->serial >= *before)
            continue;            /* listed by an earlier step */
        if (!r->named || (find_visible(r->name, p) != r && !abandoned(r)))
            continue;            /* hidden from p, or not the one p means by its name */
        shm_region_info(r, &out[n++]);
        *before = r->serial;
    }
    sleeplock_release(&shm_table.lock);
    return n;
}
