/*
 * pipe_writers: several processes writing (and reading) one pipe at once,
 * on all harts, lose and duplicate no byte.
 *
 * Part 1: four writer processes each send 150 tagged records of 16 to 4096
 * bytes (at most a page, the smallest pipe buffer the contract allows, so
 * each write lands whole: no other writer's bytes inside it) to one
 * reader. The reader parses the stream: every record must be whole, each
 * writer's sequence numbers must come in order with none missing or
 * repeated, and every payload byte must be the one its writer put there.
 *
 * Part 2: three writers and three readers on one pipe; writes of up to
 * 9000 bytes (split by the kernel as it likes). A reader cannot know where
 * a byte came from, so each counts the byte values it got and sends its
 * 256 counts to the parent, which adds them up and compares them with the
 * counts of what the writers sent: a lost or duplicated byte changes one.
 */
// test: timeout=90
#include "testlib.h"
#include <lib/stddef.h>

#define WRITERS 4
#define RECORDS 150
#define MAXREC 4096
#define HDR 6
#define MAGIC 0xA5

#define BYTES_PER_WRITER (300 * 1024)
#define NREADERS 3
#define NWRITERS2 3

static unsigned char buf[2 * MAXREC + 9000];

/* ------------------------------------------------------------ part 1 */

static int record_len(int w, int seq)
{
    return 16 + (seq * 997 + w * 131) % (MAXREC - 16 + 1);
}

static unsigned char payload(int w, int seq, int j)
{
    return (unsigned char)(w * 37 + seq * 11 + j);
}

/* A record: MAGIC, writer, seq (2 bytes), length (2 bytes), payload. */
static void writer1(int fd, int w)
{
    for (int seq = 0; seq < RECORDS; seq++) {
        int len = record_len(w, seq);
        buf[0] = MAGIC;
        buf[1] = (unsigned char)w;
        buf[2] = seq & 0xff;
        buf[3] = seq >> 8;
        buf[4] = len & 0xff;
        buf[5] = len >> 8;
        for (int j = HDR; j < len; j++)
            buf[j] = payload(w, seq, j);
        if (write(fd, buf, len) != len)
            exit(1);
    }
    exit(0);
}

static void part1(void)
{
    int p[2], pids[WRITERS], next[WRITERS] = {0};
    expect(pipe(p), ERR_OK);
    for (int w = 0; w < WRITERS; w++) {
        pids[w] = fork();
        assert(pids[w] >= 0);
        if (pids[w] == 0) {
            close(p[0]);
            writer1(p[1], w);
        }
    }
    expect(close(p[1]), ERR_OK);

    size_t have = 0, offset = 0;      /* bytes in buf; stream offset of buf[0] */
    int records = 0;
    for (;;) {
        ssize_t n = read(p[0], buf + have, sizeof(buf) - have);
        if (n < 0)
            error("read = %ld", (long)n);
        if (n == 0)
            break;
        have += n;
        size_t at = 0;                /* parse every whole record in buf */
        while (have - at >= HDR) {
            unsigned char *r = buf + at;
            int w = r[1], seq = r[2] | r[3] << 8, len = r[4] | r[5] << 8;
            if (r[0] != MAGIC || w >= WRITERS)
                error("no record starts at stream offset %d (a record was cut or mixed)",
                      (int)(offset + at));
            if (seq != next[w])
                error("writer %d: record %d came where %d was due", w, seq, next[w]);
            if (len != record_len(w, seq))
                error("writer %d record %d: length %d, expected %d", w, seq, len,
                      record_len(w, seq));
            if (have - at < (size_t)len)
                break;                /* the rest is still in the pipe */
            for (int j = HDR; j < len; j++)
                if (r[j] != payload(w, seq, j))
                    error("writer %d record %d: byte %d is wrong (another writer's "
                          "bytes inside a record?)", w, seq, j);
            next[w]++;
            records++;
            at += len;
        }
        memmove(buf, buf + at, have - at);
        have -= at;
        offset += at;
    }
    if (have != 0)
        error("%d bytes of a cut record at the end", (int)have);
    for (int w = 0; w < WRITERS; w++)
        if (next[w] != RECORDS)
            error("writer %d: %d records arrived, expected %d", w, next[w], RECORDS);
    expect(close(p[0]), ERR_OK);
    for (int w = 0; w < WRITERS; w++)
        expect_exit(pids[w], 0);
    printf("pipe_writers: part 1: %d records, %d bytes\n", records, (int)offset);
}

