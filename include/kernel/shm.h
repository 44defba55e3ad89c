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
 * creator) or while it has at least one view. A region without RS_PERSIST
 * lives while anyone holds it: when the last holder exits or unmaps its
 * last view, the name goes away and the frames are freed. shm_destroy
 * removes the name at once (the name may be taken again), and the frames
 * follow when the last view anywhere is unmapped: no one's data vanishes
 * under them. RS_PERSIST regions outlive every process until shm_destroy.
 *
 * Limits (decisions where API.md is silent): a region is at most
 * SHM_MAX_SIZE bytes (ERR_INVAL beyond); the sizes of all live regions
 * together may not exceed SHM_MAX_TOTAL_PAGES frames (ERR_NOMEM beyond), so
 * a region's frames are there when it is touched; at most SHM_MAX_REGIONS
 * regions live at once (ERR_NOMEM). Names are 1..127 bytes of any non-NUL
 * bytes.
 *
 * Locking: one sleeplock for the table and every region's bookkeeping,
 * taken after an address space lock and before page caches (DESIGN.md's
 * order). The region locks of shm_lock have their own spinlock.
 */
#ifndef _KERNEL_SHM_H_
#define _KERNEL_SHM_H_

#include <kernel/types.h>
#include <lib/errcode.h>
#include <lib/shm.h>          /* SHM_READ/SHM_WRITE, RS_*, struct shm_info */

struct memstore;
struct memregion;
struct proc;

#define SHM_MAX_SIZE (64UL << 20)          /* bytes per region */
#define SHM_MAX_TOTAL_PAGES 16384          /* 64 MiB of frames for all regions */
#define SHM_MAX_REGIONS 64

void shm_init(void);

/* The system calls (arguments already copied in; sizes in bytes). */
int shm_create(const char *name, size_t size, int flags);
int shm_map(const char *name, void **addr_out, int prot);
int shm_unmap(const char *name, vaddr_t addr);
int shm_destroy(const char *name);
int shm_resize(const char *name, size_t size);
int shm_lock(const char *name);
int shm_unlock(const char *name);

/* Views are tracked through the memstore hooks (memstore.h): vm.c reports
 * every view that fork copies or that goes away, and skips RS_NOINHERIT
 * regions in fork. */
/* Process pid is exiting (its views are already gone): drop its holds and
 * release the region locks it holds (the next locker gets ERR_OWNERDEAD). */
void shm_exit(pid_t pid);

/* For info() and the shm command: live named regions and their frames. */
void shm_stats(size_t *regions, size_t *pages);
/* Fills up to max entries describing the live regions the calling process
 * may find (RS_FAMILY ones only within the family): the shm command. */
struct shm_info;
int shm_list(struct shm_info *out, int max);

#endif /* _KERNEL_SHM_H_ */
