/*
 * Named shared memory, modeled on Windows memory-mapped files: a process
 * creates a region by name, any process allowed to find the name maps
 * views of it with a permission, and all views share one set of frames.
 *
 * A region is a memstore of kind "shared" (memstore.h) whose page cache
 * holds its frames, allocated zero-filled on first touch. A view is a
 * memregion with the shared flag (vm.h), so the fault path maps the
 * cache's frames and fork gives children the same frames (never a
 * copy-on-write copy), except for RS_NOINHERIT regions.
 *
 * Holders and lifetime. A process holds a region from shm_create (as its
 * creator, until it exits or destroys it), while it has at least one view,
 * and while it holds the region's lock (shm_lock), views or not. A region
 * without RS_PERSIST lives while anyone holds it: when the last holder
 * exits, unmaps its last view or unlocks, the name goes away and the
 * frames are freed. shm_destroy removes the name at once (the name may be
 * taken again), and the frames follow when the last view anywhere is
 * unmapped and the lock is free: no one's data vanishes under them.
 * RS_PERSIST regions outlive every process until shm_destroy.
 *
 * Who may do what (decisions where osv's API is silent; docs/shm.md):
 *   - the creator is the process that called shm_create, while it lives
 *     (a fork child is not; a later process with its pid is not). Only it
 *     maps an RS_RDONLY region writable or resizes one, and only it has
 *     writable views of one: its fork children inherit them read-only;
 *   - shm_destroy: only the creator while it lives (ERR_PERM for anyone
 *     else, so no one removes or takes over another's name); once it has
 *     exited, any process that finds the name; and an RS_FAMILY region
 *     whose family has no live process left (the creator and every
 *     descendant exited: it can only be RS_PERSIST) any process at all,
 *     since no one can find it any more;
 *   - names: RS_FAMILY regions are found only by their creator and its
 *     descendants, at any depth, even after those between them exited
 *     (lineage.h). Such a name is in the family's own name space: to
 *     anyone else it does not exist, so an outsider's shm_create of it
 *     succeeds and makes another region of that name. A process finds
 *     the region of its nearest family that has the name, else the one
 *     visible to all; shm_create is ERR_EXIST only for a name the caller
 *     finds. shm_list shows what the caller finds, and abandoned RS_FAMILY
 *     regions (whose family is gone) to everyone, so they can be destroyed;
 *     they cannot be mapped, locked or resized.
 *   - the lock: taken through a view; released by its holder (views or
 *     not) or by the holder's exit.
 *
 * Limits (decisions where osv's API is silent; docs/shm.md): a region is at most
 * SHM_MAX_SIZE bytes (ERR_INVAL beyond); the sizes of all live regions
 * together may not exceed SHM_MAX_TOTAL_PAGES frames (ERR_NOMEM beyond), so
 * a region's frames are there when it is touched; at most SHM_MAX_REGIONS
 * regions live at once (ERR_NOMEM). Names are 1..127 bytes of any non-NUL
 * bytes.
 *
 * Locking: one sleeplock for the table and every region's bookkeeping,
 * taken after an address space lock and before page caches (LOCK_SHM_TABLE,
 * synch.h). The region locks of shm_lock have their own spinlock; the
 * lineage spinlock is taken inside the table's lock, never with a region
 * lock.
 *
 * The code: kernel/mm/shm.c (the name table and the calls below) and
 * kernel/mm/shm_region.c (a region's holders, views, lock and lifetime),
 * which share include/kernel/shm_region.h.
 */
#ifndef _KERNEL_SHM_H_
#define _KERNEL_SHM_H_

#include <kernel/types.h>
#include <lib/errcode.h>
#include <kernel/vm.h>        /* MEMPERM_* */
#include <lib/shm.h>          /* SHM_READ/SHM_WRITE, RS_*, struct shm_info */

struct memstore;
struct memregion;
struct proc;

