/*
 * powercut.h: the plan shared by powercut_writer, which carries it out and
 * reports each step, and powercut_check, which checks that what a power cut
 * left is a state the plan allows. The runner's powercut and durability
 * scenarios (test/run.py) drive both; neither is a test on its own.
 *
 * Round R of the plan works in /pcR, in two lanes that run at the same
 * time (two processes), each a list of steps done one after the other:
 *
 *   lane 0: remove every old /pcK tree (big files: truncation), mkdir /pcR
 *           and /pcR/big, then write eight files of 64 KiB to 1.5 MiB (7 MiB
 *           in all) in writes of odd sizes, unlink four big ones (one of
 *           them while it is open: an orphan until it is closed), write
 *           more into the blocks they freed;
 *   lane 1: mkdir /pcR/small, then 150 small files (the directory grows
 *           past one block), appends to a log file, subdirectories with a
 *           file each, and unlinks.
 *
 * After step k of lane L has returned, the writer prints
 * "powercut: lane L step k". Every file's contents are a pattern fixed by
 * its key (round, lane, id), so a block of the wrong file or offset, or
 * stale data, is caught.
 */
#ifndef _TEST_POWERCUT_H_
#define _TEST_POWERCUT_H_

#include <lib/stdio.h>
#include <lib/string.h>
#include <lib/usyscall.h>
#include <lib/stdio-ext.h>
#include <stdbool.h>
#include <lib/test.h>

#define PC_LANES 2
#define PC_MAX_STEPS 256
#define PC_PATH 48
#define PC_SMALL_FILES 150
#define PC_LOG_ID 999

enum pc_kind {
    PC_REMOVE_OLD,      /* remove every /pcK tree */
    PC_MKDIR,           /* mkdir path */
    PC_WRITE,           /* create path, write size bytes of its pattern, close */
    PC_UNLINK,          /* unlink path (a file written by an earlier step); with
                           hold, the writer keeps it open until the next step
                           is done, so the disk has an orphan meanwhile */
    PC_APPEND,          /* the log at path grows from `before` to `size` bytes */
};

struct pc_step {
    int kind;
    char path[PC_PATH];
    uint32_t key;       /* pattern of the file (WRITE, APPEND) */
    size_t size;        /* WRITE: the file's size; APPEND: the log's size after */
    size_t before;      /* APPEND: the log's size before */
    bool hold;          /* UNLINK: keep the file open over the next step */
};

/* The pattern key of file id of lane in round. */
/* Opens path read-only and fstats it into *st; returns the fd (the test
 * fails if either call does). */
static inline int pc_open_stat(const char *path, struct stat *st)
{
    int fd = open(path, FS_RDONLY, EMPTY_MODE);
    if (fd < 0)
        error("open(%s) = %d", path, fd);
    if (fstat(fd, st) != ERR_OK)
        error("fstat(%s)", path);
    return fd;
}

static inline uint32_t pc_key(int round, int lane, int id)
{
    return ((uint32_t)round << 16) | ((uint32_t)lane << 12) | (uint32_t)id;
}

static inline uint32_t pc_mix(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x7feb352dU;
    x ^= x >> 15;
    x *= 0x846ca68bU;
    x ^= x >> 16;
    return x;
}

/* Fills buf with the n bytes at offset off of the file with key key. */
static inline void pc_fill(uint32_t key, uint64_t off, uint8_t *buf, size_t n)
{
    uint32_t seed = pc_mix(key + 0x9e3779b9U);
    uint32_t word = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t o = off + i;
        if (i == 0 || (o & 3) == 0)
            word = pc_mix(seed ^ (uint32_t)(o >> 2));
        buf[i] = (uint8_t)(word >> (8 * (o & 3)));
    }
}

static inline struct pc_step *pc_add(struct pc_step *plan, int *n, int kind, size_t size)
{
    struct pc_step *s = &plan[(*n)++];
    memset(s, 0, sizeof(*s));
    s->kind = kind;
    s->size = size;
    return s;
}

