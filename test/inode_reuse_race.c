/*
 * inode_reuse_race: an inode freed by one operation and handed out again
 * by another of the same journal group is freed again when that one gives
 * it up, not left an orphan.
 *
 * With the disk full, CREATORS processes call mkdir at once, over and
 * over: each allocates the lowest free inode, finds no block for its "."
 * (ERR_NORES) and frees the inode in its last inode_put, whose journal_end
 * waits for the group's commit while it still holds the in-memory inode.
 * Another mkdir of the same group allocated that inode meanwhile (free on
 * disk already) and got the same in-memory inode, the freer's reference
 * still counted; failing in turn, its inode_put saw a second reference,
 * did not free, and the freer then dropped its own without looking: the
 * inode stayed in use on disk with no name (an orphan, freed only at the
 * next mount), one inode lost per such race. Before the fix every run of
 * 6 lost some (up to 60 in its 600 mkdirs). The test notes the lowest
 * free inode numbers before (files made and removed in a directory with
 * room); after the storm the same files must get the same numbers again.
 * The runner's disk check after the boot finds an orphan too.
 * Everything it makes is removed, also at the start.
 */
// test: timeout=60
#include "testlib.h"
#include <lib/stdio-ext.h>

#define D "/irr"
#define CREATORS 4
#define ROUNDS 150
#define PROBES (CREATORS + 2)

static char buf[64 * 1024];

/* The inode numbers the next PROBES files in D get (each made, then
 * removed again: no blocks, so the full disk does not refuse them). */
static void lowest_free(int *inums)
{
    char path[32];
    for (int i = 0; i < PROBES; i++) {
        snprintf(path, sizeof(path), D "/p%d", i);
        int fd = open_ok(path, FS_RDWR | FS_CREAT);
        struct stat st;
        expect(fstat(fd, &st), ERR_OK);
        inums[i] = st.inode_num;
        expect(close(fd), ERR_OK);
    }
    for (int i = 0; i < PROBES; i++) {
        snprintf(path, sizeof(path), D "/p%d", i);
        expect(unlink(path), ERR_OK);
    }
}

/* A creator: mkdir at a full disk, ROUNDS times, each ERR_NORES. */
static void creator(int k)
{
    char path[32];
    snprintf(path, sizeof(path), D "/d%d", k);
    for (int i = 0; i < ROUNDS; i++) {
        int r = mkdir(path);
        if (r != ERR_NORES)
            error("mkdir(%s) at a full disk = %d, expected ERR_NORES", path, r);
    }
}

static void clean(void)
{
    char path[32];
    for (int i = 0; i < PROBES; i++) {
        snprintf(path, sizeof(path), D "/p%d", i);
        remove_file(path);
    }
    for (int k = 0; k < CREATORS; k++) {
        snprintf(path, sizeof(path), D "/d%d", k);
        remove_file(path);
    }
    remove_file(D "/fill");
    remove_file(D "/top");
    remove_file(D);
}

int main(void)
{
    clean();
    expect(mkdir(D), ERR_OK);
    memset(buf, 'f', sizeof(buf));
    fill_disk_last(D "/fill", D "/top", buf, sizeof(buf));   /* no block for a "." */
    int before[PROBES], after[PROBES];
    lowest_free(before);
    int pids[CREATORS];
    for (int k = 0; k < CREATORS; k++)
        pids[k] = fork_worker(creator, k);
    for (int k = 0; k < CREATORS; k++)
        expect_exit(pids[k], 0);
    lowest_free(after);
    clean();                           /* first: a failure must not leave the disk full */
    for (int i = 0; i < PROBES; i++)
        if (after[i] != before[i])
            error("new file %d got inode %d, before the mkdirs %d: an inode was lost", i,
                  after[i], before[i]);
    pass("inode_reuse_race");
    return 0;
}
