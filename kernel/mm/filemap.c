/*
 * File mappings (contract in filemap.h): the "file" memstore, its fill and
 * write-back, and mmap/munmap.
 */
#include <kernel/filemap.h>
#include <kernel/console.h>
#include <kernel/file.h>
#include <kernel/fs.h>
#include <kernel/kmalloc.h>
#include <kernel/memstore.h>
#include <kernel/pgcache.h>
#include <kernel/pmem.h>
#include <kernel/proc.h>
#include <kernel/shm.h>
#include <kernel/string.h>
#include <kernel/vm.h>
#include <lib/mman.h>

/* The memstore of one mapped file. Its pages are the inode's page cache
 * (ip->pages), which read() and write() keep coherent with the file. */
struct filemap {
    struct memstore store;       /* first: the store is the filemap */
    struct inode *ip;            /* one reference; set when made, then constant */
    struct filemap *next;        /* in fm.maps; guarded by fm.lock */
};

static struct {
    struct sleeplock lock;       /* LOCK_FILEMAP_TABLE */
    struct filemap *maps;        /* guarded by lock */
} fm;

static const struct memstore_ops filemap_ops;

/* No file reaches this offset: mmap refuses it (offset_t being unsigned,
 * this is also what a negative offset becomes). */
#define MAX_FILE_BYTES ((offset_t)SFS_MAX_FILE_BLOCKS * SFS_BLOCK_SIZE)

/* Once at boot, before any mmap: the table of filemaps starts empty. */
void filemap_init(void)
{
    sleeplock_init(&fm.lock, "filemap", LOCK_FILEMAP_TABLE);
}

/* A memstore with filemap_ops is the first member of a struct filemap, so
 * the hooks below get their file back from the store they are called on. */
static struct inode *inode_of(struct memstore *ms)
{
    return ((struct filemap *)ms)->ip;
}

/* Fills a page from the file (pgcache_fill_t): the page cache knows
 * nothing of inodes, so the inode comes as arg. */
static err_t fill_from_file(void *arg, offset_t off, paddr_t pa)
{
    return inode_read_page(arg, off, kmap_p2v(pa));
}

/* The inode's own cache, the one read() and write() use, so a mapping
 * and the file's calls see the same bytes. */
static err_t filemap_fillpage(struct memstore *ms, offset_t off, paddr_t *pa)
{
    struct inode *ip = inode_of(ms);
    return pgcache_get(&ip->pages, off, fill_from_file, ip, pa);
}

/* Writes a dirty page back (pgcache_put_t). The file's blocks all exist
 * (no holes), so this allocates nothing and cannot fail for a full disk;
 * should it ever fail, the console says so. */
static void write_to_file(void *arg, offset_t off, paddr_t pa)
{
    struct inode *ip = arg;
    err_t err = inode_write_page(ip, off, kmap_p2v(pa));
    if (err != ERR_OK)
        kprintf("[filemap] inode %d: page at %ld not written back: error %d\n", inode_num(ip),
                (long)off, err);
}

/* The memstore hooks for dirty pages (memstore.h) pass straight to the
 * inode's cache, with the file as where pages go back to. */
static void filemap_mark_dirty(struct memstore *ms, offset_t off)
{
    pgcache_mark_dirty(&inode_of(ms)->pages, off);
}

/* A view that had the page writable goes (memstore.h's write_back): the
 * page goes back to the file now, not at halt, so read() and a later
 * mapping see it, even while another view still has it writable. */
static void filemap_write_back(struct memstore *ms, offset_t off)
{
    struct inode *ip = inode_of(ms);
    pgcache_write_back(&ip->pages, off, write_to_file, ip);
}

/* A view's pages are unmapped (memstore.h's drop_unmapped): the pages it
 * covered that no other view maps leave the cache. */
static void filemap_drop_unmapped(struct memstore *ms, offset_t off, offset_t end)
{
    pgcache_drop_unmapped(&inode_of(ms)->pages, off, end);
}

/* The last view is gone (its dirty pages were written back as it went).
 * The inode's cache is emptied unless another filemap of the file was
 * made meanwhile (filemap_of skips a map being released): that one's
 * views map its pages now. */
