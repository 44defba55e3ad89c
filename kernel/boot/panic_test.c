/*
 * The deliberate panics of the command line (panic=, platform.h). Each
 * shows one of the kernel's last resorts at work, so a student can see
 * it and a test (test/make_targets.py) can check it:
 *
 *   boot   panic() itself: the PANIC line, the backtrace, QEMU exiting 1
 *   stack  a kernel thread recursing until its stack's guard page stops
 *          it: the trap entry must notice the overflowed stack and panic
 *          from the hart's emergency stack (trapvec.S)
 *   wild   a load from the direct map just past the end of RAM: the
 *          kernel half maps only RAM and devices (vpmap.c), so this is a
 *          page fault rather than a read of whatever is there
 *   lockorder  two locks taken against the lock order (synch.h): the
 *          debug kernel's check panics naming both
 */
#include <kernel/console.h>
#include <kernel/fs.h>
#include <kernel/pgcache.h>
#include <kernel/platform.h>
#include <kernel/pmem.h>

/* Never reached: keeps the compiler from calling the recursion infinite. */
static volatile uint64_t recurse_limit = ~0UL;

/* Calls itself with a 256-byte frame each time until the stack runs out.
 * The frame is volatile and used after the call, so no call can be
 * turned into a loop or dropped. */
static uint64_t recurse(uint64_t depth)
{
    volatile uint64_t frame[32];
    frame[0] = depth;
    if (depth == recurse_limit)
        return frame[0];
    return recurse(depth + 1) + frame[0];
}

/* panic=lockorder: locks the root directory's inode, then its page cache,
 * against the lock order (synch.h: read() and write() take a file's page
 * cache first). The debug kernel panics there, naming both locks; a kernel
 * without the check takes both, says so and boots on. */
static void break_lock_order(void)
{
    struct inode *root = fs_root();
    inode_lock(root);
    pgcache_lock(&root->pages);
    kprintf("[boot] panic=lockorder: this kernel does not check the lock order "
            "(make DEBUG=1 builds one that does)\n");
    pgcache_unlock(&root->pages);
    inode_unlock(root);
    inode_put(root);
}

/* Called by the boot thread once the file system is mounted (the
 * lockorder case needs an inode). Every case but lockorder without the
 * debug check ends in a PANIC: coming back from one is a panic too. */
void panic_test(void)
{
    switch (platform.panic_test) {
    case PANIC_TEST_NONE:
        return;
    case PANIC_TEST_BOOT:
        panic("panic=boot on the command line: a deliberate panic");
    case PANIC_TEST_STACK:
        kprintf("[boot] panic=stack: recursing until the kernel stack overflows\n");
        recurse(0);
        break;
    case PANIC_TEST_LOCKORDER:
        break_lock_order();
        return;
    case PANIC_TEST_WILD: {
        volatile uint64_t *past_ram = kmap_p2v(platform.ram_end);
        kprintf("[boot] panic=wild: loading from %p, past the end of RAM\n", (void *)past_ram);
        kprintf("[boot] read 0x%lx there\n", (unsigned long)*past_ram);
        break;
    }
    }
    panic("panic=%d on the command line did not panic", platform.panic_test);
}
