/*
 * osv-rv: named shared memory (guide and lifetime rules in docs/shm.md).
 * Sizes are in bytes, rounded up to pages; flags are lib/usyscall.h's
 * RS_* (osv's createSharedRegion takes the same). Waiting for another
 * process that shares a region is done with futexes: this header brings
 * lib/futex.h along.
 *
 * The kernel includes it for SHM_READ/SHM_WRITE and struct shm_info only.
 */
#ifndef _LIB_SHM_H_
#define _LIB_SHM_H_

#include <lib/usyscall.h>
#include <lib/futex.h>

/* shm_map and mmap protection */
#define SHM_READ 1
#define SHM_WRITE 2

/* shm_list() fills one of these per live named region. */
struct shm_info {
    char name[MAX_NAME_LEN];
    size_t size;            /* bytes */
    size_t resident;        /* frames allocated so far */
    int flags;              /* RS_* */
    int views;              /* views mapped, in every process */
    int holders;            /* processes holding it (creator, a view, its lock) */
    int creator;            /* pid */
};

#ifndef OSV_KERNEL

/* Creates a region, held by the caller as its creator until it exits or
 * destroys it (docs/shm.md's Lifetime). ERR_EXIST (the
 * caller can find a region of that name: one RS_FAMILY hides from it does
 * not count), ERR_INVAL (empty or overlong name, size 0 or above the
 * limit, unknown flag), ERR_FAULT, ERR_NOMEM. */
int shm_create(const char *name, size_t size, int flags);
/* Maps a view anywhere free and stores its start in *addr. ERR_NOTEXIST,
 * ERR_PERM, ERR_FAULT, ERR_NOMEM. */
int shm_map(const char *name, void **addr, int prot);
/* Unmaps the view of name that contains addr. ERR_NOTEXIST. */
int shm_unmap(const char *name, void *addr);
/* Removes the name now; the frames go when the last view elsewhere is
 * unmapped. Only the creator may while it lives (else ERR_PERM); once it
 * has exited, anyone who finds the name, and anyone at all for an
 * RS_FAMILY region whose family has all exited. ERR_NOTEXIST; ERR_INVAL
 * while the caller maps it. */
int shm_destroy(const char *name);
/* The region's lock, held by the calling process; locking needs a view
 * (else ERR_NOTEXIST), unlocking the lock or a view (the holder may have
 * unmapped its views). A holder's death releases it and the next locker
 * gets ERR_OWNERDEAD; locking it again, or unlock by a non-holder, is
 * ERR_INVAL. */
int shm_lock(const char *name);
int shm_unlock(const char *name);
/* Grows or shrinks a region; views made later see the new size.
 * ERR_INVAL (size 0 or above the limit, or below a live view),
 * ERR_NOTEXIST, ERR_PERM (an RS_RDONLY region the caller did not create),
 * ERR_NOMEM (the limit on all regions' frames). */
int shm_resize(const char *name, size_t size);
/* Fills up to max entries about the live named regions the caller may
 * find by name (RS_FAMILY ones only within the family), and those whose
 * family has all exited; returns how many. */
int shm_list(struct shm_info *buf, int max);

#endif /* !OSV_KERNEL */
#endif /* _LIB_SHM_H_ */
