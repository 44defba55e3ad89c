/*
 * Page caches (contract in pgcache.h): a splay tree of (offset, frame,
 * writers) by offset, under a sleeplock. It was a sorted list, a walk per
 * lookup: a file mapping has no size limit, and a program touching 40,000
 * pages of one took 11 s of kernel time (each fault and each read() of the
 * file held the cache's lock for a walk of it all). A splay tree costs
 * O(log n) a lookup (amortized), needs no memory beyond the entries, and
 * its steps are loops, never recursion on the kernel stack; lookups in a
 * row nearby (a sequential fault or read) are the cheapest.
 */
#include <kernel/pgcache.h>
#include <kernel/console.h>
#include <kernel/kmalloc.h>
#include <kernel/pmem.h>
#include <kernel/string.h>

struct pgcache_entry {
    offset_t off;
    paddr_t pa;
    unsigned writers;            /* views mapping the page writable: dirty if > 0 */
    struct pgcache_entry *left, *right;   /* lower and higher offsets */
};

/* An empty page cache (done for every inode slot at boot). */
void pgcache_init(struct pgcache *pc)
{
    sleeplock_init(&pc->lock, "pgcache", LOCK_PGCACHE);
    pc->root = NULL;
    pc->resident = 0;
}

/* For read() and write() (rw.c), whose step spans the cache and the
 * disk: the sleeplock pgcache_get and the dirty-page calls take for
 * themselves, held across both so a fault sees the file before the step
 * or after it; pgcache_read and pgcache_write assert it is held.
 * Contract in <kernel/pgcache.h>. */
void pgcache_lock(struct pgcache *pc)
{
    sleeplock_acquire(&pc->lock);
}

/* Ends what pgcache_lock began. */
void pgcache_unlock(struct pgcache *pc)
{
    sleeplock_release(&pc->lock);
}

/*
 * Top-down splay (Sleator and Tarjan): the entry of off, or else the last
 * one on its search path (the next lower or higher offset), becomes the
 * root; every offset in its left subtree is below off, and every one in
 * its right subtree above. Returns the new root. Caller holds the lock.
 */
static struct pgcache_entry *splay(struct pgcache_entry *t, offset_t off)
{
    if (!t)
        return NULL;
    struct pgcache_entry side = { .left = NULL, .right = NULL };
    struct pgcache_entry *low = &side, *high = &side;   /* the trees being built */
    for (;;) {
        if (off < t->off) {
            if (t->left && off < t->left->off) {     /* zig-zig: rotate right */
                struct pgcache_entry *y = t->left;
                t->left = y->right;
                y->right = t;
                t = y;
            }
            if (!t->left)
                break;
            high->left = t;                          /* t and above: the high tree */
            high = t;
            t = t->left;
        } else if (off > t->off) {
            if (t->right && off > t->right->off) {   /* zag-zag: rotate left */
                struct pgcache_entry *y = t->right;
                t->right = y->left;
                y->left = t;
                t = y;
            }
            if (!t->right)
                break;
            low->right = t;                          /* t and below: the low tree */
            low = t;
            t = t->right;
        } else {
            break;
        }
    }
    low->right = t->left;
    high->left = t->right;
    t->left = side.right;
    t->right = side.left;
    return t;
}

/* The entry of the page at off, or NULL. Caller holds the lock. */
static struct pgcache_entry *find(struct pgcache *pc, offset_t off)
{
    pc->root = splay(pc->root, off);
    return pc->root && pc->root->off == off ? pc->root : NULL;
}

/* The entry with the lowest offset at or past off, or NULL. Caller holds
 * the lock. */
static struct pgcache_entry *find_from(struct pgcache *pc, offset_t off)
{
    struct pgcache_entry *e = pc->root = splay(pc->root, off);
    if (e && e->off < off)       /* the next lower: take the lowest above it */
        for (e = e->right; e && e->left; e = e->left)
            ;
    return e;
}

/* The fill happens under the cache's lock, so two views faulting on one
 * page at once get one frame, filled once. The frame is zeroed before the
 * fill, so the part of a page past a file's end reads as zeros. */
