/*
 * fork_stack_page: fork gives the child its own copy of the page at the
 * parent's stack pointer at once, instead of sharing it copy-on-write
 * (vm.c, copy_entries): both sides store to it right after fork, so
 * sharing it cost a fault and a copy on each fork.
 *
 * The locals below live on the page of the stack pointer at the fork call
 * (checked: the fork stub makes no frame of its own). After fork the
 * parent and the child each store to them, the child exits and the
 * parent waits; then:
 *   - no page was copied on a fault (cow_copies) in the whole cycle (one
 *     before the change), and the parent's stores took no fault;
 *   - each side saw its own stores and the values from before the fork,
 *     never the other side's;
 *   - the frames are back (the child's copy freed at its exit);
 *   - a fork whose stack page is shared already (read-only: a first
 *     child forked deeper down still holds it) shares it copy-on-write as
 *     before, and each of the three processes sees only its own stores.
 */
#include "vmlib.h"

static uintptr_t stack_pointer(void)
{
    uintptr_t sp;
    __asm__ volatile("mv %0, sp" : "=r"(sp));
    return sp;
}

static struct channel go;

/* Forks with a frame of a page and more, so that the caller's stack page
 * is shared with the child; the child waits on go, then checks the
 * values of before both forks. */
static int __attribute__((noinline)) fork_below(volatile long *v)
{
    volatile char pad[PAGE];
    pad[0] = pad[PAGE - 1] = 1;
    int pid = fork();
    if (pid < 0)
        error("fork = %d", pid);
    if (pid == 0) {
        chan_take(&go);
        exit(v[0] == 11 && v[1] == 200 && v[2] == 33 && pad[0] == 1 ? 0 : 2);
    }
    return pid;
}

/* The second fork comes with nothing stored to this frame's page since
 * the first, which left it shared: the path that shares the stack page. */
static void __attribute__((noinline)) two_forks(volatile long *v)
{
    chan_open(&go);
    int first = fork_below(v);
    int second = fork();
    if (second < 0)
        error("fork = %d", second);
    if (second == 0) {
        v[3] = 400;
        exit(v[0] == 11 && v[3] == 400 && v[1] == 200 ? 0 : 3);
    }
    v[0] = 500;
    expect(wait_for(second), 0);
    chan_post(&go);
    expect(wait_for(first), 0);
    chan_close(&go);
    if (v[0] != 500 || v[2] != 33 || v[3] != 44)
        error("parent: v[0] %ld (500), v[2] %ld (33), v[3] %ld (44)", v[0], v[2], v[3]);
}

int main(void)
{
    volatile long v[4] = {11, 22, 33, 44};
    uintptr_t sp = stack_pointer();
    if ((uintptr_t)&v[0] / PAGE != sp / PAGE || (uintptr_t)&v[3] / PAGE != sp / PAGE)
        error("the locals at %p are not on the stack pointer's page (sp %p)", (void *)&v[0],
              (void *)sp);
    long free_before = free_pages();
    long copies = cow_copies(), faults = pgfaults();

    int pid = fork();
    if (pid < 0)
        error("fork = %d", pid);
    if (pid == 0) {
        v[0] = 100;
        exit(v[0] == 100 && v[1] == 22 && v[2] == 33 ? 0 : 1);
    }
    v[1] = 200;
    long parent_faults = pgfaults() - faults;
    expect(wait_for(pid), 0);
    if (cow_copies() - copies != 0)
        error("%ld pages copied on faults in a fork, exit and wait cycle, not 0",
              cow_copies() - copies);
    if (parent_faults != 0)
        error("the parent's store to its stack page after fork took %ld fault(s)",
              parent_faults);
    if (v[0] != 11 || v[1] != 200)
        error("parent: v[0] %ld (11), v[1] %ld (200)", v[0], v[1]);
    if (free_pages() != free_before)
        error("free frames %ld after the child, %ld before", free_pages(), free_before);

    two_forks(v);
    pass("fork_stack_page: no fault and no copy for the stack page; each side its own values");
    return 0;
}
