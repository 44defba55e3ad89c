/*
 * elf_hostile: spawn of hostile executables fails cleanly and quickly.
 *
 * The test builds ELF files byte by byte (lib/elf.h's structs): a small
 * valid program (it exits with a word loaded from its data segment plus
 * two bss words, 42 in all), then that program broken one way at a time:
 * not ELF at all, a wrong header field, too many program headers,
 * segments with no permission, write and execute, write without read,
 * filesz > memsz, file bytes or headers past the end of the file, offsets
 * that wrap, segments at page 0, in kernel space, wrapping around, in the
 * stack's window, overlapping or sharing a page, vaddr and offset out of
 * step, the entry outside any segment or in a data one. Each is written to
 * the disk and spawned: spawn must return ERR_INVAL, leave no child, and
 * give back every frame it took; the file is removed after, so a leaked
 * disk block shows in the runner's disk check.
 *
 * Odd but valid files must run: a zero-length segment anywhere (ignored),
 * a huge or non-power-of-two p_align (not used), program headers at an
 * odd offset past the first block (read in one piece), a non-loadable header
 * pointing past the file, exactly ELF_MAX_PHDRS headers, and a bss that
 * fills the whole user space (256 GiB, touched in two pages only).
 *
 * Two cases used to stall a hart: 65,535 one-page segments (quadratic
 * region insertion: about 31 s) and a 256 GiB bss (one loop step per
 * page: about 0.6 s per spawn). The bounds below are loose, for slow
 * machines, and still far below those costs.
 */
// test: timeout=120
#include "vmlib.h"
#include <lib/elf.h>
#include <lib/layout.h>

#define PATH "/elf_hostile.bin"
#define RUNS 1                    /* check(): spawn must succeed, the child exit 42 */
#define STATUS 42
#define TICKS_PER_MS 10000UL      /* rdtime runs at 10 MHz on QEMU virt */
#define SPAWN_MS 2000             /* any one spawn, valid or not */
#define BIG_BSS_SPAWNS 8          /* ... and this many 256 GiB bss programs together */
#define BIG_BSS_MS 2000

/* File layout of the small image: header, program headers, code, data. */
#define PHOFF 0x40
#define CODE_OFF 0x1000
#define DATA_OFF 0x1400
#define IMG_SIZE 0x1800
#define ODD_PHOFF 0x1102          /* between code and data: the second block, not 8-aligned */
#define MAX_SMALL_PHDRS ((CODE_OFF - PHOFF) / sizeof(struct elf_phdr))
#define TEXT_VA USER_TEXT_BASE
#define DATA_VA (USER_TEXT_BASE + 0x10400)     /* congruent to DATA_OFF */
#define DATA_MEMSZ 0x1000                      /* up to 0x21400: page 0x21000 is pure bss */

/*
 * exit(*(int *)0x20400 + *(int *)0x20404 + *(int *)0x21000):
 *   lui a1,0x20; lw a0,1024(a1); lw t0,1028(a1); add a0,a0,t0;
 *   lui t1,0x21; lw t0,0(t1); add a0,a0,t0; li a7,SYS_exit; ecall
 */
static const uint32_t code[] = {
    0x000205b7, 0x4005a503, 0x4045a283, 0x00550533, 0x00021337,
    0x00032283, 0x00550533, 0x00400893, 0x00000073,
};
_Static_assert(DATA_VA == 0x20400, "the code loads from 0x20400");
_Static_assert(ELF_MAX_PHDRS + 1 <= MAX_SMALL_PHDRS, "the small image holds the headers");
_Static_assert(ODD_PHOFF >= CODE_OFF + sizeof(code) && ODD_PHOFF % 8 != 0 &&
               ODD_PHOFF + 2 * sizeof(struct elf_phdr) <= DATA_OFF,
               "the moved headers lie between code and data, unaligned");

static char small[IMG_SIZE];
static char *img = small;
static size_t img_size;
#define H ((struct elf_header *)img)
#define PH ((struct elf_phdr *)(img + PHOFF))

static struct elf_phdr segment(uint32_t flags, uint64_t off, uint64_t va, uint64_t filesz,
                               uint64_t memsz)
{
    return (struct elf_phdr){ .type = PT_LOAD, .flags = flags, .offset = off, .vaddr = va,
                              .paddr = va, .filesz = filesz, .memsz = memsz, .align = PAGE };
}

/* Lays out the valid program in img (of size, code at code_off, its data
 * word right after at +0x400) with room for phnum program headers, of
 * which the first two are text and data. */
