/*
 * kill_sweep: no user access to a kernel address gets through, and none
 * takes the kernel down; only the process that tried dies.
 *
 * kill_kernel.c tries a handful of addresses; this sweeps many. Each
 * access is one instruction in a forked child, which must be killed (one
 * killed: line, exit status -1) while the parent carries on:
 *   - named places, each loaded, stored and jumped to: KMAP_BASE, the
 *     device windows (PLIC, UART, virtio) and the firmware as the kernel
 *     maps them, the kernel image, the middle and the end of RAM, just
 *     past RAM, the kernel-stack area (a guard page and a stack page), the
 *     top page and last word of the address space, and the non-canonical
 *     holes on either side of Sv39's two halves;
 *   - the whole kernel half in 4 GiB steps (64 children, 8 at a time, so
 *     kills happen on several harts at once);
 *   - the first MiB of the kernel image in 64 KiB steps, jumped to.
 * The same addresses given to system calls as buffers (read, write, fstat,
 * pipe, info, open) give ERR_FAULT and kill no one. At the end the parent's
 * memory is intact and a new child still works normally.
 */
// test: expect-killed=131 timeout=60
#include "vmlib.h"
#include <lib/layout.h>
#include <lib/stddef.h>

#define KILLS 131                 /* must match expect-killed above */
#define GiB (1UL << 30)

static const uintptr_t named[] = {
    KMAP_BASE,
    KMAP_BASE + 0x1000,
    KMAP_BASE + 0x0C000000UL,     /* PLIC */
    KMAP_BASE + 0x10000000UL,     /* UART */
    KMAP_BASE + 0x10001000UL,     /* virtio-mmio */
    KMAP_BASE + 0x80000000UL,     /* RAM start: OpenSBI */
    KERNEL_IMAGE,
    KERNEL_IMAGE + 0x1000,
    KMAP_BASE + 0x88000000UL,     /* the middle of 256 MiB of RAM */
    KMAP_BASE + 0x8FFFF000UL,     /* its last page */
    KMAP_BASE + 0x90000000UL,     /* just past it */
    0xFFFFFFFFC0000000UL,         /* kernel-stack area: a guard page */
    0xFFFFFFFFC0001000UL,         /* ... and the first kernel stack */
    0xFFFFFFFFFFFFF000UL,         /* the top page */
    USER_TOP,                     /* non-canonical, just above user space */
    KMAP_BASE - PAGE,             /* non-canonical, just below the kernel half */
    0x8000000000000000UL,         /* non-canonical, in the middle */
};

static int killed;

static void run_killed(uintptr_t addr, enum how how)
{
    static const char *names[] = {"load from", "store to", "jump to"};
    int pid = fork_ok();
    if (pid == 0) {
        access_address(addr, how);
        error("%s %p did not kill the child", names[how], (void *)addr);
    }
    int status = wait_for(pid);
    if (status != -1)
        error("%s %p: child exited with %d, expected -1", names[how], (void *)addr, status);
    killed++;
}

/* Several children at once, each killed. */
static void run_killed_batch(const uintptr_t *addr, int n)
{
    int pids[8];
    for (int i = 0; i < n; i++) {
        pids[i] = fork();
        if (pids[i] < 0)
            error("fork = %d", pids[i]);
        if (pids[i] == 0) {
            access_address(addr[i], i % 2 ? STORE : LOAD);
            error("access to %p did not kill the child", (void *)addr[i]);
        }
    }
    for (int i = 0; i < n; i++) {
        int status = wait_for(pids[i]);
        if (status != -1)
            error("access to %p: child exited with %d, expected -1", (void *)addr[i], status);
        killed++;
    }
}

/* System calls given addr as a buffer: ERR_FAULT, nobody killed. */
static void syscalls_refuse(uintptr_t addr)
{
    void *p = (void *)addr;
    int fd = open("/smallfile", FS_RDONLY, EMPTY_MODE);
    assert(fd >= 0);
    expect(read(fd, p, 16), ERR_FAULT);
    expect(write(1, p, 16), ERR_FAULT);
    expect(fstat(fd, p), ERR_FAULT);
    expect(pipe(p), ERR_FAULT);
    expect(open(p, FS_RDONLY, EMPTY_MODE), ERR_FAULT);
    info(p);
    expect(close(fd), ERR_OK);
}

static int child_works(void)
{
    char buf[32];
    int fd = open("/smallfile", FS_RDONLY, EMPTY_MODE);
    if (fd < 0 || read(fd, buf, sizeof(buf)) != 26 || memcmp(buf, "aaaaaaaaaabbbbbbbbbbccccc\n", 26))
        return 1;
    close(fd);
    char *h = heap_pages(4);
    write_pages(h, 4, 3);
    return check_pages(h, 4, 3) == 0 ? 0 : 2;
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    int me = getpid();
    char *canary = heap_pages(8);
    write_pages(canary, 8, 42);
    volatile long on_stack = 0x1234567;

    for (unsigned i = 0; i < NELEM(named); i++) {
        run_killed(named[i], LOAD);
        run_killed(named[i], STORE);
        run_killed(named[i], JUMP);
        syscalls_refuse(named[i]);
    }

    uintptr_t sweep[64];
    for (int i = 0; i < 64; i++)
        sweep[i] = KMAP_BASE + i * 4 * GiB + (i % 8) * 0x1000 + 8 * i;
    for (int i = 0; i < 64; i += 8)
        run_killed_batch(sweep + i, 8);
    syscalls_refuse(sweep[63]);

    for (int i = 0; i < 16; i++)
        run_killed(KERNEL_IMAGE + i * 0x10000UL, JUMP);

    expect(killed, KILLS);
    expect(getpid(), me);
    expect(on_stack, 0x1234567);
    expect(check_pages(canary, 8, 42), 0);
    expect(wait(-1, NULL), ERR_CHILD);
    in_child(child_works, "a normal child after the sweep");

    pass("kill_sweep: %d children killed, parent and kernel fine", killed);
    return 0;
}
