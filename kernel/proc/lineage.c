/*
 * Lineage nodes (contract in lineage.h): a tree of kmalloc'ed nodes, each
 * linked to the nearest ancestor still needed, under one spinlock.
 *
 * Counts: pins (the live process itself, and each region naming the node
 * as its family), links (nodes whose parent this is), members (live
 * processes at or below). A node with neither pins nor links is freed.
 *
 * members is raised along the whole chain when a process starts and
 * lowered along its chain when it exits. Skipping links only removes
 * nodes from chains, so a pinned node is lowered exactly as often as it
 * was raised; a skipped node's count may stay high, but nothing asks it.
 */
#include <kernel/lineage.h>
#include <kernel/kmalloc.h>
#include <kernel/synch.h>

/* Every field of every node is guarded by lineage_lock. */
struct lineage {
    struct lineage *parent;      /* nearest ancestor still needed; NULL above init */
    int pins;                    /* its process (until exit) and the regions naming it */
    int links;                   /* nodes whose parent it is */
    int members;                 /* live processes at or below it */
};

static struct spinlock lineage_lock;

/* Once at boot, before init's node is made. */
void lineage_init(void)
{
    spinlock_init(&lineage_lock, "lineage", LOCK_LINEAGE);
}

/* Frees n if nothing needs it, and so on up. Lock held. */
static void free_unused(struct lineage *n)
{
    while (n && n->pins == 0 && n->links == 0) {
        struct lineage *parent = n->parent;
        kfree(n);
        if (parent)
            parent->links--;
        n = parent;
    }
}

/* Points n's link up past ancestors without pins (they can never be
 * pinned again), freeing those no other node needs. Lock held. */
static void skip_unpinned(struct lineage *n)
{
    while (n->parent && n->parent->pins == 0) {
        struct lineage *gone = n->parent;
        n->parent = gone->parent;
        if (n->parent)
            n->parent->links++;
        gone->links--;
        free_unused(gone);
    }
}

/* Drops a pin. Lock held. */
static void unpin(struct lineage *n)
{
    if (--n->pins > 0)
        return;
    skip_unpinned(n);
    free_unused(n);
}

/* A node for a new process under parent, pinned by it; every ancestor
 * counts one more member. NULL without memory. */
struct lineage *lineage_new(struct lineage *parent)
{
    struct lineage *n = kmalloc(sizeof(*n));
    if (!n)
        return NULL;
    spinlock_acquire(&lineage_lock);
    n->parent = parent;
    n->pins = 1;
    if (parent)
        parent->links++;
    for (struct lineage *a = n; a; a = a->parent)
        a->members++;
    spinlock_release(&lineage_lock);
    return n;
}

/* The process of n exited: one member less up the chain, and its own pin
 * goes (which may free n and shorten the chain). */
void lineage_exit(struct lineage *n)
{
    spinlock_acquire(&lineage_lock);
    for (struct lineage *a = n; a; a = a->parent)
        a->members--;
    unpin(n);
    spinlock_release(&lineage_lock);
}

/* Keeps n alive for a region naming it as family. Contract in <kernel/lineage.h>. */
struct lineage *lineage_pin(struct lineage *n)
{
    spinlock_acquire(&lineage_lock);
    n->pins++;
    spinlock_release(&lineage_lock);
    return n;
}

/* Drops a region's pin (may free n and unused ancestors). */
void lineage_unpin(struct lineage *n)
{
    spinlock_acquire(&lineage_lock);
    unpin(n);
    spinlock_release(&lineage_lock);
}

/* Walks up from n to ancestor under the lock. Contract in <kernel/lineage.h>. */
int lineage_distance(struct lineage *n, struct lineage *ancestor)
{
    int d = 0;
    spinlock_acquire(&lineage_lock);
    while (n && n != ancestor) {
        n = n->parent;
        d++;
    }
    spinlock_release(&lineage_lock);
    return n ? d : -1;
}

/* True while a live process is at or below n (a family region lives on). */
bool lineage_has_members(struct lineage *n)
{
    spinlock_acquire(&lineage_lock);
    bool alive = n->members > 0;
    spinlock_release(&lineage_lock);
    return alive;
}
