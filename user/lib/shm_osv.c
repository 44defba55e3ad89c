/*
 * osv's spellings of named shared memory (lib/usyscall.h), as thin
 * wrappers with osv's meanings: sizes in pages, map() gives a read-write
 * view. They call the system-call stubs by their reserved "__" names
 * (usys-ext.S), so they work in a program that defines its own
 * shm_create: osv programs may, the name not being osv's.
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

int createSharedRegion(const char *name, int npages, int flag)
{
    if (npages <= 0)
        return ERR_INVAL;
    return shm_create(name, (size_t)npages * OSV_PAGE, flag);
}

int destroySharedRegion(const char *name)
{
    return shm_destroy(name);
}

int map(const char *name, void **addr)
{
    return shm_map(name, addr, SHM_READ | SHM_WRITE);
}

int unmap(const char *name, void *addr)
{
    return shm_unmap(name, addr);
}

int lockSharedRegion(const char *name)
{
    return shm_lock(name);
}

int unlockSharedRegion(const char *name)
{
    return shm_unlock(name);
}
