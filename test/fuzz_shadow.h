/*
 * fuzz_shadow.h: a content oracle for test/fuzz.c. A worker (or spawned
 * child) keeps one file of its own, SHADOW in its sandbox, and an exact
 * copy of what the file must hold (`shadow`): it writes random bytes at
 * its offset, reads them back, closes and reopens it, maps it shared or
 * private, stores through a shared mapping, and checks every byte it gets
 * against the copy: read() after write() and after stores to a mapping,
 * a shared mapping after write() (at once: one page cache), a new mapping
 * (the file's bytes, zeros past its end), the file after munmap.
 *
 * Nothing else can reach the file: its name is none the fuzzer generates,
 * the fd is kind FD_SHADOW (pick_fd never returns it), the mapping is not
 * one of `maps` (no kernel copy is aimed at it), fork children close the
 * fd and forget the mapping, and the process never stores past the end of
 * the file (so what a mapping shows there is zeros). Header-only.
 */
#ifndef _TEST_FUZZ_SHADOW_H_
#define _TEST_FUZZ_SHADOW_H_

#include "fuzz_model.h"

#define SHADOW "shadow"
#define SHADOW_MAX (16 * 4096)     /* bytes the file may grow to */

static char shadow[SHADOW_MAX];    /* what the file holds */
static long shadow_size, shadow_off;
static int shadow_fd = -1;
static char shadow_path[80];       /* empty: this process has no shadow file */
static uintptr_t shadow_map;       /* 0: not mapped */
static size_t shadow_len;          /* the mapping's length, as given to mmap */
static bool shadow_shared;

/* The smaller of a and b. */
static long min_l(long a, long b)
{
    return a < b ? a : b;
}

/* Compares n bytes at got with the file's bytes from off; reports the
 * first difference as a wrong result of what (the call just made, or the
 * mapping). */
static void shadow_compare(const char *got, long off, long n, const char *what)
{
    for (long i = 0; i < n; i++) {
        char want = off + i < shadow_size ? shadow[off + i] : 0;
        if (got[i] != want) {
            complain("%s: file %s byte %ld is 0x%x, expected 0x%x (size %ld)", what,
                     shadow_path, off + i, got[i] & 0xff, want & 0xff, shadow_size);
            return;
        }
    }
}

/* Opens the shadow file read-write at offset 0 (the lowest free fd). */
static void shadow_open(bool create)
{
    call_begin(SYS_open, "open");
    call_ptr((long)shadow_path, "shadow file");
    call_arg(FS_RDWR | (create ? FS_CREAT : 0), "flags");
    long r = call_make();
    int lo = lowest_free_fd();
    if (lo < 0)
        allow(r, 1, 0, E(ERR_NOMEM));
    else
        allow(r, lo, lo, E(ERR_NORES) | E(ERR_NOMEM));
    if (r < 0 || r != lo)
        return;
    shadow_fd = r;
    shadow_off = 0;
    fds[r] = (struct fdm){ .kind = FD_SHADOW, .readable = true, .writable = true };
}

/* munmap of the shadow mapping: ERR_OK. */
static void shadow_unmap(void)
{
    call_begin(SYS_munmap, "munmap");
    call_arg(shadow_map, "shadow mapping");
    call_arg(shadow_len, "length");
    allow(call_make(), 0, 0, 0);
    shadow_map = 0;
}

/* close of the shadow fd: ERR_OK. */
static void shadow_close(void)
{
    call_begin(SYS_close, "close");
    call_arg(shadow_fd, "shadow fd");
    allow(call_make(), 0, 0, 0);
    fds[shadow_fd].kind = FD_FREE;
    shadow_fd = -1;
}

/* A fresh, empty shadow file in the sandbox (after make_sandbox), made
 * before anything else. The creating open may fail while other processes
 * hold every in-memory inode, every inode on the disk or every frame
 * (ERR_NORES, ERR_NOMEM), for as long as they like: the process then has
 * no shadow file until its next sandbox (an empty path). Its sandbox may
 * then be empty, and removed by a generated rmdir of the sandbox itself
 * ("/fzN/", "."), so no later open may count on it. */
static void shadow_start(void)
{
    snprintf(shadow_path, sizeof(shadow_path), "%s/" SHADOW, sandbox);
    shadow_size = 0;
    shadow_open(true);
    if (shadow_fd < 0)
        shadow_path[0] = '\0';
}

/* Drops the mapping and the fd (before the sandbox is emptied). */
static void shadow_stop(void)
{
    if (shadow_map)
        shadow_unmap();
    if (shadow_fd >= 0)
        shadow_close();
}

/* A fork child leaves the file to its parent (the fd is closed, the
 * mapping stays but is never touched). */
static void shadow_forget(void)
{
    if (shadow_fd >= 0)
        shadow_close();
    shadow_map = 0;
    shadow_path[0] = '\0';
}

