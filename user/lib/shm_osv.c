/*
 * osv's spellings of named shared memory, as thin wrappers with osv's
 * meanings: sizes in pages, map() gives a read-write view.
 */
#include <lib/usyscall.h>

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
