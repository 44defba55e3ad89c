/*
 * freed_reuse: a block the journal still names, freed and then reused
 * for file data, must not be overwritten by a replay after a power cut.
 * Not a test on its own: the runner's journal_reuse scenario (test/
 * scenarios.py) runs its steps on one disk: a power cut right after each
 * write step, a boot (which replays the journal) before each check step,
 * and a clean halt (which empties the journal) after fill and check2. Any later checkpoint would write the reused
 * block's new contents home and so hide the damage, hence one cut for
 * each way a freed block can be named:
 *
 *   fill    writes /jr/p (SFS_NDIRECT + 1 blocks: it has an index
 *           block), /jr/e (SFS_NDIRECT blocks: all direct) and /jr/one (a
 *           block), then /jr/fill until the disk is full, and one-block
 *           files /jr/topN into what /jr/fill could not take.
 *   write1  an index block logged by a group committed earlier: unlinks
 *           /jr/p, writes /jr/f as big (its index block lands in one of
 *           p's freed blocks and is logged), unlinks /jr/f (freeing that
 *           index block: the commit must write the journal's blocks home
 *           and empty it), then writes /jr/w1 and /jr/w2 (direct blocks
 *           only) until the disk is full again, so one of them holds its
 *           data in the old index block.
 *   check1  after the replay, /jr/w1 and /jr/w2 hold their patterns (a
 *           replay of the index block's old copy would put table entries
 *           into a data block).
 *   write2  an index block logged by the freeing group itself: unlinks
 *           /jr/one (one block free), appends a byte to /jr/e, which needs
 *           an index block and a data block: the write logs the index
 *           block zeroed, finds no data block, frees it again in the same
 *           group and fails; /jr/w3 then takes that block for its data.
 *   check2  after the replay, /jr/w3 and /jr/e hold their patterns, then
 *           everything is removed.
 *
 * Few groups commit in a write step, far fewer than fill the journal.
 */
// test: helper
#include "testlib.h"
#include <lib/file-ext.h>
#include <lib/stdio-ext.h>
#include <lib/string.h>
#include <lib/stddef.h>
#include <kernel/sfs.h>

#define D "/jr"
#define PIECE (64 * 1024)
#define INDEXED ((SFS_NDIRECT + 1) * SFS_BLOCK_SIZE)   /* one block past the direct ones */
#define DIRECT (SFS_NDIRECT * SFS_BLOCK_SIZE)

static unsigned char buf[PIECE];

/* Writes path (created) with pattern round from offset 0 (round 0: zeros,
 * quicker), up to max bytes, stopping early only when the disk is full;
 * returns the bytes written. */
static size_t write_pattern(const char *path, size_t max, int round)
{
    int fd = open_ok(path, FS_WRONLY | FS_CREAT);
    size_t off = 0;
    memset(buf, 0, sizeof(buf));
    while (off < max) {
        size_t n = max - off < PIECE ? max - off : PIECE;
        if (round)
            pattern_fill(buf, off, n, round);
        long w = write(fd, buf, n);
        if (w == ERR_NORES)
            break;
        if (w <= 0)
            error("write %s at %ld: %ld", path, (long)off, w);
        off += (size_t)w;
        if ((size_t)w < n)
            break;                          /* the disk filled up */
    }
    expect(close(fd), ERR_OK);
    return off;
}

/* The disk is full: not one more byte goes anywhere. */
static void expect_full(void)
{
    int fd = open_ok(D "/probe", FS_WRONLY | FS_CREAT);
    expect(write(fd, "x", 1), ERR_NORES);
    expect(close(fd), ERR_OK);
    expect(unlink(D "/probe"), ERR_OK);
}

/* The sizes of what fill and write wrote, kept in /jr/sizes for check. */
struct sizes {
    size_t fill, w1, w2, w3;
    size_t tops;                  /* one-block files topping the disk off after fill */
};

/* The name of the i-th one-block file that tops the disk off. */
static void top_name(char *name, size_t size, size_t i)
{
    snprintf(name, size, D "/top%d", (int)i);
}

static struct sizes read_sizes(void)
{
    struct sizes s;
    int fd = open_ok(D "/sizes", FS_RDONLY);
    expect(read_all(fd, &s, sizeof(s)), sizeof(s));
    expect(close(fd), ERR_OK);
    return s;
}

