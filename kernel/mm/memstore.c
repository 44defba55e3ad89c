/*
 * memstores (contract in memstore.h): reference counting, and the
 * anonymous store that backs every private region with zero-filled pages.
 */
#include <kernel/memstore.h>
#include <kernel/pmem.h>

/* Private memory keeps no state in the store: each fault gets a fresh
 * zeroed frame, which the region's page table alone then holds. */
static err_t anonymous_fillpage(struct memstore *ms, offset_t off, paddr_t *pa)
{
    (void)ms, (void)off;
    return pmem_alloc_zero(pa);
}

static const struct memstore_ops anonymous_ops = {
    .fillpage = anonymous_fillpage,
};

static struct memstore anonymous = {
    .ops = &anonymous_ops,
    .refcount = 1,             /* never released */
};

/* A reference for the caller, as from any store (it drops it with
 * memstore_put), though this one is never released. */
struct memstore *memstore_anonymous(void)
{
    return memstore_get(&anonymous);
}

/* Relaxed: the caller already holds a reference (or the table that finds
 * the store), so the store cannot go meanwhile. */
struct memstore *memstore_get(struct memstore *ms)
{
    __atomic_fetch_add(&ms->refcount, 1, __ATOMIC_RELAXED);
    return ms;
}

/* A compare-and-swap loop, so a count that has reached zero (release
 * under way) is never raised again. */
bool memstore_tryget(struct memstore *ms)
{
    int n = __atomic_load_n(&ms->refcount, __ATOMIC_RELAXED);
    while (n > 0)
        if (__atomic_compare_exchange_n(&ms->refcount, &n, n + 1, false, __ATOMIC_ACQ_REL,
                                        __ATOMIC_RELAXED))
            return true;
    return false;
}

/* Acquire-release, so the releasing thread sees every other holder's
 * writes to the store before it frees it. */
void memstore_put(struct memstore *ms)
{
    if (__atomic_sub_fetch(&ms->refcount, 1, __ATOMIC_ACQ_REL) == 0 && ms->ops->release)
        ms->ops->release(ms);
}
