/*
 * powercut_writer ROUND [halt]: carries out round ROUND of the power-cut
 * plan (powercut.h), the write-heavy program the runner's powercut
 * scenario kills QEMU under, at random moments, and that its durability
 * scenario runs to the end.
 *
 * Lane 0 runs in this process and lane 1 in a child, at the same time, so
 * their transactions share journal commits. After each step returns the
 * lane prints "powercut: lane L step K": the runner keeps the last line it
 * saw per lane, and powercut_check then demands those steps be complete.
 * The plan's sizes are printed first ("powercut: plan 11 224"). With
 * `halt`, lane 0 powers the machine off (halt()) the moment its last step
 * returns, while lane 1 may still be writing: what returned must survive.
 * Otherwise the writer waits for lane 1 and prints "powercut: done".
 *
 * The rounds run on a nearly full disk: before the lanes start, the
 * writer fills all of it but PC_ROOM bytes (/pc_fill, made by the first
 * round and kept), so nearly every block a round takes was freed a moment before,
 * by its own unlinks or the removal of the last round: the case where a
 * block freed in a group must take no data before the group commits.
 * Any failing call is an ERROR: PC_ROOM holds a round's files with room
 * to spare (each round first removes the previous ones), and no call
 * should fail.
 */
// test: helper
#include <lib/test.h>
#include "powercut.h"
#include <lib/string-ext.h>
#include <lib/file-ext.h>

#define BUF_BYTES (200 * 1024)
#define PC_ROOM (8 * 1024 * 1024)       /* left free: a round takes under 6 MiB at most */

static uint8_t buf[BUF_BYTES];
static struct pc_step plan[PC_MAX_STEPS];

/* Write sizes cycle through these: block-sized, odd, tiny, large. */
static const size_t write_sizes[] = { 65536 + 123, 4096, 1, 13000, BUF_BYTES, 777, 40960 };

static void write_pattern(int fd, uint32_t key, size_t from, size_t to, const char *path)
{
    size_t i = 0;
    for (size_t off = from; off < to; i++) {
        size_t n = write_sizes[i % (sizeof(write_sizes) / sizeof(write_sizes[0]))];
        if (n > to - off)
            n = to - off;
        pc_fill(key, off, buf, n);
        ssize_t got = write(fd, buf, n);
        if (got != (ssize_t)n)
            error("write(%s, %d bytes at %d) = %d", path, (int)n, (int)off, (int)got);
        off += n;
    }
}

/* Removes the tree at path (a directory, or a file). */
static void remove_tree(const char *path)
{
    struct stat st;
    int fd = pc_open_stat(path, &st);
    if (st.ftype != FTYPE_DIR) {
        close(fd);
        int err = unlink(path);
        if (err != ERR_OK)
            error("unlink(%s) = %d", path, err);
        return;
    }
    /* Names first, removals after: the directory does not change under readdir. */
    char names[32][FNAME_LEN];
    struct dirent d;
    for (;;) {
        int n = 0;
        while (n < 32 && readdir(fd, &d) == ERR_OK)
            strcpy(names[n++], d.name);
        if (n == 0)
            break;
        for (int i = 0; i < n; i++) {
            char child[PC_PATH + FNAME_LEN];
            snprintf(child, sizeof(child), "%s/%s", path, names[i]);
            remove_tree(child);
        }
        close(fd);                     /* start over: entries moved under the offset */
        fd = open(path, FS_RDONLY, EMPTY_MODE);
        if (fd < 0)
            error("open(%s) = %d", path, fd);
    }
    close(fd);
    int err = rmdir(path);
    if (err != ERR_OK)
        error("rmdir(%s) = %d", path, err);
}

static void remove_old_rounds(void)
{
    int fd = open("/", FS_RDONLY, EMPTY_MODE);
    struct dirent d;
    char path[PC_PATH];
    bool found;
    do {
        found = false;
        while (readdir(fd, &d) == ERR_OK) {
            if (pc_is_round_dir(d.name)) {
                snprintf(path, sizeof(path), "/%s", d.name);
                found = true;
                break;
            }
        }
        close(fd);
        if (found)
            remove_tree(path);
        fd = open("/", FS_RDONLY, EMPTY_MODE);
    } while (found);
    close(fd);
}

/* Removes path; it need not be there. */
static void unlink_if_there(const char *path)
{
    int err = unlink(path);
    if (err != ERR_OK && err != ERR_NOTEXIST)
        error("unlink(%s) = %d", path, err);
}

