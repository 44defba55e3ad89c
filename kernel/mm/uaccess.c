/*
 * copy_from_user, copy_to_user, their _frames forms, copy_str_from_user,
 * user_prepare_write
 * (contract in uaccess.h): range check, then the pages the page tables
 * already allow copied through the direct map (copy_direct), then the
 * rest with the fixup-protected loops of uaccess.S, which open user
 * memory to the kernel (sstatus.SUM) for the copy only.
 */
#include <kernel/uaccess.h>
#include <kernel/pgfault.h>
#include <kernel/pmem.h>
#include <kernel/proc.h>
#include <kernel/string.h>
#include <kernel/thread.h>
#include <kernel/vpmap.h>

extern const uint64_t __ex_table_start[], __ex_table_end[];

/* The fixup pc for a fault at pc in a user-access routine (uaccess.S), or
 * for the illegal instruction of the Sstc probe (trap.c), or 0 if pc is
 * neither: the trap handler resumes there instead of panicking. */
uint64_t extable_lookup(uint64_t pc)
{
    for (const uint64_t *e = __ex_table_start; e < __ex_table_end; e += 2)
        if (e[0] == pc)
            return e[1];
    return 0;
}

/*
 * User address va through the direct map, if the calling process's page
 * tables already let its own code access it the same way (load, or store
 * if write: vpmap_user_frame), with *room the bytes left in its page; NULL
 * otherwise, and in a kernel thread. The copies below take what they can
 * this way, user memory never opened: under QEMU 7.2 each change of
 * sstatus.SUM flushes the hart's whole TLB, two per copy through
 * uaccess.S, which made a 4-byte copy cost about six null system calls.
 * The loop then copies the rest, faulting pages in and deciding every
 * error.
 */
static char *direct(uint64_t va, bool write, size_t *room)
{
    struct thread *t = thread_current();
    paddr_t pa;
    if (!t || !t->proc || !vpmap_user_frame(t->proc->as.root, va, write, &pa))
        return NULL;
    *room = PG_SIZE - (va & (PG_SIZE - 1));
    return (char *)kmap_p2v(pa) + (va & (PG_SIZE - 1));
}

/* The first bytes of a copy, as far as direct() reaches; returns how many.
 * The kernel side is buf, or with frames a row of frames from frames[0] +
 * off on (uaccess.h). */
static size_t copy_direct(void *const *frames, char *buf, size_t off, uint64_t uaddr, size_t n,
                          bool to_user)
{
    size_t done = 0, chunk;
    char *u;
    while (done < n && (u = direct(uaddr + done, to_user, &chunk))) {
        char *k = buf + done;
        if (frames) {
            size_t pos = off + done;
            k = (char *)frames[pos / PG_SIZE] + pos % PG_SIZE;
            if (chunk > PG_SIZE - pos % PG_SIZE)
                chunk = PG_SIZE - pos % PG_SIZE;
        }
        if (chunk > n - done)
            chunk = n - done;
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
    /* As much as direct() reaches first, up to the terminator. */
    size_t len = 0, chunk;
    const char *u;
    while (len < limit && (u = direct(start + len, false, &chunk))) {
        for (size_t i = 0; i < chunk && len < limit; i++, len++)
            if ((dst[len] = u[i]) == '\0')
                return len;
    }
    if (len < limit) {
        long rest = __strncpy_from_user(dst + len, usrc + len, limit - len);
        if (rest < 0)
            return rest;         /* ERR_FAULT or ERR_NOMEM */
        len += rest;
    }
    if (len == limit)
        return limit == max ? ERR_INVAL : ERR_FAULT;
    return len;
}

/* The fault path, for each page the caller's tables do not already let
 * it store to: those that do cost nothing, and are not counted as
 * faults, which the later copy would not take either. Any failure but
 * ERR_NOMEM is ERR_FAULT, as pgfault_kernel makes it for a copy, so the
 * caller sees what the copy would have given. Contract in
 * <kernel/uaccess.h>. */
err_t user_prepare_write(void *udst, size_t n)
{
    uint64_t start = (uint64_t)udst;
    if (!user_range_ok(start, n))
        return ERR_FAULT;
    struct proc *p = proc_current();
    size_t room;
    for (uint64_t va = start; va < start + n; va = pg_round_down(va) + PG_SIZE) {
        if (direct(va, true, &room))
            continue;
        err_t err = pgfault_resolve(&p->as, va, FAULT_WRITE);
        if (err != ERR_OK)
            return err == ERR_NOMEM ? ERR_NOMEM : ERR_FAULT;
    }
    return ERR_OK;
}