#define SHM_MAX_SIZE (64UL << 20)          /* bytes per region */
#define SHM_MAX_TOTAL_PAGES 16384          /* 64 MiB of frames for all regions */
#define SHM_MAX_REGIONS 64

/* Once at boot, before any process. */
void shm_init(void);

/* Whether prot (shm_map's and mmap's) asks for something, and nothing
 * but SHM_READ and SHM_WRITE. */
static inline bool prot_valid(int prot)
{
    return prot != 0 && (prot & ~(SHM_READ | SHM_WRITE)) == 0;
}

/* The memregion permission for a view asked for with prot (SHM_READ,
 * SHM_WRITE: shm_map's and mmap's): writable implies readable, since a
 * RISC-V page table entry cannot be writable without being readable. */
static inline int prot_to_memperm(int prot)
{
    return (prot & SHM_READ ? MEMPERM_R : 0) | (prot & SHM_WRITE ? MEMPERM_W | MEMPERM_R : 0);
}

/* The system calls, for the calling process (name already copied in and
 * not empty; sizes in bytes, rounded up to pages). Each may sleep, and
 * each failure changes nothing. */
/* ERR_EXIST (a region of that name the caller finds), ERR_INVAL (size 0
 * or above SHM_MAX_SIZE, unknown flag), ERR_NOMEM (limits, or memory). */
int shm_create(const char *name, size_t size, int flags);
/* Maps a view of the whole region below the stack; *addr_out is its
 * start. ERR_INVAL (prot 0 or unknown bits), ERR_NOTEXIST, ERR_PERM
 * (SHM_WRITE on an RS_RDONLY region by other than its creator), ERR_NOMEM
 * (no room in the address space, or memory). */
int shm_map(const char *name, void **addr_out, int prot);
/* Unmaps the caller's view of name that contains addr. ERR_NOTEXIST. */
int shm_unmap(const char *name, vaddr_t addr);
/* ERR_NOTEXIST; ERR_PERM (the creator lives and is not the caller);
 * ERR_INVAL (the caller maps it). */
int shm_destroy(const char *name);
/* Views made later see the new size. ERR_INVAL (size 0 or too big, or
 * below a live view), ERR_NOTEXIST, ERR_PERM (RS_RDONLY, not the
 * creator), ERR_NOMEM (the frame limit). */
int shm_resize(const char *name, size_t size);
/* Takes the region's lock for the calling process, through a view of
 * its own; sleeps (killable) while another holds it. ERR_OK,
 * ERR_OWNERDEAD (taken; the last holder died holding it), ERR_NOTEXIST
 * (no view of that name), ERR_INVAL (the caller holds it already),
 * ERR_KILLED. */
int shm_lock(const char *name);
/* ERR_INVAL (mapped, but the caller does not hold the lock),
 * ERR_NOTEXIST (neither mapped nor held). */
int shm_unlock(const char *name);

/* Views are tracked through the memstore hooks (memstore.h): vm.c reports
 * every view that fork copies or that goes away, skips RS_NOINHERIT
 * regions in fork and makes RS_RDONLY views read-only there. */
/* Process pid is exiting (its views are already gone): drop its holds and
 * release the region locks it holds (the next locker gets ERR_OWNERDEAD).
 * Takes the table's lock (may sleep). */
void shm_exit(pid_t pid);

/* For info() and the shm command: live named regions and their frames.
 * Takes the table's lock (may sleep). */
void shm_stats(size_t *regions, size_t *pages);
/* Fills up to max entries describing the live regions the calling process
 * finds by name, and the abandoned RS_FAMILY ones (the shm command),
 * newest first, among those created before the region of serial *before
 * (~0: all); sets *before to the last one's serial, so a listing
 * longer than one buffer goes on from there with the next call. Returns
 * how many it filled. out is kernel memory: it takes the table's lock
 * (may sleep), and syscall_list_out copies the records out after. */
int shm_list(struct shm_info *out, int max, uint64_t *before);

#endif /* _KERNEL_SHM_H_ */
