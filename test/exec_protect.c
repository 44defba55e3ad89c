/*
 * exec_protect: each region allows only its own permissions, whether its
 * page is present or not, shared copy-on-write or not.
 *
 * Text and read-only data are never writable: a user store kills (in a
 * forked child, so its text is shared with the parent: a store must not be
 * taken for a copy-on-write write), and a kernel write (read() into text,
 * info() into rodata) is ERR_FAULT, leaving them intact. Heap, stack and
 * bss are never executable: a valid `ret` copied there and called kills,
 * for a touched heap page, a reserved but never touched one (the fault
 * must not fill it), the stack, and an untouched bss page. The same `ret`
 * called in the text runs, so the kills are about permission, not about
 * the instruction. Loads and stores beyond the end of the heap kill.
 */
// test: expect-killed=9
#include "vmlib.h"

#define RET 0x00008067u                        /* ret (jalr x0, 0(ra)) */

static const char rodata_text[64] = "read-only data";
static char bss_pages[3 * 4096];               /* untouched: its middle page is absent */

__attribute__((noinline)) static int text_function(void) { return 7; }

/* Copies ret to addr and calls it; returns only if addr is executable. */
static void call_copied_ret(char *addr, const char *what)
{
    int pid = fork_ok();
    if (pid == 0) {
        if (addr)
            *(volatile uint32_t *)addr = RET;
        else
            addr = (char *)sbrk(0) - PAGE;      /* untouched: written by nobody */
        asm volatile("fence.i" ::: "memory");
        ((void (*)(void))addr)();
        error("%s (%p) is executable", what, addr);
    }
    int status = wait_for(pid);
    if (status != -1)
        error("%s: child exited with %d, expected -1", what, status);
}

__attribute__((noinline)) static void exec_on_stack(void)
{
    uint32_t code[4] = {RET, RET, RET, RET};
    call_copied_ret((char *)code, "the stack");
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;

    /* Writes to text and rodata. */
    uintptr_t text = (uintptr_t)text_function & ~7UL;
    expect_killed(text, STORE, "store to text");
    expect_killed((uintptr_t)rodata_text & ~7UL, STORE, "store to read-only data");
    uint64_t text_word = *(volatile uint64_t *)text;
    int fd = open("/smallfile", FS_RDONLY, EMPTY_MODE);
    assert(fd >= 0);
    expect(read(fd, (void *)text, 8), ERR_FAULT);
    expect(close(fd), ERR_OK);
    info((struct sys_info *)((uintptr_t)rodata_text & ~7UL));
    expect(*(volatile uint64_t *)text, text_word);
    expect(strcmp(rodata_text, "read-only data"), 0);
    expect(text_function(), 7);

    /* The control: ret in the text runs (text_function is li a0, 7; ret). */
    int (*volatile through_pointer)(void) = text_function;
    expect(through_pointer(), 7);

    /* Execution of the heap, stack and bss. */
    char *heap = heap_pages(2);
    heap[0] = 1;                                 /* page 0 touched, page 1 not */
    call_copied_ret(heap + 64, "a touched heap page");
    call_copied_ret(NULL, "a reserved, untouched heap page");
    exec_on_stack();
    uintptr_t bss_mid = ((uintptr_t)bss_pages + PAGE) & ~(PAGE - 1);
    expect_killed(bss_mid, JUMP, "jump into an untouched bss page");

    /* Beyond the heap. */
    char *end = sbrk(0);
    expect_killed((uintptr_t)end, LOAD, "load just past the heap");
    expect_killed((uintptr_t)end + PAGE - 8, STORE, "store past the heap");
    expect_killed((uintptr_t)end + 256 * PAGE, LOAD, "load 1 MiB past the heap");

    /* Nothing changed for the parent. */
    expect(heap[0], 1);
    expect(text_function(), 7);

    pass("exec_protect: text and rodata not writable; heap, stack, bss not executable");
    return 0;
}