/* True if path names something. */
static bool exists(const char *path)
{
    int fd = open(path, FS_RDONLY, EMPTY_MODE);
    if (fd >= 0)
        close(fd);
    return fd >= 0;
}

/* Fills the disk but for PC_ROOM bytes, once: /pc_room takes them,
 * /pc_fill grows until the disk is full, /pc_room goes. A cut in the
 * middle leaves /pc_room (made first, removed last), and the next round
 * does it again. */
static void leave_room(void)
{
    if (exists("/pc_fill") && !exists("/pc_room"))
        return;                        /* done in an earlier round */
    unlink_if_there("/pc_room");
    int fd = open("/pc_room", FS_WRONLY | FS_CREAT, EMPTY_MODE);
    if (fd < 0)
        error("open(/pc_room, create) = %d", fd);
    for (size_t done = 0; done < PC_ROOM; done += BUF_BYTES)
        if (write(fd, buf, BUF_BYTES) != BUF_BYTES)
            error("write(/pc_room) failed after %d bytes", (int)done);
    close(fd);
    if ((fd = open("/pc_fill", FS_WRONLY | FS_CREAT | FS_APPEND, EMPTY_MODE)) < 0)
        error("open(/pc_fill, create) = %d", fd);
    ssize_t w;
    while ((w = write(fd, buf, BUF_BYTES)) > 0)
        ;
    if (w != ERR_NORES)
        error("write(/pc_fill) = %d, not ERR_NORES", (int)w);
    close(fd);
    unlink_if_there("/pc_room");
}

static int log_fd = -1;                /* lane 1's log, open from its first append */
static int held_fd = -1;               /* a file unlinked while open (hold) */

static void do_step(const struct pc_step *s)
{
    int fd, err;
    switch (s->kind) {
    case PC_REMOVE_OLD:
        remove_old_rounds();
        break;
    case PC_MKDIR:
        if ((err = mkdir(s->path)) != ERR_OK)
            error("mkdir(%s) = %d", s->path, err);
        break;
    case PC_WRITE:
        fd = open(s->path, FS_WRONLY | FS_CREAT, EMPTY_MODE);
        if (fd < 0)
            error("open(%s, create) = %d", s->path, fd);
        write_pattern(fd, s->key, 0, s->size, s->path);
        close(fd);
        break;
    case PC_UNLINK:
        if (s->hold && (held_fd = open(s->path, FS_RDONLY, EMPTY_MODE)) < 0)
            error("open(%s) = %d", s->path, held_fd);
        if ((err = unlink(s->path)) != ERR_OK)
            error("unlink(%s) = %d", s->path, err);
        break;
    case PC_APPEND:
        if (log_fd < 0 && (log_fd = open(s->path, FS_WRONLY | FS_CREAT, EMPTY_MODE)) < 0)
            error("open(%s, create) = %d", s->path, log_fd);
        write_pattern(log_fd, s->key, s->before, s->size, s->path);
        break;
    }
}

static void run_lane(int lane, int from, int to)
{
    for (int k = from; k < to; k++) {
        do_step(&plan[k]);
        if (k > 0 && plan[k - 1].hold) {
            close(held_fd);            /* the orphan goes now */
            held_fd = -1;
        }
        printf("powercut: lane %d step %d\n", lane, k);
    }
}

int main(int argc, char **argv)
{
    if (argc < 2 || atoi(argv[1]) <= 0)
        error("usage: powercut_writer ROUND [halt]");
    int round = atoi(argv[1]);
    bool halt_at_end = argc > 2 && strcmp(argv[2], "halt") == 0;
    int n0 = pc_plan(round, 0, plan);
    static struct pc_step plan1[PC_MAX_STEPS];
    int n1 = pc_plan(round, 1, plan1);
    printf("powercut: plan %d %d\n", n0, n1);

    /* Steps 0-1 of lane 0 (clear old rounds, make /pcR) come first: lane 1
     * works inside /pcR. Then the disk is filled but for PC_ROOM. */
    run_lane(0, 0, 2);
    leave_room();
    int pid = fork();
    if (pid < 0)
        error("fork = %d", pid);
    if (pid == 0) {
        memcpy(plan, plan1, sizeof(plan));
        run_lane(1, 0, n1);
        exit(0);
    }
    run_lane(0, 2, n0);
    if (halt_at_end) {
        printf("powercut: halting\n");
        halt();
    }
    int status;
    if (wait(pid, &status) != pid || status != 0)
        error("lane 1 failed (status %d)", status);
    printf("powercut: done\n");
    return 0;
}