static void layout(char *buf, size_t size, uint64_t code_off, int phnum)
{
    img = buf;
    img_size = size;
    memset(img, 0, size);
    *H = (struct elf_header){
        .magic = ELF_MAGIC, .class = ELFCLASS64, .data = ELFDATA2LSB, .version = 1,
        .type = ET_EXEC, .machine = EM_RISCV, .version2 = 1, .entry = TEXT_VA,
        .phoff = PHOFF, .ehsize = sizeof(struct elf_header),
        .phentsize = sizeof(struct elf_phdr), .phnum = phnum,
    };
    PH[0] = segment(PF_R | PF_X, code_off, TEXT_VA, sizeof(code), sizeof(code));
    PH[1] = segment(PF_R | PF_W, code_off + 0x400, DATA_VA, 4, DATA_MEMSZ);
    memcpy(img + code_off, code, sizeof(code));
    *(int *)(img + code_off + 0x400) = STATUS;
}

/* The small valid program. */
static void reset(void)
{
    layout(small, IMG_SIZE, CODE_OFF, 2);
}

/* The small valid program with its two program headers moved to off,
 * zeros left in their old place (a loader reading there finds no
 * loadable segment). */
static void move_headers(uint64_t off)
{
    reset();
    memcpy(img + off, PH, 2 * sizeof(struct elf_phdr));
    memset(PH, 0, 2 * sizeof(struct elf_phdr));
    H->phoff = off;
}

static void write_image(void)
{
    remove_file(PATH);
    int fd = open_ok(PATH, FS_WRONLY | FS_CREAT);
    write_all(fd, img, img_size);
    expect(close(fd), ERR_OK);
}

/* Spawns the image once; returns the spawn's time in ticks. want is RUNS
 * or the error spawn must return. */
static uint64_t spawn_once(const char *what, int want)
{
    long frames = free_pages();
    uint64_t start = rdtime();
    int pid = spawn(PATH);
    uint64_t took = rdtime() - start;
    int status = pid > 0 ? wait_for(pid) : 0;
    if (took > SPAWN_MS * TICKS_PER_MS)
        error("%s: spawn took %ld ms", what, (long)(took / TICKS_PER_MS));
    if (pid > 0 && want != RUNS)
        error("%s: spawn = %d (a child, exit status %d), expected %d", what, pid, status, want);
    if (pid > 0 && status != STATUS)
        error("%s: the child exited with %d, expected %d", what, status, STATUS);
    if (pid <= 0 && want == RUNS)
        error("%s: spawn = %d, expected a child", what, pid);
    if (pid <= 0 && pid != want)
        error("%s: spawn = %d, expected %d", what, pid, want);
    if (free_pages() != frames)
        error("%s: %ld frames free after the spawn, %ld before", what, free_pages(), frames);
    return took;
}

/* Writes the image to the disk, spawns it, removes it. */
static void check(const char *what, int want)
{
    write_image();
    spawn_once(what, want);
    remove_file(PATH);
}

static void not_executables(void)
{
    static const char text[] = "#!/bin/sh\necho not a program\n";
    img = small;
    img_size = sizeof(text) - 1;
    memcpy(img, text, img_size);
    check("a text file", ERR_INVAL);
    img_size = 0;
    check("an empty file", ERR_INVAL);
    reset();
    img_size = sizeof(struct elf_header) - 1;
    check("a truncated header", ERR_INVAL);
}

static void bad_headers(void)
{
    reset(), H->class = 1, check("a 32-bit file", ERR_INVAL);
    reset(), H->data = 2, check("a big-endian file", ERR_INVAL);
    reset(), H->machine = 62, check("an x86-64 file", ERR_INVAL);
    reset(), H->type = 3, check("a shared object", ERR_INVAL);
    reset(), H->phentsize = 32, check("32-byte program headers", ERR_INVAL);
    reset(), H->phnum = 0, check("no program headers", ERR_INVAL);
    reset(), H->phoff = 1UL << 40, check("program headers past the end", ERR_INVAL);
    reset(), H->phoff = ~0UL - 8, check("program headers at a wrapping offset", ERR_INVAL);
    reset(), H->phoff = IMG_SIZE - sizeof(struct elf_phdr), H->phnum = 2,
        check("program headers running off the end", ERR_INVAL);
    reset(), PH[0].type = PH[1].type = 4, check("no loadable segment", ERR_INVAL);
}

