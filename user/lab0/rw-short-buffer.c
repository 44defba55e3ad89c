/*
 * rw-short-buffer: a read or write whose buffer is too short for its
 * count is ERR_FAULT before anything moves, as osv's check of the whole
 * buffer makes it (docs/api.md: "a buffer too short gives
 * ERR_FAULT"): no byte is written to the file, no byte of the file is
 * consumed, and the console shows nothing.
 *
 * It checks: write from a string literal, and from a small global array,
 * with a count that runs past every mapping (the program's segments are
 * mapped, the space above them is not); read into a small global array
 * with such a count, though the file has only 26 bytes; read into the
 * program's text, even at the end of the file; read into the last bytes
 * of the heap with a count one byte too long, and then exactly to the
 * end, which works; a count of 0 into the first byte past the heap
 * (ERR_FAULT, an unmapped buffer whatever the count) and into its last
 * byte (0). Afterwards the file is still empty and the offset of
 * smallfile has not moved.
 */
#include <lib/test.h>
#include <lib/string.h>

#define BIG (1 << 20)
#define PAGE 4096

static char small[16];

int
main(void)
{
    char buf[32];
    struct stat st;

    int out = open("/rw-short-buffer.out", FS_RDWR | FS_CREAT, EMPTY_MODE);
    if (out < 0)
        error("create /rw-short-buffer.out: %d", out);
    int r;
    if ((r = write(out, "short", BIG)) != ERR_FAULT)
        error("write of %d bytes from a 6-byte literal = %d, expected ERR_FAULT", BIG, r);
    if ((r = write(out, small, BIG)) != ERR_FAULT)
        error("write of %d bytes from a 16-byte array = %d, expected ERR_FAULT", BIG, r);
    if ((r = write(1, "short", BIG)) != ERR_FAULT)
        error("write to the console from a short literal = %d, expected ERR_FAULT", r);
    if (fstat(out, &st) != ERR_OK || st.size != 0)
        error("a refused write left %d bytes in the file", (int)st.size);
    close(out);
    if (unlink("/rw-short-buffer.out") != ERR_OK)
        error("unlink /rw-short-buffer.out");

    int fd = open("/smallfile", FS_RDONLY, EMPTY_MODE);
    if (fd < 0)
        error("open /smallfile: %d", fd);
    if ((r = read(fd, small, BIG)) != ERR_FAULT)
        error("read of %d bytes into a 16-byte array = %d, expected ERR_FAULT", BIG, r);
    if ((r = read(fd, (void *)main, 8)) != ERR_FAULT)
        error("read into the program's text = %d, expected ERR_FAULT", r);

    // Grow the heap to a page boundary and one page more: the byte at the
    // new break is the first one no region covers.
    char *end = sbrk(0);
    unsigned long slack = (PAGE - (unsigned long)end % PAGE) % PAGE;
    if (sbrk(slack + PAGE) == (void *)ERR_NOMEM)
        error("sbrk failed");
    end = sbrk(0);
    if ((r = read(fd, end - 26, 27)) != ERR_FAULT)
        error("read of 27 bytes into the last 26 of the heap = %d, expected ERR_FAULT", r);
    if ((r = read(fd, end - 26, 26)) != 26 || memcmp(end - 26, "aaaaaaaaaabbbbbbbbbbccccc\n", 26) != 0)
        error("read of smallfile into the last 26 bytes of the heap = %d", r);
    // A count of 0 moves nothing, but an unmapped buffer is still one.
    if ((r = read(fd, end, 0)) != ERR_FAULT)
        error("read of 0 bytes into the first byte past the heap = %d, expected ERR_FAULT", r);
    if ((r = write(1, end, 0)) != ERR_FAULT)
        error("write of 0 bytes from the first byte past the heap = %d, expected ERR_FAULT", r);
    if ((r = read(fd, end - 1, 0)) != 0)
        error("read of 0 bytes into the heap's last byte = %d, expected 0", r);
    // At the end of the file, a bad buffer is still a bad buffer.
    if ((r = read(fd, (void *)main, 8)) != ERR_FAULT)
        error("read into the text at the end of the file = %d, expected ERR_FAULT", r);
    if ((r = read(fd, buf, sizeof(buf))) != 0)
        error("read at the end of smallfile = %d", r);
    close(fd);

    pass("rw-short-buffer");
    exit(0);
}
