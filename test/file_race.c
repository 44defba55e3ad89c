/*
 * file_race: processes on different harts making and removing the same
 * names at the same time.
 *
 * Four children race through the same 40 names: for each, mkdir("dN")
 * must succeed in exactly one of them (ERR_EXIST in the others), and
 * open("fN", FS_CREAT) must succeed in all of them and give all the same
 * inode (a create racing with a create opens the winner's file). Then four
 * new children race to unlink every fN and rmdir every dN: exactly one
 * wins each (ERR_NOTEXIST for the others). The directory lists exactly
 * what should be there at each stage and is empty at the end. A lost
 * update in the directory or an inode freed twice shows up here.
 */
// test: timeout=60
#include "testlib.h"
#include <lib/stdio-ext.h>

#define D "/race"
#define NAMES 40
#define RACERS 4

struct result {
    int mkdir[NAMES];                   /* phase 1 */
    int ino[NAMES];
    int unlink[NAMES];                  /* phase 2 */
    int rmdir[NAMES];
};
static struct result results[RACERS];

static void path(char *buf, char kind, int i)
{
    snprintf(buf, 32, D "/%c%02d", kind, i);
}

static void phase1(struct result *r)
{
    char p[32];
    for (int i = 0; i < NAMES; i++) {
        path(p, 'd', i);
        r->mkdir[i] = mkdir(p);
        path(p, 'f', i);
        int fd = open(p, FS_RDWR | FS_CREAT, EMPTY_MODE);
        struct stat st;
        r->ino[i] = fd < 0 ? fd : fstat(fd, &st) == ERR_OK ? st.inode_num : -100;
        if (fd >= 0)
            close(fd);
    }
}

static void phase2(struct result *r)
{
    char p[32];
    for (int i = 0; i < NAMES; i++) {
        path(p, 'f', (i + 7) % NAMES);  /* not all in the same order */
        r->unlink[(i + 7) % NAMES] = unlink(p);
        path(p, 'd', i);
        r->rmdir[i] = rmdir(p);
    }
}

/* Runs phase in RACERS children at once; gathers their results. */
static void race(void (*phase)(struct result *))
{
    int p[2], pids[RACERS];
    expect(pipe(p), ERR_OK);
    for (int k = 0; k < RACERS; k++) {
        pids[k] = fork();
        assert(pids[k] >= 0);
        if (pids[k] == 0) {
            close(p[0]);
            struct result r;
            memset(&r, 0, sizeof(r));
            phase(&r);
            /* under a page: arrives whole */
            exit(write(p[1], &r, sizeof(r)) == sizeof(r) ? 0 : 1);
        }
    }
    expect(close(p[1]), ERR_OK);
    for (int k = 0; k < RACERS; k++)
        expect(read_all(p[0], &results[k], sizeof(results[k])), sizeof(results[k]));
    expect(close(p[0]), ERR_OK);
    for (int k = 0; k < RACERS; k++)
        expect_exit(pids[k], 0);
}

/* Exactly one racer got ERR_OK for name i, the others `others`. */
static void one_winner(int *(*field)(struct result *), const char *what, int i, int others)
{
    int wins = 0;
    for (int k = 0; k < RACERS; k++) {
        int r = field(&results[k])[i];
        if (r == ERR_OK)
            wins++;
        else if (r != others)
            error("%s of name %d: %d, expected ERR_OK or %d", what, i, r, others);
    }
    if (wins != 1)
        error("%s of name %d succeeded %d times, expected once", what, i, wins);
}
static int *mkdir_of(struct result *r) { return r->mkdir; }
static int *unlink_of(struct result *r) { return r->unlink; }
static int *rmdir_of(struct result *r) { return r->rmdir; }

static int count_entries(void)
{
    int fd = open_ok(D, FS_RDONLY), n = 0, r;
    struct dirent d;
    while ((r = readdir(fd, &d)) == ERR_OK)
        n++;
    expect(r, ERR_END);
    expect(close(fd), ERR_OK);
    return n;
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    char p[32];

    for (int i = 0; i < NAMES; i++) {     /* a half-finished earlier run */
        path(p, 'f', i);
        remove_file(p);
        path(p, 'd', i);
        remove_file(p);
    }
    remove_file(D);
    expect(mkdir(D), ERR_OK);

    race(phase1);
    for (int i = 0; i < NAMES; i++) {
        one_winner(mkdir_of, "mkdir", i, ERR_EXIST);
        path(p, 'f', i);
        int ino = stat_of(p).inode_num;
        for (int k = 0; k < RACERS; k++)
            if (results[k].ino[i] != ino)
                error("racer %d opened f%02d as inode %d (error if < 0), the file is %d",
                      k, i, results[k].ino[i], ino);
        path(p, 'd', i);
        expect(stat_of(p).ftype, FTYPE_DIR);
    }
    expect(count_entries(), 2 * NAMES);

    race(phase2);
    for (int i = 0; i < NAMES; i++) {
        one_winner(unlink_of, "unlink", i, ERR_NOTEXIST);
        one_winner(rmdir_of, "rmdir", i, ERR_NOTEXIST);
    }
    expect(count_entries(), 0);
    expect(rmdir(D), ERR_OK);

    pass("file_race: %d racers, %d names", RACERS, NAMES);
    return 0;
}
