/*
 * Kernel object allocation.
 *
 * kmem_cache: a cache of equal-sized objects carved from whole frames
 * (slabs). A slab whose objects are all free goes back to pmem at once, so
 * the free-frame count a test reads returns to where it started.
 * kmalloc/kfree: power-of-two size classes up to 2048 bytes on top of
 * kmem_caches, for buffers whose size is only known at run time.
 * Every allocator here returns NULL when memory runs out; none panics.
 */
#ifndef _KERNEL_KMALLOC_H_
#define _KERNEL_KMALLOC_H_

#include <kernel/types.h>
#include <kernel/synch.h>

struct slab;

struct kmem_cache {
    size_t obj_size;
    struct slab *partial;  /* slabs with at least one free object */
    struct spinlock lock;
    const char *name;
};

/* Makes a cache of obj_size-byte objects (rounded up to 16); NULL if an
 * object cannot fit a slab. Boot only (each subsystem's _init, before the
 * other harts start): after kmem_cache_seal it panics, so no cache is made
 * lazily on first use, where two harts could race to make it. */
struct kmem_cache *kmem_cache_create(const char *name, size_t obj_size);
/* Called by boot once every subsystem is initialised, before the other
 * harts start: from then on kmem_cache_create panics. */
void kmem_cache_seal(void);
void *kmem_cache_alloc(struct kmem_cache *cache);
void kmem_cache_free(struct kmem_cache *cache, void *obj);

void kmalloc_init(void);
/* size at most 2048; returns zeroed memory or NULL. */
void *kmalloc(size_t size);
void kfree(void *ptr);

#endif /* _KERNEL_KMALLOC_H_ */
