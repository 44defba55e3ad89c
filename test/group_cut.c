/*
 * group_cut: two operations in one group of the journal and a power cut
 * at the group's commit, placed by the journal_cut test hook (lib/bench.h),
 * for the two orderings a random cut (powercut) almost never tests, as
 * their window is a millisecond wide. Not a test on its own: the runner's
 * journal_cut scenario (test/scenarios.py) runs its steps on one disk, a
 * clean halt after setup, check_ordered+fill and check_reuse (the next
 * boot starts with an empty journal, with room for two operations), the
 * hook's power cut ending ordered and reuse.
 *
 * How two operations share a group, every time: a child arms the hook and
 * makes one file system call; its operation, done, waits at its end still
 * open (so the group can neither commit nor close). The parent, woken by
 * journal_cut(JOURNAL_CUT_WAIT) only once the child's operation waits
 * there, makes its own call: its operation joins the open group, does all
 * its work after the child's (whatever the child freed is free by then),
 * ends first and waits for the commit. Then the child's ends last and
 * commits, and the hook cuts the power at the header.
 *
 *   setup          /gc/f1 empty, /gc/old OLD_BLOCKS of pattern 1, /gc/new
 *                  empty (and the hook's arguments checked, and that a
 *                  process killed in either of its waits dies).
 *   ordered        child: creates /gc/mark, the commit cut right after the
 *                  header; parent: writes F1_BLOCKS of pattern 2 to /gc/f1.
 *                  The parent's operation ends first: its data must be on
 *                  the disk before the child's commit writes the header
 *                  that gives /gc/f1 its blocks (journal_end finishes it
 *                  while it is still counted).
 *   check_ordered  /gc/f1 holds exactly pattern 2 (the header was written:
 *                  the boot replayed it).
 *   fill           /gc/fill takes every free block.
 *   reuse          child: unlinks /gc/old (freeing its blocks, the only
 *                  free ones), the commit cut just before the header;
 *                  parent: writes OLD_BLOCKS of pattern 3 to /gc/new. No
 *                  block freed in the group may take its data (balloc.c):
 *                  /gc/old still owns them once the group is lost.
 *   check_reuse    /gc/old holds exactly pattern 1, /gc/new nothing; then
 *                  everything is removed.
 */
// test: helper
#include "testlib.h"
#include <lib/bench.h>
#include <lib/file-ext.h>
#include <lib/string.h>
#include <lib/stddef.h>
#include <kernel/sfs.h>

#define D "/gc"
#define F1_BLOCKS 8
#define OLD_BLOCKS 4

static unsigned char buf[F1_BLOCKS * SFS_BLOCK_SIZE];

/* Makes path a file of blocks blocks of pattern round (an old one removed). */
static void make_pattern(const char *path, size_t blocks, int round)
{
    remove_file(path);
    int fd = open_ok(path, FS_WRONLY | FS_CREAT);
    pattern_fill(buf, 0, blocks * SFS_BLOCK_SIZE, round);
    write_all(fd, buf, blocks * SFS_BLOCK_SIZE);
    expect(close(fd), ERR_OK);
}

/*
 * The group: a child arms the hook with cut and calls held(); once its
 * operation waits at its end, this process writes blocks blocks of
 * pattern round to path, in one operation of the same group. The machine
 * must power off before either call returns.
 */
static void cut_group(int cut, void (*held)(void), const char *path, size_t blocks, int round)
{
    int fd = open_ok(path, FS_WRONLY);           /* no operation of its own */
    pattern_fill(buf, 0, blocks * SFS_BLOCK_SIZE, round);
    int pid = fork_ok();
    if (pid == 0) {
        expect(journal_cut(cut), ERR_OK);
        held();
        error("the child's call returned: no power cut");
    }
    expect(journal_cut(JOURNAL_CUT_WAIT), ERR_OK);
    long w = write(fd, buf, blocks * SFS_BLOCK_SIZE);
    error("write returned %ld: no power cut", w);
}

static void create_mark(void)
{
    open_ok(D "/mark", FS_WRONLY | FS_CREAT);
}

static void unlink_old(void)
{
    expect(unlink(D "/old"), ERR_OK);
}

/* A child that waits in the hook (how: an armed mkdir, or a WAIT with
 * nobody armed), killed there: it must die, and an armed one must end its
 * operation with no cut (the machine stays up, and its mkdir is done).
 * This process makes no file system call meanwhile: one would join the
 * held group, end, and let the cut happen. */
static void killed_in_hook(int how)
{
    int pid = fork_ok();
    if (pid == 0) {
        if (how == JOURNAL_CUT_WAIT) {
            journal_cut(JOURNAL_CUT_WAIT);
        } else {
            expect(journal_cut(how), ERR_OK);
            mkdir(D "/held");
        }
        exit(0);
    }
    msleep(50);
    expect(kill(pid), ERR_OK);
    expect(wait_for(pid), -1);
}

/* setup also checks the hook's arguments: another how is refused, and a
 * thread disarmed makes its operations as ever (or mkdir would wait for a
 * second operation that never comes); and that both of its waits end
 * when the process is killed. */
static void setup(void)
{
    expect(journal_cut(-1), ERR_INVAL);
    expect(journal_cut(JOURNAL_CUT_WAIT + 1), ERR_INVAL);
    expect(journal_cut(JOURNAL_CUT_BEFORE), ERR_OK);
    expect(journal_cut(JOURNAL_CUT_NONE), ERR_OK);
    expect(mkdir(D), ERR_OK);
    killed_in_hook(JOURNAL_CUT_WAIT);
    killed_in_hook(JOURNAL_CUT_BEFORE);
    expect(rmdir(D "/held"), ERR_OK);
    make_file(D "/f1", "");
    make_file(D "/new", "");
    make_pattern(D "/old", OLD_BLOCKS, 1);
}

static void ordered(void)
{
    cut_group(JOURNAL_CUT_AFTER, create_mark, D "/f1", F1_BLOCKS, 2);
}

static void check_ordered(void)
{
    expect_pattern(D "/f1", F1_BLOCKS * SFS_BLOCK_SIZE, 2, buf, sizeof(buf));
    expect(stat_of(D "/mark").size, 0);
}

static void fill(void)
{
    memset(buf, 0, sizeof(buf));
    fill_disk(D "/fill", buf, sizeof(buf));
}

static void reuse(void)
{
    cut_group(JOURNAL_CUT_BEFORE, unlink_old, D "/new", OLD_BLOCKS, 3);
}

static void check_reuse(void)
{
    expect_pattern(D "/old", OLD_BLOCKS * SFS_BLOCK_SIZE, 1, buf, sizeof(buf));
    expect(stat_of(D "/new").size, 0);
    const char *names[] = { D "/f1", D "/mark", D "/old", D "/new", D "/fill" };
    for (size_t i = 0; i < NELEM(names); i++)
        expect(unlink(names[i]), ERR_OK);
    expect(rmdir(D), ERR_OK);
}

static const struct step {
    const char *name;
    void (*run)(void);
} steps[] = {
    { "setup", setup },
    { "ordered", ordered },
    { "check_ordered", check_ordered },
    { "fill", fill },
    { "reuse", reuse },
    { "check_reuse", check_reuse },
};

int main(int argc, char **argv)
{
    for (size_t i = 0; argc == 2 && i < NELEM(steps); i++) {
        if (strcmp(argv[1], steps[i].name) != 0)
            continue;
        steps[i].run();
        pass("group_cut %s", steps[i].name);
        return 0;
    }
    error("usage: group_cut setup|ordered|check_ordered|fill|reuse|check_reuse");
    return 1;
}
