/*
 * copy_from_user, copy_to_user, their _frames forms, copy_str_from_user
 * (contract in uaccess.h): range check, then the pages the page tables
 * already allow copied through the direct map (copy_direct), then the
 * rest with the fixup-protected loops of uaccess.S, which open user
 * memory to the kernel (sstatus.SUM) for the copy only.
 */
#include <kernel/uaccess.h>
#include <kernel/pmem.h>
#include <kernel/proc.h>
#include <kernel/string.h>
#include <kernel/thread.h>
#include <kernel/vpmap.h>

extern const uint64_t __ex_table_start[], __ex_table_end[];

/* The fixup pc for a fault at pc in a user-access routine (uaccess.S), or 0
 * if pc is not one: the trap handler resumes there instead of panicking. */
uint64_t extable_lookup(uint64_t pc)
{
    for (const uint64_t *e = __ex_table_start; e < __ex_table_end; e += 2)
        if (e[0] == pc)
            return e[1];
    return 0;
}

/*
 * The first bytes of a copy, as far as the calling process's page tables
 * already let its own code make the same accesses (vpmap_user_frame):
 * page by page through the direct map, user memory never opened. Under
 * QEMU 7.2 each change of sstatus.SUM flushes the hart's whole TLB, two
 * per copy through uaccess.S, which made a 4-byte copy cost about six
 * null system calls. Returns the bytes copied (0 in a kernel thread); the
 * caller copies the rest through the loop, which faults pages in and
 * decides every error. The kernel side is buf, or with frames a row of
 * frames from frames[0] + off on (uaccess.h).
 */
static size_t copy_direct(void *const *frames, char *buf, size_t off, uint64_t uaddr, size_t n,
                          bool to_user)
{
    struct thread *t = thread_current();
    if (!t || !t->proc)
        return 0;
    paddr_t root = t->proc->as.root;
    size_t done = 0;
    while (done < n) {
        uint64_t va = uaddr + done;
        size_t chunk = PG_SIZE - (va & (PG_SIZE - 1));
        char *k = buf + done;
        if (frames) {
            size_t pos = off + done;
            k = (char *)frames[pos / PG_SIZE] + pos % PG_SIZE;
            if (chunk > PG_SIZE - pos % PG_SIZE)
                chunk = PG_SIZE - pos % PG_SIZE;
        }
        if (chunk > n - done)
            chunk = n - done;
        paddr_t pa;
        if (!vpmap_user_frame(root, va, to_user, &pa))
            break;
        char *u = (char *)kmap_p2v(pa) + (va & (PG_SIZE - 1));
        memcpy(to_user ? u : k, to_user ? k : u, chunk);
        done += chunk;
    }
    return done;
}

/* Checks the range is below USER_TOP, then copies; a fault the page-fault
 * handler cannot resolve comes back as its error through the fixup table.
 * Contract in <kernel/uaccess.h>. */
err_t copy_from_user(void *dst, const void *usrc, size_t n)
{
    if (!user_range_ok((uint64_t)usrc, n))
        return ERR_FAULT;
    size_t done = copy_direct(NULL, dst, 0, (uint64_t)usrc, n, false);
    return done == n ? ERR_OK : __copy_user((char *)dst + done, (const char *)usrc + done, n - done);
}

/* As copy_from_user, towards user space. Contract in <kernel/uaccess.h>. */
err_t copy_to_user(void *udst, const void *src, size_t n)
{
    if (!user_range_ok((uint64_t)udst, n))
        return ERR_FAULT;
    size_t done = copy_direct(NULL, (char *)src, 0, (uint64_t)udst, n, true);
    return done == n ? ERR_OK : __copy_user((char *)udst + done, (const char *)src + done, n - done);
}

/* The loop's part of a frames copy: from byte done on. */
static err_t copy_rest_frames(void *const *frames, size_t off, uint64_t uaddr, size_t n,
                              size_t done, int to_user)
{
    if (done == n)
        return ERR_OK;
    size_t pos = off + done;
    return __copy_user_frames(frames + pos / PG_SIZE, pos % PG_SIZE, (void *)(uaddr + done),
                              n - done, to_user);
}

/* User memory into a row of frames in one copy. Contract in <kernel/uaccess.h>. */
err_t copy_from_user_frames(void *const *frames, size_t off, const void *usrc, size_t n)
{
    if (!user_range_ok((uint64_t)usrc, n))
        return ERR_FAULT;
    size_t done = copy_direct(frames, NULL, off, (uint64_t)usrc, n, false);
    return copy_rest_frames(frames, off, (uint64_t)usrc, n, done, 0);
}

/* A row of frames to user memory in one copy. Contract in <kernel/uaccess.h>. */
err_t copy_to_user_frames(void *udst, void *const *frames, size_t off, size_t n)
{
    if (!user_range_ok((uint64_t)udst, n))
        return ERR_FAULT;
    size_t done = copy_direct(frames, NULL, off, (uint64_t)udst, n, true);
    return copy_rest_frames(frames, off, (uint64_t)udst, n, done, 1);
}

/* Copies a user string, never reading past USER_TOP; a string reaching
 * USER_TOP is a fault, one longer than max is ERR_INVAL.
 * Contract in <kernel/uaccess.h>. */
ssize_t copy_str_from_user(char *dst, const char *usrc, size_t max)
{
    uint64_t start = (uint64_t)usrc;
    if (max == 0 || start >= USER_TOP)
        return ERR_FAULT;
    /* Never read past the top of user space, even for a long max. */
    size_t room = USER_TOP - start;
    size_t limit = max < room ? max : room;
    long len = __strncpy_from_user(dst, usrc, limit);
    if (len < 0)
        return len;              /* ERR_FAULT or ERR_NOMEM */
    if ((size_t)len == limit)
        return limit == max ? ERR_INVAL : ERR_FAULT;
    return len;
}
