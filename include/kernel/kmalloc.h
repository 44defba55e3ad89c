/*
 * Kernel object allocation.
 *
 * kmem_cache: a cache of equal-sized objects carved from whole frames
 * (slabs). A slab whose objects are all free goes back to pmem at once, so
 * the free-frame count a test reads returns to where it started.
 * kmalloc/kfree: power-of-two size classes up to 2048 bytes on top of
 * kmem_caches, for buffers whose size is only known at run time.
 *
 * Errors: every allocator here returns NULL when memory runs out; none
 * panics for want of memory. Memory comes back zeroed.
 *
 * Locking: each cache has a spinlock (LOCK_KMEM, synch.h), and pmem's
 * comes after it, so allocating and freeing never sleep and may be done
 * with any lock held that ranks before LOCK_KMEM (every sleeplock and
 * most spinlocks; not the console's, the sleeplocks' inner lock, the
 * scheduler's, the ASIDs' or pmem's). Caches are made at boot only, and
 * their number is fixed: kmem_cache_create panics after kmem_cache_seal
 * or past the limit, both kernel bugs.
 */
#ifndef _KERNEL_KMALLOC_H_
#define _KERNEL_KMALLOC_H_

#include <kernel/types.h>
#include <kernel/synch.h>
#include <kernel/list.h>

struct kmem_cache {
    size_t obj_size;       /* set by kmem_cache_create, then constant, as name */
    struct list partial;   /* slabs with a free object and one in use; guarded by lock */
    struct spinlock lock;  /* LOCK_KMEM */
    const char *name;
};

/* Makes a cache of obj_size-byte objects (rounded up to 16), named for
 * debugging; NULL if an object cannot fit a slab. Boot only (each
 * subsystem's _init, before the other harts start): after kmem_cache_seal
 * it panics, so no cache is made lazily on first use, where two harts
 * could race to make it. */
struct kmem_cache *kmem_cache_create(const char *name, size_t obj_size);
/* Called by boot once every subsystem is initialised, before the other
 * harts start: from then on kmem_cache_create panics. */
void kmem_cache_seal(void);
/* A zeroed object, or NULL. */
void *kmem_cache_alloc(struct kmem_cache *cache);
/* Gives obj back to the cache it came from (checked); a slab left empty
 * goes back to pmem at once. */
void kmem_cache_free(struct kmem_cache *cache, void *obj);

/* Creates the size classes: once, on the boot hart, after pmem_init. */
void kmalloc_init(void);
/* Zeroed memory of at least size bytes; NULL when memory runs out or for
 * size above 2048 (callers needing more take frames from pmem). */
void *kmalloc(size_t size);
/* Frees what kmalloc returned; kfree(NULL) does nothing. */
void kfree(void *ptr);

#endif /* _KERNEL_KMALLOC_H_ */
