/*
 * hostile_churn: 4 processes on every hart fight over two region names
 * and two file names for 300 ms, each making random calls
 * as fast as it can: shm_create (sometimes RS_NOINHERIT), shm_map and a
 * store, shm_destroy, shm_lock and shm_unlock, shm_unmap from any address
 * in a view, open with FS_CREAT, a write and a shared or private mmap of
 * up to 3 pages with a store, munmap, unlink, link of one file name to
 * the other (which another may be removing), fork (the child stores into
 * the file mappings and exits), a FUTEX_WAKE and a 1 ms FUTEX_WAIT on a
 * mapped word, shm_list. Whatever the others did a moment before, every
 * result must be one the contract allows for it (shm.md, api.md), and
 * when all have exited the named regions, their frames and every other
 * frame are back where they were (the disk check after the boot finds no
 * inode or block left). The fuzzer makes these calls among forty others,
 * mostly in a process's own sandbox; here they collide on purpose.
 * `hostile_churn MS WORKERS` at the prompt runs longer or wider.
 */
// test: timeout=60
#include "shmlib.h"
#include <lib/mman.h>
#include <lib/proc-ext.h>
#include <lib/stddef.h>
#include <lib/string-ext.h>

#define WORKERS 4
#define NAMES 2
static int ms = 300;            /* each worker's time */

static const char *names[NAMES] = { "hch0", "hch1" };
static const char *files[NAMES] = { "/hch0", "/hch1" };

static unsigned long rng;

/* A number below n from the worker's own sequence (an LCG). */
static unsigned below(unsigned n)
{
    rng = rng * 6364136223846793005UL + 1442695040888963407UL;
    return (unsigned)(rng >> 33) % n;
}

/* A result the contract does not allow. */
static void bad(const char *what, int i, long r)
{
    error("%s(%d) = %ld", what, i, r);
}

#define MAXV 8                  /* views and mappings a worker keeps at once */

/* One worker's random calls until its time is up; seed picks them. */
static void worker(int seed)
{
    rng = (unsigned long)seed * 7919 + 17;
    struct { char *addr; int name; size_t len; bool file; } v[MAXV];
    int nv = 0;
    uint64_t end = rdtime() + ms * (TIME_HZ / 1000);
    while (rdtime() < end) {
        int i = below(NAMES);
        long r;
        switch (below(12)) {
        case 0:
            r = shm_create(names[i], (1 + below(3)) * PAGE, below(4) == 0 ? RS_NOINHERIT : 0);
            if (r != ERR_OK && r != ERR_EXIST && r != ERR_NOMEM)
                bad("shm_create", i, r);
            break;
        case 1:
        case 2:
            if (nv < MAXV) {
                void *a;
                r = shm_map(names[i], &a, SHM_READ | SHM_WRITE);
                if (r == ERR_OK) {
                    v[nv].addr = a;
                    v[nv].name = i;
                    v[nv].file = false;
                    v[nv++].len = 0;
                    ((volatile char *)a)[0]++;
                } else if (r != ERR_NOTEXIST) {
                    bad("shm_map", i, r);
                }
            }
            break;
        case 3:
            r = shm_destroy(names[i]);
            if (r != ERR_OK && r != ERR_NOTEXIST && r != ERR_PERM && r != ERR_INVAL)
                bad("shm_destroy", i, r);
            break;
        case 4:
            r = shm_lock(names[i]);
            if (r == ERR_OK || r == ERR_OWNERDEAD) {
                r = shm_unlock(names[i]);
                if (r != ERR_OK)
                    bad("shm_unlock", i, r);
            } else if (r != ERR_NOTEXIST) {
                bad("shm_lock", i, r);
            }
            break;
        case 5:
        case 6:
            if (nv > 0) {
                int k = below(nv);
                if (v[k].file)
                    r = munmap(v[k].addr, v[k].len);
                else
                    r = shm_unmap(names[v[k].name], v[k].addr + below(PAGE));
                if (r != ERR_OK)
                    bad(v[k].file ? "munmap" : "shm_unmap", k, r);
                v[k] = v[--nv];
            }
            break;
        case 7:
            if (nv < MAXV) {
                int fd = open(files[i], FS_RDWR | FS_CREAT, EMPTY_MODE);
                if (fd < 0) {
                    bad("open", i, fd);
                    break;
                }
                if (below(2))
                    write(fd, "0123456789", 10);
                size_t len = (1 + below(3)) * PAGE;
                void *a;
                r = mmap(fd, 0, len, SHM_READ | SHM_WRITE, below(2) ? MAP_SHARED : MAP_PRIVATE, &a);
                close(fd);
                if (r != ERR_OK)
                    bad("mmap", i, r);
                v[nv].addr = a;
                v[nv].len = len;
                v[nv].file = true;
                v[nv++].name = i;
                ((volatile char *)a)[below(len)]++;
            }
            break;
        case 8:
            r = below(2) ? unlink(files[i]) : link(files[i], files[1 - i]);
            if (r != ERR_OK && r != ERR_NOTEXIST && r != ERR_EXIST)
                bad("unlink or link", i, r);
            break;
        case 9: {
            int pid = fork();
            if (pid == 0) {
                for (int k = 0; k < nv; k++)
                    if (v[k].file && below(2))
                        ((volatile char *)v[k].addr)[1]++;
                exit(3);
            }
            if (pid < 0)
                bad("fork", 0, pid);
            else
                expect_exit(pid, 3);
            break;
        }
        case 10:
            if (nv > 0) {
                int k = below(nv);
                r = futex((int *)v[k].addr, FUTEX_WAKE, 1, 0);
                if (r < 0)
                    bad("futex wake", k, r);
                r = futex((int *)v[k].addr + 1, FUTEX_WAIT, ((volatile int *)v[k].addr)[1], 1);
                if (r != ERR_TIMEDOUT && r != ERR_AGAIN && r != ERR_OK)
                    bad("futex wait", k, r);
            }
            break;
        default: {
            struct shm_info list[8];
            r = shm_list(list, 8);
            if (r < 0)
                bad("shm_list", 0, r);
            break;
        }
        }
    }
}

int main(int argc, char **argv)
{
    int workers = WORKERS;
    if (argc > 2) {
        ms = atoi(argv[1]);
        workers = atoi(argv[2]);
    }
    for (int i = 0; i < NAMES; i++)
        remove_file(files[i]);
    struct usage before = usage_now();
    for (int w = 0; w < workers; w++)
        fork_worker(worker, w + 1);
    reap_all(workers, "workers");
    for (int i = 0; i < NAMES; i++)
        remove_file(files[i]);
    expect_usage(before, "after the churn");
    pass("hostile_churn");
    return 0;
}
