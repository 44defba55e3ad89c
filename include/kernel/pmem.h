/*
 * Physical memory: 4 KiB frames, each with a struct page holding a
 * reference count. Copy-on-write, shared views and the page cache all count
 * their references here; a frame returns to the free list when its count
 * drops to zero.
 *
 * The kernel reaches every frame through the direct map at KMAP_BASE + pa
 * (kmap_p2v / kmap_v2p). Allocation never panics: on exhaustion it returns
 * ERR_NOMEM and the caller fails its one operation.
 *
 * Locking: one spinlock inside pmem for the free list, a leaf of the lock
 * order (LOCK_PMEM, synch.h: nothing is taken while it is held); reference
 * counts change atomically without it.
 */
#ifndef _KERNEL_PMEM_H_
#define _KERNEL_PMEM_H_

#include <kernel/types.h>
#include <lib/errcode.h>
#include <lib/layout.h>
#include <kernel/config.h>
#include <kernel/list.h>

struct page {
    uint32_t refcount;     /* holders (atomic); 0 = free, or never handed out */
    uint32_t flags;        /* PAGE_FREE (pmem.c) while on the free list, which
                            * refcount 0 does not tell: the kernel's own frames
                            * and those past max_frames are never on it
                            * (pmem_reserve must skip them); pmem's lock */
    struct list_node link; /* on the free list while free; pmem's lock */
};

#define kmap_p2v(pa) ((void *)((paddr_t)(pa) + KMAP_BASE))
#define kmap_v2p(va) ((paddr_t)(va) - KMAP_BASE)

/* Sets up the frames of RAM [ram_start, ram_end) from free_start on as
 * free, but at most max_frames of them (0: no cap), so that
 * pmem_total_pages() never exceeds max_frames (called once at boot). */
void pmem_init(paddr_t ram_start, paddr_t ram_end, paddr_t free_start, size_t max_frames);
/* Removes [start, end) from the free frames (firmware, device tree). */
void pmem_reserve(paddr_t start, paddr_t end);
/* Allocates one frame with refcount 1, contents unspecified. ERR_NOMEM
 * when none is free (or the kalloc_fail hook below says so). Never
 * sleeps; called holding any lock (pmem's is a leaf, above). */
err_t pmem_alloc(paddr_t *pa);
/* Same, zero-filled. */
err_t pmem_alloc_zero(paddr_t *pa);
/*
 * A test hook (the kalloc_fail system call, lib/bench.h): the calling
 * thread's nth kernel allocation from now, a frame (pmem_alloc) or an
 * object (kmem_cache_alloc, kmalloc), fails once, as when memory has run
 * out; n 0 cancels. Returns how many allocations were still to go before
 * it (0: none pending, or the failure has happened). So a test walks a
 * system call's allocations one by one and checks each failure path: a
 * clear error, nothing leaked. kalloc_fail_due is the allocators' side:
 * true for the allocation that must fail (it counts it). Each thread's
 * count is its own, touched only by it, so both live in thread.c.
 */
int kalloc_fail_after(int n);
bool kalloc_fail_due(void);
/* Drops one reference; the frame is freed when the count reaches zero.
 * Never sleeps. */
void pmem_free(paddr_t pa);
/* Takes one more reference on pa, for a caller that already holds one
 * (it panics if the frame is free: a kernel bug). */
void pmem_inc_ref(paddr_t pa);
/* pa's reference count now. Only a holder's answer of 1 is stable (no
 * one else can take a reference to a frame only it can name): the
 * fault path then reuses the frame instead of copying it. */
uint32_t pmem_refcount(paddr_t pa);
/* The struct page of frame pa (a RAM address), whose refcount vpmap's
 * shared leaf tables change with their own atomic steps (vpmap_share.c). */
struct page *pmem_page(paddr_t pa);
/* Free frames now, and frames ever handed to the allocator (at most
 * pmem_init's max_frames): statistics for info() and the tests' leak
 * check, read without the lock. */
size_t pmem_free_pages(void);
size_t pmem_total_pages(void);

#endif /* _KERNEL_PMEM_H_ */
