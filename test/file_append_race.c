/*
 * file_append_race: writes through separate FS_APPEND opens of one file,
 * made at the same moment by processes on different harts, all land:
 * none overwrites another. Each of WRITERS children opens the file itself
 * (an open file of its own, so nothing but the inode orders them) and
 * appends RECORDS records of its own, tagged with its number and the
 * record's; two of them write records of one block and more, so a write
 * spans several blocks and takes a while. The file must end exactly as
 * long as every record together, and hold each record whole, once.
 * Before the fix, an appender read the file's end and then wrote there
 * with nothing held in between, so two appenders could both write at the
 * same end: records were lost, though every write() had returned their
 * length (the shell's `>>` from two jobs at once).
 */
// test: timeout=60
#include "testlib.h"
#include <lib/file-ext.h>

#define F "/append_race"
#define WRITERS 3
#define RECORDS 60

/* Writer w's record size: 100 bytes, or a block and more. */
static size_t record_size(int w)
{
    return w == 0 ? 100 : 4096 + 300 * w;
}

/* Record r of writer w: its tag ('a' + w, then r as two bytes), then
 * bytes any other record of its own size could tell it from. */
static void make_record(unsigned char *buf, int w, int r)
{
    size_t n = record_size(w);
    buf[0] = 'a' + w;
    buf[1] = r / 256;
    buf[2] = r % 256;
    for (size_t i = 3; i < n; i++)
        buf[i] = (unsigned char)(w * 31 + r * 7 + i);
}

static void writer(int w)
{
    static unsigned char buf[8192];
    int fd = open_ok(F, FS_WRONLY | FS_APPEND);
    for (int r = 0; r < RECORDS; r++) {
        make_record(buf, w, r);
        ssize_t n = write(fd, buf, record_size(w));
        if (n != (ssize_t)record_size(w))
            error("writer %d: write of record %d = %ld", w, r, (long)n);
    }
    expect(close(fd), ERR_OK);
    exit(0);
}

int main(void)
{
    remove_file(F);
    int fd = open_ok(F, FS_RDWR | FS_CREAT);
    expect(close(fd), ERR_OK);
    int pids[WRITERS];
    for (int w = 0; w < WRITERS; w++)
        pids[w] = fork_worker(writer, w);
    for (int w = 0; w < WRITERS; w++)
        expect_exit(pids[w], 0);

    size_t total = 0;
    for (int w = 0; w < WRITERS; w++)
        total += RECORDS * record_size(w);
    struct stat st = stat_of(F);
    if (st.size != total)
        error("the file is %ld bytes, not %ld: appends overwrote each other", (long)st.size,
              (long)total);

    /* Each record whole, once, and each writer's in its own order. */
    static unsigned char got[8192], want[8192];
    int next[WRITERS] = { 0 };
    fd = open_ok(F, FS_RDONLY);
    for (size_t off = 0; off < total;) {
        expect(read_all(fd, got, 3), 3);
        int w = got[0] - 'a', r = got[1] * 256 + got[2];
        if (w < 0 || w >= WRITERS || r != next[w])
            error("at byte %ld: record %d of writer %d, expected a next record", (long)off, r, w);
        size_t n = record_size(w);
        expect(read_all(fd, got + 3, n - 3), n - 3);
        make_record(want, w, r);
        if (memcmp(got, want, n) != 0)
            error("at byte %ld: record %d of writer %d is not whole", (long)off, r, w);
        next[w]++;
        off += n;
    }
    expect(close(fd), ERR_OK);
    remove_file(F);
    pass("file_append_race: %d writers, %ld bytes, every record once", WRITERS, (long)total);
    return 0;
}