static void filemap_release(struct memstore *ms)
{
    struct filemap *m = (struct filemap *)ms;
    bool other = false;
    sleeplock_acquire(&fm.lock);
    for (struct filemap **link = &fm.maps; *link;) {
        if (*link == m)
            *link = m->next;
        else {
            other |= (*link)->ip == m->ip;
            link = &(*link)->next;
        }
    }
    if (!other)
        pgcache_truncate(&m->ip->pages, 0);
    sleeplock_release(&fm.lock);
    inode_put(m->ip);
    kfree(m);
}

/* A private mapping's page: the cached page's bytes if it is cached (a
 * shared view's stores not yet written back), else the file's, read
 * into the private frame alone, so the cache does not grow with it. */
static err_t filemap_copypage(struct memstore *ms, offset_t off, paddr_t *pa)
{
    struct inode *ip = inode_of(ms);
    return pgcache_copy(&ip->pages, off, fill_from_file, ip, pa);
}

static const struct memstore_ops filemap_ops = {
    .fillpage = filemap_fillpage,
    .copypage = filemap_copypage,
    .mark_dirty = filemap_mark_dirty,
    .write_back = filemap_write_back,
    .drop_unmapped = filemap_drop_unmapped,
    .release = filemap_release,
};

/* The store of ip's pages, with a reference for the caller; NULL on no memory. */
static struct filemap *filemap_of(struct inode *ip)
{
    sleeplock_acquire(&fm.lock);
    struct filemap *m;
    for (m = fm.maps; m; m = m->next)
        if (m->ip == ip && memstore_tryget(&m->store))
            break;               /* (a map whose count reached 0 is being released) */
    if (!m && (m = kmalloc(sizeof(*m)))) {
        memset(m, 0, sizeof(*m));
        m->store.ops = &filemap_ops;
        m->store.refcount = 1;
        m->store.cache = &ip->pages;
        m->ip = inode_dup(ip);
        m->next = fm.maps;
        fm.maps = m;
    }
    sleeplock_release(&fm.lock);
    return m;
}

/* Every argument is judged (filemap.h's order) before anything is made,
 * so a refused call leaves nothing behind. Only a
 * shared writable mapping needs the file open for writing: a private one
 * never writes the file. */
int filemap_mmap(struct file *f, offset_t offset, size_t length, int prot, int flags, vaddr_t *addr)
{
    if ((flags != MAP_SHARED && flags != MAP_PRIVATE) || !prot_valid(prot) ||
        length == 0 || !pg_aligned(offset) ||
        offset >= MAX_FILE_BYTES || length > USER_TOP)
        return ERR_INVAL;
    if (f->type != FILE_INODE || inode_ftype(f->inode) != FTYPE_FILE)
        return ERR_FTYPE;
    if (!f->readable || (flags == MAP_SHARED && (prot & SHM_WRITE) && !f->writable))
        return ERR_PERM;
    struct filemap *m = filemap_of(f->inode);
    if (!m)
        return ERR_NOMEM;
    size_t size = pg_round_up(length);
    int perm = prot_to_memperm(prot);
    struct addrspace *as = &proc_current()->as;
    sleeplock_acquire(&as->lock);
    err_t err = as_find_free(as, size, addr);
    if (err == ERR_OK)
        err = as_map_store(as, *addr, *addr + size, perm, flags == MAP_SHARED, &m->store, offset,
                           "file", NULL);
    sleeplock_release(&as->lock);
    memstore_put(&m->store);
    return err;
}

/* Only a whole mapping, named by the start and length mmap gave it: a
 * partial unmap would split a memregion, which vm.c does not do. */
int filemap_munmap(vaddr_t addr, size_t length)
{
    struct addrspace *as = &proc_current()->as;
    err_t err = ERR_INVAL;
    sleeplock_acquire(&as->lock);
    struct memregion *r = as_find_region(as, addr);
    if (r && r->store->ops == &filemap_ops && r->start == addr && length &&
        r->end - r->start == pg_round_up(length)) {
        as_unmap_region(as, r);
        err = ERR_OK;
    }
    sleeplock_release(&as->lock);
    return err;
}

/* halt(): every dirty page reaches its file while the views stay, so
 * MAP_SHARED stores survive a power-off that follows. */
void filemap_sync_all(void)
{
    sleeplock_acquire(&fm.lock);
    for (struct filemap *m = fm.maps; m; m = m->next)
        pgcache_sync(&m->ip->pages, write_to_file, m->ip);
    sleeplock_release(&fm.lock);
}
