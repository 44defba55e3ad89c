/*
 * pipe_big: 1 MiB through pipes between processes, checked byte for byte.
 *
 * A child writes 1 MiB in odd-sized chunks (some larger than the pipe
 * buffer, so writes block and resume part way) with a pattern that depends
 * on each byte's position; the parent reads it in other odd sizes and
 * checks every byte, then end of file. Then the other direction (the child
 * checks), and then through a relay: writer -> relay -> parent over two
 * pipes, the relay reading and writing as it goes. A byte lost, repeated,
 * reordered or corrupted anywhere shows at its offset.
 */
// test: timeout=60
#include "testlib.h"
#include <lib/stddef.h>

#define TOTAL (1024 * 1024)
#define BUF (20 * 1024)

static unsigned char buf[BUF];

static unsigned char pattern(size_t i)
{
    return (unsigned char)((i ^ (i >> 9) ^ (i >> 17)) * 131 + 7);
}

/* Writes TOTAL pattern bytes to fd in odd chunks; exits the process on failure. */
static void produce(int fd)
{
    static const size_t sizes[] = {1, 4095, 4097, 20 * 1024, 3, 8191, 777};
    size_t done = 0;
    for (int k = 0; done < TOTAL; k++) {
        size_t n = min(sizes[k % NELEM(sizes)], (size_t)TOTAL - done);
        for (size_t i = 0; i < n; i++)
            buf[i] = pattern(done + i);
        if (write(fd, buf, n) != (ssize_t)n)
            exit(10);
        done += n;
    }
}

/* Reads fd to its end in odd chunks and checks it is exactly the TOTAL
 * pattern bytes. Returns the first bad offset + 1, or 0 if all is well. */
static long consume(int fd)
{
    static const size_t sizes[] = {BUF, 13, 4096, 6000, 1};
    size_t done = 0;
    for (int k = 0;; k++) {
        ssize_t n = read(fd, buf, sizes[k % NELEM(sizes)]);
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        for (ssize_t i = 0; i < n; i++)
            if (done + i >= TOTAL || buf[i] != pattern(done + i))
                return done + i + 1;
        done += n;
    }
    return done == TOTAL ? 0 : (long)done + 1;
}

static void check_consumed(long r, const char *where)
{
    if (r == -1)
        error("%s: read failed", where);
    if (r != 0)
        error("%s: wrong or missing byte at offset %ld", where, r - 1);
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    int p[2], q[2];

    /* Child writes, parent reads. */
    expect(pipe(p), ERR_OK);
    int pid = fork();
    if (pid == 0) {
        close(p[0]);
        produce(p[1]);
        exit(0);
    }
    expect(close(p[1]), ERR_OK);
    check_consumed(consume(p[0]), "child to parent");
    expect_exit(pid, 0);
    expect(close(p[0]), ERR_OK);

    /* Parent writes, child reads. */
    expect(pipe(p), ERR_OK);
    pid = fork();
    if (pid == 0) {
        close(p[1]);
        exit(consume(p[0]) == 0 ? 0 : 1);
    }
    expect(close(p[0]), ERR_OK);
    produce(p[1]);
    expect(close(p[1]), ERR_OK);                 /* the child's end of file */
    expect_exit(pid, 0);                         /* 1: the child found a bad byte */

    /* Writer -> relay -> parent. */
    expect(pipe(p), ERR_OK);
    expect(pipe(q), ERR_OK);
    int writer = fork();
    if (writer == 0) {
        close(p[0]);
        close(q[0]);
        close(q[1]);
        produce(p[1]);
        exit(0);
    }
    int relay = fork();
    if (relay == 0) {
        close(p[1]);
        close(q[0]);
        ssize_t n;
        while ((n = read(p[0], buf, 3000)) > 0)
            if (write(q[1], buf, n) != n)
                exit(1);
        exit(n == 0 ? 0 : 2);
    }
    expect(close(p[0]), ERR_OK);
    expect(close(p[1]), ERR_OK);
    expect(close(q[1]), ERR_OK);
    check_consumed(consume(q[0]), "through the relay");
    expect(close(q[0]), ERR_OK);
    expect_exit(writer, 0);
    expect_exit(relay, 0);

    pass("pipe_big: 3 x %d bytes", TOTAL);
    return 0;
}