err_t pgcache_get(struct pgcache *pc, offset_t off, pgcache_fill_t fill, void *arg, paddr_t *pa)
{
    err_t err = ERR_OK;
    sleeplock_acquire(&pc->lock);
    struct pgcache_entry *hit = find(pc, off);
    if (hit) {
        *pa = hit->pa;
        pmem_inc_ref(*pa);
        goto out;
    }
    struct pgcache_entry *e = kmalloc(sizeof(*e));
    if (!e || pmem_alloc_zero(pa) != ERR_OK) {
        kfree(e);
        err = ERR_NOMEM;
        goto out;
    }
    if (fill && (err = fill(arg, off, *pa)) != ERR_OK) {
        pmem_free(*pa);
        kfree(e);
        goto out;
    }
    e->off = off;
    e->pa = *pa;
    e->writers = 0;
    /* The root is off's neighbour (the fill does not touch the tree): the
     * new entry goes above it, taking the side of it beyond off. */
    struct pgcache_entry *root = splay(pc->root, off);
    e->left = e->right = NULL;
    if (root && off < root->off) {
        e->left = root->left;
        e->right = root;
        root->left = NULL;
    } else if (root) {
        e->right = root->right;
        e->left = root;
        root->right = NULL;
    }
    pc->root = e;
    pc->resident++;
    pmem_inc_ref(*pa);          /* one for the cache, one for the caller */
out:
    sleeplock_release(&pc->lock);
    return err;
}

/* The private mapping's fill: the frame is never put in the cache, so a
 * private mapping's pages, past the file's end too, go with it (they
 * stayed cached while any other mapping of the file lived: hostile_cache).
 * Contract in <kernel/pgcache.h>. */
err_t pgcache_copy(struct pgcache *pc, offset_t off, pgcache_fill_t fill, void *arg, paddr_t *pa)
{
    sleeplock_acquire(&pc->lock);
    err_t err = pmem_alloc_zero(pa);
    struct pgcache_entry *hit = err == ERR_OK ? find(pc, off) : NULL;
    if (hit)
        memcpy(kmap_p2v(*pa), kmap_p2v(hit->pa), PG_SIZE);
    else if (err == ERR_OK && (err = fill(arg, off, *pa)) != ERR_OK)
        pmem_free(*pa);
    sleeplock_release(&pc->lock);
    return err;
}

/* Only the cache's references go: a frame some view still maps lives on
 * through the view's own reference until it is unmapped. */
void pgcache_truncate(struct pgcache *pc, offset_t off)
{
    sleeplock_acquire(&pc->lock);
    struct pgcache_entry *t = pc->root = splay(pc->root, off);
    if (t && t->off >= off) {    /* the root and its right: all at or past off */
        pc->root = t->left;
        t->left = NULL;
    } else if (t) {              /* only its right */
        t = t->right;
        pc->root->right = NULL;
    }
    while (t) {
        if (t->left) {           /* rotate right until t has no left, then free it */
            struct pgcache_entry *l = t->left;
            t->left = l->right;
            l->right = t;
            t = l;
            continue;
        }
        struct pgcache_entry *e = t;
        t = t->right;
        kassert(e->writers == 0);
        pmem_free(e->pa);
        kfree(e);
        pc->resident--;
    }
    sleeplock_release(&pc->lock);
}

/* Without the lock: a count for statistics, stale by the time it is read
 * anyway. */
size_t pgcache_resident(struct pgcache *pc)
{
    return pc->resident;
}

/* A count, not a flag: the page stays dirty until every view that
 * stored to it has gone (pgcache.h). */
void pgcache_mark_dirty(struct pgcache *pc, offset_t off)
{
    sleeplock_acquire(&pc->lock);
    struct pgcache_entry *e = find(pc, off);
    kassert(e != NULL);
    e->writers++;
    sleeplock_release(&pc->lock);
}

/* Takes the root entry out of the tree and frees it, with the cache's
 * reference on its frame. The highest entry of its left subtree (splayed
 * up there, so it has no right child) takes its place. Caller holds the
 * lock. */
