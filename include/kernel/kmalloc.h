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

struct kmem_cache *kmem_cache_create(const char *name, size_t obj_size);
void *kmem_cache_alloc(struct kmem_cache *cache);
void kmem_cache_free(struct kmem_cache *cache, void *obj);

void kmalloc_init(void);
/* size at most 2048; returns zeroed memory or NULL. */
void *kmalloc(size_t size);
void kfree(void *ptr);

#endif /* _KERNEL_KMALLOC_H_ */