/* ------------------------------------------------------------ part 2 */

static unsigned char value2(int w, size_t i)
{
    return (unsigned char)((i * (2 * w + 3)) ^ (i >> 7) ^ (w << 5));
}

static void writer2(int fd, int w)
{
    static const size_t sizes[] = {9000, 1, 4096, 333, 5000};
    size_t done = 0;
    for (int k = 0; done < BYTES_PER_WRITER; k++) {
        size_t n = min(sizes[(k + w) % NELEM(sizes)], (size_t)BYTES_PER_WRITER - done);
        for (size_t i = 0; i < n; i++)
            buf[i] = value2(w, done + i);
        if (write(fd, buf, n) != (ssize_t)n)
            exit(1);
        done += n;
    }
    exit(0);
}

static void reader2(int fd, int res, int r)
{
    static uint32_t counts[256];
    static const size_t sizes[] = {1, 4096, 777, 9000, 64};
    ssize_t n;
    for (int k = r;; k++) {
        n = read(fd, buf, sizes[k % NELEM(sizes)]);
        if (n <= 0)
            break;
        for (ssize_t i = 0; i < n; i++)
            counts[buf[i]]++;
    }
    /* 1 KiB: at most a page, so it arrives whole among the other readers'. */
    if (n < 0 || write(res, counts, sizeof(counts)) != sizeof(counts))
        exit(1);
    exit(0);
}

static void part2(void)
{
    int d[2], res[2], pids[NREADERS + NWRITERS2];
    static uint32_t want[256], got[256], one[256];
    expect(pipe(d), ERR_OK);
    expect(pipe(res), ERR_OK);
    for (int k = 0; k < NREADERS + NWRITERS2; k++) {
        pids[k] = fork();
        assert(pids[k] >= 0);
        if (pids[k] == 0) {
            close(res[0]);
            if (k < NREADERS) {
                close(d[1]);
                reader2(d[0], res[1], k);
            }
            close(d[0]);
            close(res[1]);
            writer2(d[1], k - NREADERS);
        }
    }
    expect(close(d[0]), ERR_OK);
    expect(close(d[1]), ERR_OK);
    expect(close(res[1]), ERR_OK);
    for (int w = 0; w < NWRITERS2; w++)
        for (size_t i = 0; i < BYTES_PER_WRITER; i++)
            want[value2(w, i)]++;
    for (int r = 0; r < NREADERS; r++) {
        expect(read_all(res[0], one, sizeof(one)), sizeof(one));
        for (int v = 0; v < 256; v++)
            got[v] += one[v];
    }
    expect(read(res[0], one, 1), 0);
    expect(close(res[0]), ERR_OK);
    for (int k = 0; k < NREADERS + NWRITERS2; k++) {
        int status;
        expect(wait(pids[k], &status), pids[k]);
        if (status != 0)
            error("%s %d exited with %d", k < NREADERS ? "reader" : "writer",
                  k < NREADERS ? k : k - NREADERS, status);
    }
    long total = 0;
    for (int v = 0; v < 256; v++) {
        if (got[v] != want[v])
            error("byte value %d arrived %d times, sent %d times", v, (int)got[v],
                  (int)want[v]);
        total += got[v];
    }
    printf("pipe_writers: part 2: %ld bytes through %d readers\n", total, NREADERS);
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    part1();
    part2();
    expect(wait(-1, NULL), ERR_CHILD);
    pass("pipe_writers");
    return 0;
}
