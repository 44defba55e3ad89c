/*
 * copy_from_user, copy_to_user, their _frames forms, copy_str_from_user
 * (contract in uaccess.h): range check, then the fixup-protected loops of
 * uaccess.S,
 * which open user memory to the kernel (sstatus.SUM) for the copy only.
 */
#include <kernel/uaccess.h>

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

/* Checks the range is below USER_TOP, then copies; a fault the page-fault
 * handler cannot resolve comes back as its error through the fixup table.
 * Contract in <kernel/uaccess.h>. */
err_t copy_from_user(void *dst, const void *usrc, size_t n)
{
    if (!user_range_ok((uint64_t)usrc, n))
        return ERR_FAULT;
    return __copy_user(dst, usrc, n);
}

/* As copy_from_user, towards user space. Contract in <kernel/uaccess.h>. */
err_t copy_to_user(void *udst, const void *src, size_t n)
{
    if (!user_range_ok((uint64_t)udst, n))
        return ERR_FAULT;
    return __copy_user(udst, src, n);
}

/* User memory into a row of frames in one copy. Contract in <kernel/uaccess.h>. */
err_t copy_from_user_frames(void *const *frames, size_t off, const void *usrc, size_t n)
{
    if (!user_range_ok((uint64_t)usrc, n))
        return ERR_FAULT;
    return __copy_user_frames(frames, off, (void *)usrc, n, 0);
}

/* A row of frames to user memory in one copy. Contract in <kernel/uaccess.h>. */
err_t copy_to_user_frames(void *udst, void *const *frames, size_t off, size_t n)
{
    if (!user_range_ok((uint64_t)udst, n))
        return ERR_FAULT;
    return __copy_user_frames(frames, off, udst, n, 1);
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