/* fill: p, e and one, then the disk full. */
static void fill(struct sizes *s)
{
    expect(mkdir(D), ERR_OK);
    int fd = open_ok(D "/sizes", FS_WRONLY | FS_CREAT);   /* its block, before */
    write_all(fd, s, sizeof(*s));                           /* the disk fills */
    expect(close(fd), ERR_OK);
    expect(write_pattern(D "/p", INDEXED, 1), INDEXED);
    expect(write_pattern(D "/e", DIRECT, 7), DIRECT);
    expect(write_pattern(D "/one", SFS_BLOCK_SIZE, 8), SFS_BLOCK_SIZE);
    s->fill = write_pattern(D "/fill", ~(size_t)0 >> 1, 0);
    /* /jr/fill stops when its next block needs a new index block too and
     * fewer blocks are free than that takes: files of one block take what
     * is left, so the disk is full whatever the image held before (a
     * course's lab programs on it left a block free, and every later step
     * counts on none). */
    for (char name[16];; s->tops++) {
        top_name(name, sizeof(name), s->tops);
        if (write_pattern(name, SFS_BLOCK_SIZE, 0) == 0) {
            expect(unlink(name), ERR_OK);
            break;
        }
    }
    expect_full();
}

/* write1: f's index block, logged by an earlier group, freed and reused. */
static void write1(struct sizes *s)
{
    expect(unlink(D "/p"), ERR_OK);
    expect(write_pattern(D "/f", INDEXED, 3), INDEXED);
    expect(unlink(D "/f"), ERR_OK);
    s->w1 = write_pattern(D "/w1", DIRECT, 4);
    s->w2 = write_pattern(D "/w2", DIRECT, 5);
    if (s->w1 + s->w2 != INDEXED + SFS_BLOCK_SIZE)
        error("w1 and w2 took %ld bytes, not the %d freed by /jr/f",
              (long)(s->w1 + s->w2), INDEXED + SFS_BLOCK_SIZE);
    expect_full();
}

static void check1(struct sizes *s)
{
    expect_pattern(D "/w1", s->w1, 4, buf, PIECE);
    expect_pattern(D "/w2", s->w2, 5, buf, PIECE);
}

/* write2: an index block logged and freed by one group, then reused. */
static void write2(struct sizes *s)
{
    expect(unlink(D "/one"), ERR_OK);
    int fd = open_ok(D "/e", FS_WRONLY | FS_APPEND);
    expect(write(fd, "x", 1), ERR_NORES);
    expect(close(fd), ERR_OK);
    s->w3 = write_pattern(D "/w3", SFS_BLOCK_SIZE, 6);
    expect(s->w3, SFS_BLOCK_SIZE);
    expect_full();
}

/* check2: w3 and e, then everything removed. */
static void check2(struct sizes *s)
{
    expect_pattern(D "/w3", s->w3, 6, buf, PIECE);
    expect_pattern(D "/e", DIRECT, 7, buf, PIECE);
    expect(stat_of(D "/fill").size, s->fill);
    const char *names[] = { D "/w1", D "/w2", D "/w3", D "/e", D "/fill", D "/sizes" };
    for (size_t i = 0; i < NELEM(names); i++)
        expect(unlink(names[i]), ERR_OK);
    for (size_t i = 0; i < s->tops; i++) {
        char name[16];
        top_name(name, sizeof(name), i);
        expect(unlink(name), ERR_OK);
    }
    expect(rmdir(D), ERR_OK);
}

static const struct step {
    const char *name;
    void (*run)(struct sizes *s);
    bool first, last;             /* no /jr/sizes to read before, to write after */
} steps[] = {
    { "fill", fill, true, false },
    { "write1", write1, false, false },
    { "check1", check1, false, false },
    { "write2", write2, false, false },
    { "check2", check2, false, true },
};

int main(int argc, char **argv)
{
    for (size_t i = 0; argc == 2 && i < NELEM(steps); i++) {
        const struct step *st = &steps[i];
        if (strcmp(argv[1], st->name) != 0)
            continue;
        struct sizes s = { 0 };
        if (!st->first)
            s = read_sizes();
        st->run(&s);
        if (!st->last)
            write_at(D "/sizes", 0, &s, sizeof(s));   /* in place: no block needed */
        pass("freed_reuse %s", st->name);
        return 0;
    }
    error("usage: freed_reuse fill|write1|check1|write2|check2");
    return 1;
}
