/*
 * kmem_cache: equal-sized kernel objects carved out of whole frames.
 *
 * Each slab is one frame with a header at its start and objects after it;
 * a free object's first word links it into the slab's free list. A slab is
 * found from any of its objects by rounding the address down to the page.
 * Caches keep only slabs that have room (partial list); a slab whose last
 * object is freed goes straight back to pmem, so kernel structures never
 * keep frames a test would count as leaked.
 *
 * kmalloc/kfree are power-of-two size classes (16 to 2048 bytes) on top.
 */
#include <kernel/kmalloc.h>
#include <kernel/console.h>
#include <kernel/pmem.h>
#include <kernel/string.h>

/* The header at the start of a slab's frame; cache and capacity are set
 * when it is made, the rest is guarded by its cache's lock. */
struct slab {
    struct kmem_cache *cache;
    struct list_node link;       /* on the cache's partial list, if there */
    void *freelist;
    uint32_t inuse, capacity;
};

#define SLAB_HDR ((sizeof(struct slab) + 15) & ~15UL)
#define MAX_CACHES 32

static struct kmem_cache caches[MAX_CACHES];
static int ncaches;                         /* slots of caches[] taken; caches_lock */
static struct spinlock caches_lock;         /* LOCK_KMEM_CACHES: taking a slot, at boot */
static struct kmem_cache *size_classes[8];   /* 16, 32, ..., 2048; set by kmalloc_init */

static bool caches_sealed;                  /* kmem_cache_seal: no more caches */

/* Makes a cache (a slot of the fixed array, taken under caches_lock).
 * Only at boot: a cache made lazily on first use could be made twice by
 * two harts racing to its first use, so creation after the other harts
 * start is a kernel bug, caught here. */
struct kmem_cache *kmem_cache_create(const char *name, size_t obj_size)
{
    if (__atomic_load_n(&caches_sealed, __ATOMIC_ACQUIRE))
        panic("kmem_cache_create(%s) after boot: make caches in an _init function", name);
    obj_size = (obj_size + 15) & ~15UL;
    if (obj_size == 0 || obj_size > PG_SIZE - SLAB_HDR)
        return NULL;
    spinlock_acquire(&caches_lock);
    struct kmem_cache *c = ncaches < MAX_CACHES ? &caches[ncaches++] : NULL;
    spinlock_release(&caches_lock);
    if (!c)
        panic("kmem_cache_create: more than %d caches", MAX_CACHES);
    c->obj_size = obj_size;
    list_init(&c->partial);
    c->name = name;
    spinlock_init(&c->lock, name, LOCK_KMEM);
    return c;
}

/* The partial list holds exactly the slabs with a free object and at
 * least one in use: a slab leaves it when it fills or empties, and joins
 * it at the front, so the next allocation uses the slab that just got
 * room. c->lock held. */
static void partial_push(struct kmem_cache *c, struct slab *s)
{
    list_prepend(&c->partial, &s->link);
}

/* A fresh slab with every object on its free list. */
static struct slab *slab_new(struct kmem_cache *c)
{
    paddr_t pa;
    if (pmem_alloc(&pa) != ERR_OK)
        return NULL;
    struct slab *s = kmap_p2v(pa);
    s->cache = c;
    s->inuse = 0;
    s->capacity = (PG_SIZE - SLAB_HDR) / c->obj_size;
    s->freelist = NULL;
    for (int i = s->capacity - 1; i >= 0; i--) {
        void **obj = (void **)((char *)s + SLAB_HDR + i * c->obj_size);
        *obj = s->freelist;
        s->freelist = obj;
    }
    return s;
}

/* A new slab is built without the cache's lock: it is private until it
 * is pushed, and other harts keep allocating from the others meanwhile.
 * Zeroing happens after the lock is dropped, for the same reason. */
void *kmem_cache_alloc(struct kmem_cache *c)
{
    if (kalloc_fail_due())        /* a test's injected failure (pmem.h) */
        return NULL;
    spinlock_acquire(&c->lock);
    struct slab *s = list_first(&c->partial, struct slab, link);
    if (!s) {
        spinlock_release(&c->lock);
        s = slab_new(c);           /* pmem comes after our lock in the order anyway */
        if (!s)
            return NULL;
        spinlock_acquire(&c->lock);
        partial_push(c, s);
    }
    void **obj = s->freelist;
    s->freelist = *obj;
    if (++s->inuse == s->capacity)
        list_remove(&s->link);   /* full */
    spinlock_release(&c->lock);
    memset(obj, 0, c->obj_size);
    return obj;
}

/* The slab is found from the object's address (slabs are frames). An
 * emptied slab goes back to pmem at once, after the cache's lock is
 * dropped, so freed memory shows up in the free-frame count. */
void kmem_cache_free(struct kmem_cache *c, void *obj)
{
    struct slab *s = (struct slab *)pg_round_down((uintptr_t)obj);
    kassert(s->cache == c);
    spinlock_acquire(&c->lock);
    bool was_full = s->inuse == s->capacity;
    *(void **)obj = s->freelist;
    s->freelist = obj;
    s->inuse--;
    if (s->inuse == 0) {
        if (!was_full)
            list_remove(&s->link);
        spinlock_release(&c->lock);
        pmem_free(kmap_v2p(s));
        return;
    }
    if (was_full)
        partial_push(c, s);
    spinlock_release(&c->lock);
}

/* From here on kmem_cache_create panics. An atomic store: the flag is
 * read without caches_lock, by any hart. Contract in <kernel/kmalloc.h>. */
void kmem_cache_seal(void)
{
    __atomic_store_n(&caches_sealed, true, __ATOMIC_RELEASE);
}

/* The size classes are ordinary caches, made here at boot like all. */
void kmalloc_init(void)
{
    spinlock_init(&caches_lock, "kmem_caches", LOCK_KMEM_CACHES);
    static const char *names[8] = { "kmalloc-16", "kmalloc-32", "kmalloc-64", "kmalloc-128",
                                    "kmalloc-256", "kmalloc-512", "kmalloc-1024", "kmalloc-2048" };
    for (int i = 0; i < 8; i++)
        size_classes[i] = kmem_cache_create(names[i], 16UL << i);
}

/* The smallest size class that fits. */
void *kmalloc(size_t size)
{
    for (int i = 0; i < 8; i++)
        if (size <= (16UL << i))
            return kmem_cache_alloc(size_classes[i]);
    return NULL;
}

/* The slab's header names its cache, so kfree needs no size. */
void kfree(void *ptr)
{
    if (!ptr)
        return;
    struct slab *s = (struct slab *)pg_round_down((uintptr_t)ptr);
    kmem_cache_free(s->cache, ptr);
}
