/*
 * file_nores: running out of inodes is ERR_NORES, cleanly, and recoverable.
 *
 * The disk has a fixed number of inodes (1024 in mkfs's images): creating
 * empty files until open(FS_CREAT) fails must end in ERR_NORES, and mkdir
 * then fails the same way, while existing files still open and link (a new
 * name needs no inode). Freeing one inode lets exactly one more file in.
 * The kernel's table of inodes in use at once is smaller (FS_NINODE, 256,
 * fs.h): four processes holding 120 different files open each must see
 * open fail with ERR_NORES and nothing worse; once they close, all is well.
 * Everything is removed at the end.
 */
// test: timeout=120
#include "testlib.h"
#include <lib/stdio-ext.h>

#define D "/nores"
#define MAXFILES 1100
#define HOLDERS 4
#define HOLD 120

static void name(char *buf, int i)
{
    snprintf(buf, 32, D "/n%04d", i);
}

/* Creates file i; returns open's result (closed again on success). */
static int create(int i)
{
    char path[32];
    name(path, i);
    int fd = open(path, FS_RDWR | FS_CREAT, EMPTY_MODE);
    return fd >= 0 ? close(fd) : fd;
}

/* A holder child: opens up to HOLD of the files (those i % HOLDERS == k),
 * reports how many and the first error (0 for none) on fd `report`, then
 * keeps them open until `hold` reaches end of file. */
static void holder(int k, int nfiles, int report, int hold)
{
    int counts[2] = {0, 0};
    char path[32];
    for (int i = k; i < nfiles && counts[0] < HOLD; i += HOLDERS) {
        name(path, i);
        int fd = open(path, FS_RDONLY, EMPTY_MODE);
        if (fd < 0) {
            counts[1] = fd;
            break;
        }
        counts[0]++;
    }
    write(report, counts, sizeof(counts));
    char c;
    read(hold, &c, 1);                       /* the parent closes it: 0 */
    exit(0);                                 /* closes everything */
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    char path[32];

    for (int i = 0; i < MAXFILES; i++) {     /* a half-finished earlier run */
        name(path, i);
        remove_file(path);
    }
    remove_file(D "/extra");
    remove_file(D);
    expect(mkdir(D), ERR_OK);

    /* ---- the disk's inodes ---- */
    int n = 0, r;
    while (n < MAXFILES && (r = create(n)) == ERR_OK)
        n++;
    if (n == MAXFILES)
        error("created %d files and found no end of inodes", n);
    if (r != ERR_NORES)
        error("file %d: open(FS_CREAT) = %d, expected ERR_NORES", n, r);
    printf("file_nores: %d files made the disk's inodes run out\n", n);
    expect(create(n), ERR_NORES);            /* still */
    expect(mkdir(D "/dir"), ERR_NORES);
    int fd = open_ok(D "/n0000", FS_RDWR);   /* existing files work */
    expect(write(fd, "x", 1), 1);
    expect(close(fd), ERR_OK);
    expect(link(D "/n0000", D "/extra"), ERR_OK);
    expect(unlink(D "/extra"), ERR_OK);
    name(path, n - 1);
    expect(unlink(path), ERR_OK);            /* one inode back ... */
    expect(create(n - 1), ERR_OK);           /* ... and used again */
    expect(create(n), ERR_NORES);

    /* ---- the kernel's in-memory inode table ---- */
    int rep[2], hold[2], pids[HOLDERS];
    expect(pipe(rep), ERR_OK);
    expect(pipe(hold), ERR_OK);
    for (int k = 0; k < HOLDERS; k++) {
        pids[k] = fork();
        assert(pids[k] >= 0);
        if (pids[k] == 0) {
            close(rep[0]);
            close(hold[1]);
            holder(k, n, rep[1], hold[0]);
        }
    }
    expect(close(rep[1]), ERR_OK);
    expect(close(hold[0]), ERR_OK);
    int opened = 0, nores = 0;
    for (int k = 0; k < HOLDERS; k++) {      /* all hold their files now */
        int counts[2];
        expect(read_all(rep[0], counts, sizeof(counts)), sizeof(counts));
        opened += counts[0];
        if (counts[1] == ERR_NORES)
            nores++;
        else if (counts[1] != 0)
            error("a holder's open failed with %d, expected ERR_NORES", counts[1]);
    }
    printf("file_nores: %d files open at once, %d holders got ERR_NORES\n", opened, nores);
    if (nores == 0)
        error("%d different files open at once and no ERR_NORES", opened);
    expect(close(hold[1]), ERR_OK);          /* let them go */
    expect(close(rep[0]), ERR_OK);
    for (int k = 0; k < HOLDERS; k++)
        expect_exit(pids[k], 0);
    fd = open_ok(D "/n0001", FS_RDONLY);     /* the table has room again */
    expect(close(fd), ERR_OK);

    /* ---- clean up ---- */
    for (int i = 0; i < n; i++) {
        name(path, i);
        expect(unlink(path), ERR_OK);
    }
    expect(rmdir(D), ERR_OK);
    expect(mkdir(D), ERR_OK);                /* inodes are free again */
    expect(rmdir(D), ERR_OK);
    pass("file_nores");
    return 0;
}