/* Fills plan with the steps of lane in round; returns how many. */
static inline int pc_plan(int round, int lane, struct pc_step *plan)
{
    int n = 0;
    struct pc_step *s;
    if (lane == 0) {
        static const size_t big[] = { 1536 * 1024 + 123, 700 * 1024 + 4095, 1024 * 1024 + 1,
                                      300 * 1024 + 77, 1280 * 1024 + 999, 64 * 1024,
                                      900 * 1024 + 5, 1100 * 1024 + 4096 };
        pc_add(plan, &n, PC_REMOVE_OLD, 0);
        s = pc_add(plan, &n, PC_MKDIR, 0);
        snprintf(s->path, PC_PATH, "/pc%d", round);
        s = pc_add(plan, &n, PC_MKDIR, 0);
        snprintf(s->path, PC_PATH, "/pc%d/big", round);
        /* b0..b3, then unlink b0, write b4 (into b0's blocks), unlink b2,
         * write b5 and b6, unlink b1, write b7, unlink b4. */
        static const int order[] = { 0, 1, 2, 3, -1, 4, -3, 5, 6, -2, 7, -5 };
        for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
            int id = order[i] < 0 ? -order[i] - 1 : order[i];
            s = pc_add(plan, &n, order[i] < 0 ? PC_UNLINK : PC_WRITE,
                       big[id] + (size_t)(round * 4099 % 8192));
            snprintf(s->path, PC_PATH, "/pc%d/big/b%d", round, id);
            s->key = pc_key(round, lane, id);
            s->hold = order[i] == -2;
        }
        return n;
    }
    s = pc_add(plan, &n, PC_MKDIR, 0);
    snprintf(s->path, PC_PATH, "/pc%d/small", round);
    size_t log = 0;
    for (int j = 0; j < PC_SMALL_FILES; j++) {
        s = pc_add(plan, &n, PC_WRITE, 1 + (size_t)((j * 373 + round * 101) % 6000));
        snprintf(s->path, PC_PATH, "/pc%d/small/s%d", round, j);
        s->key = pc_key(round, lane, j);
        if (j % 10 == 9) {
            s = pc_add(plan, &n, PC_APPEND, log + 500 + (size_t)(j * 53 % 5000));
            snprintf(s->path, PC_PATH, "/pc%d/small/log", round);
            s->key = pc_key(round, lane, PC_LOG_ID);
            s->before = log;
            log = s->size;
        }
        if (j % 25 == 24) {
            s = pc_add(plan, &n, PC_MKDIR, 0);
            snprintf(s->path, PC_PATH, "/pc%d/small/d%d", round, j);
            s = pc_add(plan, &n, PC_WRITE, 5000 + (size_t)j);
            snprintf(s->path, PC_PATH, "/pc%d/small/d%d/f", round, j);
            s->key = pc_key(round, lane, 1000 + j);
        }
        if (j % 7 == 6) {
            s = pc_add(plan, &n, PC_UNLINK, 0);
            snprintf(s->path, PC_PATH, "/pc%d/small/s%d", round, j - 4);
        }
    }
    return n;
}

/*
 * The pattern key and planned size of the file at path, a file of some
 * round's plan; false if the plan has no such file.
 */
static inline bool pc_file_of(const char *path, uint32_t *key, size_t *size)
{
    int round = 0;
    if (strncmp(path, "/pc", 3) != 0)
        return false;
    for (const char *p = path + 3; *p >= '0' && *p <= '9'; p++)
        round = round * 10 + (*p - '0');
    static struct pc_step plan[PC_MAX_STEPS];
    for (int lane = 0; lane < PC_LANES; lane++) {
        int n = pc_plan(round, lane, plan);
        for (int i = 0; i < n; i++) {
            if ((plan[i].kind == PC_WRITE || plan[i].kind == PC_APPEND) &&
                strcmp(plan[i].path, path) == 0) {
                *key = plan[i].key;
                *size = plan[i].size;
                if (plan[i].kind == PC_APPEND) {
                    for (int k = i + 1; k < n; k++)   /* the log's final size */
                        if (plan[k].kind == PC_APPEND)
                            *size = plan[k].size;
                }
                return true;
            }
        }
    }
    return false;
}

/* True for a name "pcK" (K decimal digits): a round's directory. */
static inline bool pc_is_round_dir(const char *name)
{
    if (strncmp(name, "pc", 2) != 0 || name[2] == '\0')
        return false;
    for (const char *p = name + 2; *p != '\0'; p++)
        if (*p < '0' || *p > '9')
            return false;
    return true;
}

#endif /* _TEST_POWERCUT_H_ */
