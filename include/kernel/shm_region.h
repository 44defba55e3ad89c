/*
 * Inside named shared memory: what kernel/mm/shm.c (the name table and the
 * system calls) and kernel/mm/shm_region.c (a region's holders, views,
 * lock and lifetime) share. Nothing else includes this header; the
 * contract for the rest of the kernel is shm.h.
 *
 * A region is a struct shm_region: a memstore of kind "shared" with its
 * page cache, plus who may find it (name, flags, creator, the creator's
 * lineage node for RS_FAMILY), who holds it (holders) and its views (one
 * record per process and size mapped, counting that process's views of
 * that size, so a shrink under a view can be refused; with a record per
 * view, fork and exit of a process with thousands of views of one region
 * walked thousands of records per view). shm.h states the lifetime rules;
 * shm_region.c's own shm_region_update is the one place that applies
 * them: each call below that ends a hold (drop_view, unname, exit,
 * unlock) ends in it.
 *
 * References: the store counts one reference per view memregion plus one
 * for the table while the region is in it. shm_region_update takes a
 * region out of the table (retires it) and drops the table's reference;
 * the frames go with the last view's.
 *
 * Locking: shm_table.lock (a sleeplock, LOCK_SHM_TABLE) guards the table
 * and every field of every region but the four of the region lock, which
 * its own spinlock lk guards (LOCK_SHM_REGION, taken inside the table's
 * lock or alone; shm_lock sleeps on it without the table's). Every
 * function below expects the table's lock held unless it says otherwise.
 */
#ifndef _KERNEL_SHM_REGION_H_
#define _KERNEL_SHM_REGION_H_

#include <kernel/shm.h>
#include <kernel/memstore.h>
#include <kernel/pgcache.h>
#include <kernel/synch.h>

struct lineage;

/* The views of the region that process pid maps at one size: count
 * memregions, count > 0 (the record goes with its last view). */
struct shm_view {
    pid_t pid;
    size_t size;                 /* bytes mapped */
    size_t count;
    struct shm_view *next;
};

/* A process holding the region (shm.h): as its creator, by a view, or by
 * its lock; the record goes when the last of these does. */
struct shm_holder {
    pid_t pid;
    bool creator;
    struct shm_holder *next;
};

struct shm_region {
    struct memstore store;       /* first: the store is the region */
    struct pgcache cache;
    char name[MAX_NAME_LEN];
    bool named;                  /* findable by name */
    bool retired;                /* out of the table; frames go with the last view */
    size_t size;                 /* bytes, a page multiple */
    int flags;                   /* RS_* */
    pid_t creator;               /* for shm_list; shm_region_is_creator says if it still is */
    uint64_t serial;             /* its place in the order of creation (shm_table.created) */
    struct lineage *family;      /* RS_FAMILY: the creator's node, pinned; else NULL */
    struct shm_holder *holders;
    struct shm_view *views;
    /* The region lock of shm_lock/shm_unlock, guarded by lk: first come,
     * first served, an unlock hands it to the oldest waiter (shm_region.c). */
    struct spinlock lk;
    struct list lock_waiters;    /* processes waiting in shm_lock, oldest first */
    pid_t lock_holder;           /* 0 = free */
    bool owner_dead;             /* the last holder died holding it */
    struct shm_region *next;     /* in shm_table.regions */
};

/* The table of live regions, named or not (shm.c). */
struct shm_table {
    struct sleeplock lock;       /* LOCK_SHM_TABLE; guards the rest */
    struct shm_region *regions;  /* newest first: by serial, highest first */
    uint64_t created;            /* regions ever put in: the last serial given */
    size_t nregions;
    size_t reserved_pages;       /* sum of live regions' sizes, in frames */
};
extern struct shm_table shm_table;

/* Takes r out of the table and gives back its reservation (shm.c). */
void shm_table_remove(struct shm_region *r);

/* ---------------------------------------------------- shm_region.c */

/* A new region called name, of size bytes (a page multiple) and flags,
 * not yet in the table: no holder, no family, one store reference (the
 * table's-to-be: memstore_put frees it if it never gets in). NULL when
 * memory runs out. No lock needed. */
struct shm_region *shm_region_new(const char *name, size_t size, int flags);
/* The region whose store ms is, or NULL if ms is another kind of store.
 * No lock needed. */
struct shm_region *shm_region_of(struct memstore *ms);

/* Whether pid created r and has neither exited nor destroyed it since. */
bool shm_region_is_creator(struct shm_region *r, pid_t pid);
/* Whether pid has a view of r. */
bool shm_region_has_view(struct shm_region *r, pid_t pid);
/* The pid holding r's lock, 0 if free. Takes r->lk. */
pid_t shm_region_lock_holder(struct shm_region *r);
/* Makes pid a holder of r (the creator if creator). ERR_NOMEM. */
err_t shm_region_add_holder(struct shm_region *r, pid_t pid, bool creator);
/* Records a view of size bytes by pid, which then holds r. ERR_NOMEM
 * changes nothing. */
err_t shm_region_add_view(struct shm_region *r, pid_t pid, size_t size);
/* A view of size bytes by pid is gone: uncounts it and applies the
 * lifetime rules. Also for a view whose add_view failed, which finds no
 * record of its size (add_view fails only then) and uncounts nothing.
 * Takes the table's lock itself. */
void shm_region_drop_view(struct shm_region *r, pid_t pid, size_t size);
/* Whether every view of r fits in size bytes (a shrink to size is safe). */
bool shm_region_views_fit(struct shm_region *r, size_t size);
/* shm_destroy: r loses its name and its creator; holders that held it
 * only as the creator go; then the lifetime rules. */
void shm_region_unname(struct shm_region *r);
/* Process pid is exiting: releases r's lock if pid holds it (the next
 * locker is told ERR_OWNERDEAD), drops pid's hold, applies the rules. */
void shm_region_exit(struct shm_region *r, pid_t pid);

/* shm_lock on r by process me, which holds a reference to r's store but
 * NOT the table's lock (it may sleep): ERR_OK, ERR_OWNERDEAD (locked, but
 * the last holder died holding it), ERR_INVAL (me holds it already),
 * ERR_KILLED (not locked). */
err_t shm_region_lock(struct shm_region *r, pid_t me);
/* shm_unlock by me, which holds r's lock: frees it for the next locker
 * and drops me's hold if the lock was its last. */
void shm_region_unlock(struct shm_region *r, pid_t me);

/* Fills *i (shm_list's record) with r's name, sizes, flags and counts. */
void shm_region_info(struct shm_region *r, struct shm_info *i);

#endif /* _KERNEL_SHM_REGION_H_ */