static void bad_segments(void)
{
    reset(), PH[1].flags = 0, check("a segment with no permission", ERR_INVAL);
    reset(), PH[1].flags = PF_R | PF_W | PF_X, check("a writable and executable segment", ERR_INVAL);
    reset(), PH[1].flags = PF_W, check("a write-only segment", ERR_INVAL);
    reset(), PH[1].filesz = PH[1].memsz + 1, check("filesz > memsz", ERR_INVAL);
    reset(), PH[1].filesz = PH[1].memsz = 1UL << 30, check("1 GiB of file bytes past the end", ERR_INVAL);
    reset(), PH[1].offset = (1UL << 40) + 0x400, check("an offset past the end", ERR_INVAL);
    reset(), PH[1].offset = ~0UL - 0xbff, PH[1].filesz = 0x1000, check("an offset that wraps", ERR_INVAL);
    reset(), PH[1].vaddr = 0x400, check("a segment in page 0", ERR_INVAL);
    reset(), PH[1].vaddr = KMAP_BASE + 0x400, check("a segment in kernel space", ERR_INVAL);
    reset(), PH[1].vaddr = USER_TOP + 0x400, check("a segment above user space", ERR_INVAL);
    reset(), PH[1].vaddr = ~0UL - 0xbff, check("a segment that wraps around", ERR_INVAL);
    reset(), PH[1].vaddr = USTACK_LOWERBOUND - 0xC00, check("a segment in the stack window", ERR_INVAL);
    reset(), PH[1].vaddr = TEXT_VA + 0x10, PH[1].offset = CODE_OFF + 0x10,
        check("overlapping segments", ERR_INVAL);
    reset(), PH[1].vaddr = TEXT_VA + 0x400, check("two segments sharing a page", ERR_INVAL);
    reset(), PH[1].vaddr = DATA_VA + 8, check("vaddr and offset out of step", ERR_INVAL);
    reset(), H->entry = 0x30000, check("the entry outside any segment", ERR_INVAL);
    reset(), H->entry = DATA_VA, check("the entry in a data segment", ERR_INVAL);
    reset(), H->entry = TEXT_VA + sizeof(code), check("the entry just past the text", ERR_INVAL);
    reset(), H->phnum = ELF_MAX_PHDRS + 1, check("ELF_MAX_PHDRS + 1 headers", ERR_INVAL);
}

static void odd_but_valid(void)
{
    reset(), check("the valid program", RUNS);
    reset(), H->phnum = 3, PH[2] = segment(0, 1UL << 50, KMAP_BASE, 0, 0),
        check("a zero-length segment in kernel space", RUNS);
    reset(), PH[0].align = 1UL << 62, PH[1].align = 3, check("huge and odd p_align", RUNS);
    move_headers(ODD_PHOFF), check("program headers at an odd offset in the second block", RUNS);
    reset(), H->phnum = 3, PH[2] = segment(PF_R, 1UL << 50, 0, 1UL << 40, 1UL << 40),
        PH[2].type = 4, check("a note past the end of the file", RUNS);
    reset(), H->phnum = ELF_MAX_PHDRS;
    for (int i = 2; i < ELF_MAX_PHDRS; i++)
        PH[i] = segment(PF_R, 0, 0x100000 + i * PAGE, 0, PAGE);
    check("ELF_MAX_PHDRS headers", RUNS);
}

/* The data segment's bss runs up to the stack's window: 256 GiB. */
static void big_bss(void)
{
    reset(), PH[1].memsz = USTACK_LOWERBOUND - DATA_VA;
    write_image();
    uint64_t took = 0;
    for (int i = 0; i < BIG_BSS_SPAWNS; i++)
        took += spawn_once("a 256 GiB bss", RUNS);
    remove_file(PATH);
    printf("elf_hostile: %d spawns of a 256 GiB bss program took %ld ms\n", BIG_BSS_SPAWNS,
           (long)(took / TICKS_PER_MS));
    if (took > BIG_BSS_MS * TICKS_PER_MS)
        error("%d spawns of a 256 GiB bss took %ld ms", BIG_BSS_SPAWNS, (long)(took / TICKS_PER_MS));
}

/* 65,535 program headers, every one a valid one-page segment. */
static void many_segments(void)
{
    int phnum = 65535;
    uint64_t code_off = (PHOFF + phnum * sizeof(struct elf_phdr) + PAGE - 1) & ~(PAGE - 1);
    size_t size = code_off + 0x800;
    char *start = sbrk(0);
    char *buf = heap_pages((long)((size + PAGE - 1) / PAGE));
    layout(buf, size, code_off, phnum);
    for (int i = 2; i < phnum; i++)
        PH[i] = segment(PF_R | PF_W, 0, 0x100000 + (uint64_t)i * PAGE, 0, PAGE);
    write_image();
    uint64_t took = spawn_once("65,535 segments", ERR_INVAL);
    remove_file(PATH);
    printf("elf_hostile: spawn of 65,535 segments took %ld ms\n", (long)(took / TICKS_PER_MS));
    heap_set_break(start);
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    remove_file(PATH);
    warm_up_stack();
    odd_but_valid();
    not_executables();
    bad_headers();
    bad_segments();
    big_bss();
    many_segments();
    expect(wait(-1, NULL), ERR_CHILD);
    pass("elf_hostile: hostile executables are ERR_INVAL, quickly, leaving nothing");
    return 0;
}