static void remove_root(struct pgcache *pc)
{
    struct pgcache_entry *e = pc->root;
    if (e->left) {
        pc->root = splay(e->left, e->off);
        pc->root->right = e->right;
    } else {
        pc->root = e->right;
    }
    pmem_free(e->pa);
    kfree(e);
    pc->resident--;
}

/* Written back even if another view still has the page writable: each
 * view's stores reach the file when that view goes, whatever the others
 * do later. */
void pgcache_write_back(struct pgcache *pc, offset_t off, pgcache_put_t put, void *arg)
{
    sleeplock_acquire(&pc->lock);
    struct pgcache_entry *e = find(pc, off);
    kassert(e != NULL && e->writers > 0);
    put(arg, off, e->pa);
    e->writers--;
    sleeplock_release(&pc->lock);
}

/* A count of 1 is the cache's reference alone: every other holder (a
 * view's entry, a fault that got the page from pgcache_get and is mapping
 * it) has one more, taken under this lock, and the caller's view has
 * dropped its own. Judged after the unmap: before it, a view closed but
 * not yet unmapped (an exiting process that mapped the file twice, or
 * another process closing at the same time) still counted, and the page
 * stayed until the file's last mapping went (hostile_cache). Contract in
 * <kernel/pgcache.h>. */
void pgcache_drop_unmapped(struct pgcache *pc, offset_t off, offset_t end)
{
    sleeplock_acquire(&pc->lock);
    struct pgcache_entry *e;
    for (offset_t page = off; (e = find_from(pc, page)) && e->off < end;) {
        page = e->off + PG_SIZE;
        if (e->writers == 0 && pmem_refcount(e->pa) == 1) {
            find(pc, e->off);    /* e becomes the root */
            remove_root(pc);
        }
    }
    sleeplock_release(&pc->lock);
}

/* The writers stay counted: the views are still there (halt writes
 * them back without unmapping anything). */
void pgcache_sync(struct pgcache *pc, pgcache_put_t put, void *arg)
{
    sleeplock_acquire(&pc->lock);
    /* In order without a stack (Morris): each left subtree's highest entry
     * points back up for a while. put() does not touch the cache. */
    for (struct pgcache_entry *e = pc->root; e;) {
        struct pgcache_entry *pre = e->left;
        while (pre && pre->right && pre->right != e)
            pre = pre->right;
        if (pre && !pre->right) {
            pre->right = e;      /* come back to e after its left */
            e = e->left;
            continue;
        }
        if (pre)
            pre->right = NULL;   /* back from the left: undo the thread */
        if (e->writers > 0)
            put(arg, e->off, e->pa);
        e = e->right;
    }
    sleeplock_release(&pc->lock);
}

/* A cached page may hold stores the disk has not seen yet, so read()
 * must take the cache's bytes when the page is there. */
bool pgcache_read(struct pgcache *pc, offset_t off, void *dst, size_t n)
{
    kassert(sleeplock_holding(&pc->lock));
    struct pgcache_entry *e = find(pc, pg_round_down(off));
    if (!e)
        return false;
    memcpy(dst, (uint8_t *)kmap_p2v(e->pa) + (off - e->off), n);
    return true;
}

/* write() reaches every cached page the range touches, so mappings see
 * its bytes at once; an uncached page will be read from the disk, which
 * write() updates too. */
void pgcache_write(struct pgcache *pc, offset_t off, const void *src, size_t n)
{
    kassert(sleeplock_holding(&pc->lock));
    offset_t end = off + (offset_t)n;
    struct pgcache_entry *e;
    for (offset_t page = pg_round_down(off); (e = find_from(pc, page)) && e->off < end;
         page = e->off + PG_SIZE) {
        offset_t from = e->off > off ? e->off : off;
        offset_t page_end = e->off + (offset_t)PG_SIZE;
        offset_t to = page_end < end ? page_end : end;
        uint8_t *dst = (uint8_t *)kmap_p2v(e->pa) + (from - e->off);
        if (src)
            memcpy(dst, (const uint8_t *)src + (from - off), to - from);
        else
            memset(dst, 0, to - from);
    }
}
