/*
 * osv's spellings of named shared memory (lib/usyscall.h), as thin
 * wrappers with osv's meanings: sizes in pages, map() gives a read-write
 * view (read-only of an RS_RDONLY region another process created). They
 * call the system-call stubs by their reserved "__" names (usys-ext.S),
 * so they work in a program that defines its own shm_create: osv
 * programs may, the name not being osv's.
 */
#include <lib/usyscall.h>

/* lib/shm.h's calls under their strong names (see above): the prototypes
 * it declares, and the calls below, take these names instead. */
#define shm_create __shm_create
#define shm_map __shm_map
#define shm_unmap __shm_unmap
#define shm_destroy __shm_destroy
#define shm_lock __shm_lock
#define shm_unlock __shm_unlock
#include <lib/shm.h>

#define OSV_PAGE 4096

/* osv counts in pages. A negative count is refused here, as cast to a
 * size it would wrap to a huge one; 0 gets shm_create's ERR_INVAL too. */
int createSharedRegion(const char *name, int npages, int flag)
{
    if (npages <= 0)
        return ERR_INVAL;
    return shm_create(name, (size_t)npages * OSV_PAGE, flag);
}

/* Passed straight through, as are the calls below: only the spellings
 * differ. */
int destroySharedRegion(const char *name)
{
    return shm_destroy(name);
}

/* osv's map has no protection argument: its views are read-write, but
 * an RS_RDONLY region is its creator's alone to write, so another
 * process, refused the writable view (ERR_PERM), gets a read-only one,
 * as the view a fork child inherits of it is: it reads the creator's
 * bytes, and a store into it kills the process. */
int map(const char *name, void **addr)
{
    int err = shm_map(name, addr, SHM_READ | SHM_WRITE);
    if (err == ERR_PERM)
        err = shm_map(name, addr, SHM_READ);
    return err;
}

/* addr is any address in the view, as shm_unmap takes it. */
int unmap(const char *name, void *addr)
{
    return shm_unmap(name, addr);
}

/* The region's lock, held by the process (lib/shm.h): osv's locking
 * calls keep its names and its errors. */
int lockSharedRegion(const char *name)
{
    return shm_lock(name);
}

/* Unlocking needs no view: the holder may have unmapped its views. */
int unlockSharedRegion(const char *name)
{
    return shm_unlock(name);
}