/* Random bytes at the offset, at most up to SHADOW_MAX. */
static void shadow_write(void)
{
    if (shadow_off >= SHADOW_MAX)
        return;
    long n = 1 + below(min_l(4096, SHADOW_MAX - shadow_off));
    for (long i = 0; i < n; i++)
        scratch[i] = (char)rnd();
    call_begin(SYS_write, "write");
    call_arg(shadow_fd, "shadow fd");
    call_ptr((long)scratch, "scratch");
    call_arg(n, "n");
    long r = call_make();
    allow(r, 1, n, E(ERR_NORES) | E(ERR_NOMEM));
    if (r <= 0)
        return;
    memcpy(shadow + shadow_off, scratch, r);
    shadow_off += r;
    if (shadow_off > shadow_size)
        shadow_size = shadow_off;
}

/* Reads at the offset: exactly what is left of the file, byte for byte. */
static void shadow_read(void)
{
    long n = 1 + below(8192);
    long want = min_l(n, shadow_size - shadow_off);
    call_begin(SYS_read, "read");
    call_arg(shadow_fd, "shadow fd");
    call_ptr((long)scratch, "scratch");
    call_arg(n, "n");
    long r = call_make();
    allow(r, want, want, E(ERR_NOMEM));
    if (r != want)
        return;
    shadow_compare(scratch, shadow_off, r, "read");
    shadow_off += r;
}

/* Maps the file (shared or private) and checks what the mapping shows. */
static void shadow_mmap(void)
{
    size_t pages = (shadow_size + PAGE - 1) & ~(PAGE - 1);
    size_t len = one_in(2) && pages ? pages : shadow_size + 1 + below(2 * PAGE);
    bool shared = !one_in(3);
    uintptr_t addr = 0;
    call_begin(SYS_mmap, "mmap");
    call_arg(shadow_fd, "shadow fd");
    call_arg(0, "offset");
    call_arg(len, "length");
    call_arg(SHM_READ | SHM_WRITE, "prot");
    call_arg(shared ? MAP_SHARED : MAP_PRIVATE, "flags");
    call_ptr((long)&addr, "stack");
    long r = call_make();
    allow(r, 0, 0, E(ERR_NOMEM));
    if (r != 0)
        return;
    shadow_map = addr;
    shadow_len = len;
    shadow_shared = shared;
    size_t all = (len + PAGE - 1) & ~(PAGE - 1);
    shadow_compare((const char *)addr, 0, all,
                   shared ? "new shared mapping" : "new private mapping");
    if (!shared && one_in(2)) {
        /* Stores to a private mapping never reach the file. */
        for (int i = 0; i < 8 && shadow_size > 0; i++)
            ((volatile char *)addr)[below(min_l(shadow_size, all))] ^= 0x5a;
    }
}

/* Stores random bytes through the shared mapping, before the file's end. */
static void shadow_store(void)
{
    long end = min_l(shadow_size, shadow_len);
    for (int i = 0; i < 16 && end > 0; i++) {
        long at = below(end);
        char c = (char)rnd();
        ((volatile char *)shadow_map)[at] = c;
        shadow[at] = c;
    }
}

/* fstat gives the file's size; the sandbox lists SHADOW exactly once,
 * however its other names come and go meanwhile. */
static void shadow_stat(void)
{
    struct stat st;
    long r = fstat_ok(shadow_fd, "shadow fd", &st);
    if (r == 0 && (st.ftype != FTYPE_FILE || (long)st.size != shadow_size))
        complain("fstat of %s: ftype %d size %ld, expected a file of %ld bytes", shadow_path,
                 st.ftype, (long)st.size, shadow_size);
    int fd = open(sandbox, FS_RDONLY, EMPTY_MODE), seen = 0;
    struct dirent d;
    while (fd >= 0 && readdir(fd, &d) == ERR_OK)
        seen += strcmp(d.name, SHADOW) == 0;
    if (fd >= 0 && seen != 1)
        complain("readdir of %s listed \"" SHADOW "\" %d times", sandbox, seen);
    if (fd >= 0)
        close(fd);
}

/* One operation on the shadow file. */
static void op_shadow(void)
{
    if (shadow_fd < 0) {
        if (shadow_path[0])
            shadow_open(false);    /* it failed before (a table was full) */
        return;
    }
    switch (below(10)) {
    case 0:
    case 1:
        shadow_write();
        break;
    case 2:
    case 3:
        shadow_read();
        break;
    case 4:
        shadow_close();
        shadow_open(false);        /* back to offset 0 */
        break;
    case 5:
        if (shadow_map)
            shadow_unmap();
        else
            shadow_mmap();
        break;
    case 6:
    case 7:
        if (shadow_map && shadow_shared)
            shadow_store();
        break;
    case 8:
        shadow_stat();
        break;
    default:
        /* A shared mapping shows the file at once, write()s included. */
        if (shadow_map && shadow_shared)
            shadow_compare((const char *)shadow_map, 0, (shadow_len + PAGE - 1) & ~(PAGE - 1),
                           "shared mapping");
        break;
    }
}

#endif /* _TEST_FUZZ_SHADOW_H_ */
