/*
 * File mappings (contract in filemap.h): the "file" memstore, its fill and
 * write-back, and mmap/munmap.
 */
#include <kernel/filemap.h>
#include <kernel/file.h>
#include <kernel/fs.h>
#include <kernel/kmalloc.h>
#include <kernel/memstore.h>
#include <kernel/pgcache.h>
#include <kernel/pmem.h>
#include <kernel/proc.h>
#include <kernel/string.h>
#include <kernel/vm.h>
#include <lib/mman.h>
#include <stdbool.h>

struct filemap {
    struct memstore store;       /* first: the store is the filemap */
    struct pgcache cache;
    struct inode *ip;            /* one reference */
    struct filemap *next;
};

static struct {
    struct sleeplock lock;
    struct filemap *maps;
} fm;

static const struct memstore_ops filemap_ops;

/* No file reaches this offset: mmap refuses it (offset_t being unsigned,
 * this is also what a negative offset becomes). */
#define MAX_FILE_BYTES ((offset_t)SFS_MAX_FILE_BLOCKS * SFS_BLOCK_SIZE)

void filemap_init(void)
{
    sleeplock_init(&fm.lock, "filemap");
}

static err_t fill_from_file(void *arg, offset_t off, paddr_t pa)
{
    struct filemap *m = arg;
    ssize_t n = inode_read(m->ip, kmap_p2v(pa), false, off, PG_SIZE);
    return n < 0 ? (err_t)n : ERR_OK;    /* past the end: zeros */
}

static err_t filemap_fillpage(struct memstore *ms, offset_t off, paddr_t *pa)
{
    struct filemap *m = (struct filemap *)ms;
    return pgcache_get(&m->cache, off, fill_from_file, m, pa);
}

struct writeback {
    struct filemap *m;
    offset_t from, to;
};

static void write_page(offset_t off, paddr_t pa, void *arg)
{
    struct writeback *wb = arg;
    size_t size = inode_size(wb->m->ip);
    if (off < wb->from || off >= wb->to || (size_t)off >= size)
        return;
    size_t n = size - off < PG_SIZE ? size - off : PG_SIZE;
    inode_write(wb->m->ip, kmap_p2v(pa), false, off, n);
}

static void writeback(struct filemap *m, offset_t from, offset_t to)
{
    struct writeback wb = { m, from, to };
    pgcache_for_each(&m->cache, write_page, &wb);
}

static void filemap_view_closed(struct memstore *ms, pid_t pid, struct memregion *r)
{
    (void)pid;
    /* Only a writable shared view can have changed the pages; writing back
     * through a read-only one would undo write()s made since it read them. */
    if (r->shared && (r->perm & MEMPERM_W))
        writeback((struct filemap *)ms, r->offset, r->offset + (r->end - r->start));
}

static void filemap_release(struct memstore *ms)
{
    struct filemap *m = (struct filemap *)ms;
    sleeplock_acquire(&fm.lock);
    for (struct filemap **link = &fm.maps; *link; link = &(*link)->next)
        if (*link == m) {
            *link = m->next;
            break;
        }
    sleeplock_release(&fm.lock);
    pgcache_truncate(&m->cache, 0);
    inode_put(m->ip);
    kfree(m);
}

static const struct memstore_ops filemap_ops = {
    .fillpage = filemap_fillpage,
    .release = filemap_release,
    .view_closed = filemap_view_closed,
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
        m->store.kind = "file";
        m->store.refcount = 1;
        m->store.cache = &m->cache;
        pgcache_init(&m->cache);
        m->ip = inode_dup(ip);
        m->next = fm.maps;
        fm.maps = m;
    }
    sleeplock_release(&fm.lock);
    return m;
}

int filemap_mmap(struct file *f, offset_t offset, size_t length, int prot, int flags, vaddr_t *addr)
{
    if ((flags != MAP_SHARED && flags != MAP_PRIVATE) || prot == 0 ||
        (prot & ~(SHM_READ | SHM_WRITE)) || length == 0 || !pg_aligned(offset) ||
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
    int perm = (prot & SHM_READ ? MEMPERM_R : 0) | (prot & SHM_WRITE ? MEMPERM_W | MEMPERM_R : 0);
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

void filemap_sync_all(void)
{
    sleeplock_acquire(&fm.lock);
    for (struct filemap *m = fm.maps; m; m = m->next)
        writeback(m, 0, (offset_t)1 << 62);
    sleeplock_release(&fm.lock);
}
