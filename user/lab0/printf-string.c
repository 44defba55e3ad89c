/*
 * printf-string: lib/stdio.h's printf and puts, and lib/string.h's
 * functions, give exactly what docs/api.md says, byte for byte, as a
 * lab program compiled with osv's flags sees them: printf's conversions
 * %d %i %u %x %X %o %p %s %c %% (%s of NULL too), the l, ll, z, j, t, h and hh lengths,
 * field widths with the flags '-', '0', '+', ' ' and '#', conversions it
 * does not know printed as written without upsetting the arguments after
 * them, a line longer than printf's buffer; puts
 * writing exactly its size bytes (NULs too); the string functions with
 * their C meanings (strncpy's padding and missing terminator, memmove
 * both ways, the signs of the comparisons, strchr finding the terminator,
 * strtok_r).
 *
 * printf writes to fd 1, so fd 1 is put on a pipe for a moment and what
 * arrives there is compared with what C's printf would print.
 */
#include <lib/test.h>
#include <lib/string.h>

static int saved_stdout;
static int pipe_fds[2];

/* fd 1 goes to a fresh pipe. */
static void
capture(void)
{
    if (pipe(pipe_fds) != ERR_OK)
        error("pipe failed");
    close(1);
    if (dup(pipe_fds[1]) != 1)
        error("dup did not give fd 1");
    close(pipe_fds[1]);
}

/* fd 1 back on the console; what the pipe got must be want (n bytes). */
static void
expect(const char *want, int n, int line)
{
    char got[1024];
    close(1);
    if (dup(saved_stdout) != 1)
        error("dup did not give fd 1 back");
    int len = 0, r;
    while (len < sizeof(got) && (r = read(pipe_fds[0], got + len, sizeof(got) - len)) > 0)
        len += r;
    close(pipe_fds[0]);
    if (len != n || memcmp(got, want, n) != 0) {
        got[len < sizeof(got) ? len : sizeof(got) - 1] = '\0';
        error("check at line %d printed \"%s\" (%d bytes), expected \"%s\" (%d bytes)",
              line, got, len, want, n);
    }
}

#define EXPECT(want) expect(want, sizeof(want) - 1, __LINE__)

static void
formats(void)
{
    capture();
    printf("%d %i %u %d", -42, 7, 3000000000u, 0);
    EXPECT("-42 7 3000000000 0");

    capture();
    printf("%x %X %x %s %c%c %%", 0xbeef, 0xbeef, 0xffffffffu, "words", 'o', 'k');
    EXPECT("beef BEEF ffffffff words ok %");

    capture();
    printf("%p %p %s", (void *)0x12345, (void *)0x3ffffff000UL, (char *)NULL);
    EXPECT("0x12345 0x3ffffff000 (null)");

    capture();
    printf("%ld %lld %lu %llx %lX", -9000000000L, (long long)INT64_MIN,
           (unsigned long)UINT64_MAX, 0x123456789abcdefULL, 0xfedcba987UL);
    EXPECT("-9000000000 -9223372036854775808 18446744073709551615 123456789abcdef FEDCBA987");

    capture();
    printf("%zu %zd %zx", (size_t)4096, (ssize_t)-5, (size_t)SIZE_MAX);
    EXPECT("4096 -5 ffffffffffffffff");

    capture();
    printf("[%5d][%-5d][%05d][%05d][%3d]", 42, 42, 42, -42, 12345);
    EXPECT("[   42][42   ][00042][-0042][12345]");

    capture();
    printf("[%8s][%-8s][%3c][%08x][%016lx][%-4u]", "ab", "ab", 'z', 0xab, 0x1000UL, 7u);
    EXPECT("[      ab][ab      ][  z][000000ab][0000000000001000][7   ]");

    /* h and hh convert to short and char, as C's do: a signed char's
     * byte in hex is two digits, not eight. */
    capture();
    printf("%hhx %02hhX %hhd %hhu %hd %hu %hx", (char)0xab, (char)5, 300, -1, 70000, -1, 0x12345);
    EXPECT("ab 05 44 255 4464 65535 2345");

    /* The flags + (a sign always), space (a space for no sign) and #
     * (0x, 0X, a leading 0 for octal) and %o, as C's. */
    capture();
    printf("[%+d][%+d][% d][% +d][%+5d][%#x][%#X][%#o][%o][%#x][%#08x]", 7, -7, 7, 7, 42,
           255, 255, 8, 8, 0, 255);
    EXPECT("[+7][-7][ 7][+7][  +42][0xff][0XFF][010][10][0][0x0000ff]");

    /* A conversion printf does not know is printed as written and takes
     * no argument, so the ones after it print theirs; a floating one and
     * %n (neither done here) take theirs, a double and a pointer, and
     * print as written too; a '%' at the end prints itself. */
    capture();
    printf("[%q][%5q][%-y][%d][%f][%.2e][%g][%d][%n][%d][%l]100%", 41, 1.5, 2.5, 3.5, 42,
           (int *)NULL, 43);
    EXPECT("[%q][%5q][%-y][41][%f][%.2e][%g][42][%n][43][%l]100%");
    capture();
    printf("[%jd][%tx][%Lg][%d]", -9000000000L, 255L, (long double)1.5, 44);
    EXPECT("[-9000000000][ff][%Lg][44]");

    /* A line longer than printf's 256-byte buffer arrives whole. */
    char line[401];
    memset(line, 'q', 400);
    line[400] = '\0';
    capture();
    printf("<%s>\n", line);
    char want[403];
    want[0] = '<';
    memset(want + 1, 'q', 400);
    want[401] = '>';
    want[402] = '\n';
    expect(want, sizeof(want), __LINE__);
}

static void
puts_bytes(void)
{
    capture();
    puts("abc\0def", 7);            /* size bytes, NULs included */
    puts("xyz", 2);
    puts("never", 0);
    expect("abc\0defxy", 9, __LINE__);
}

static int
sign(int x)
{
    return x < 0 ? -1 : x > 0;
}

static void
strings(void)
{
    char buf[32];

    /* memset, memcpy, memmove (both ways), memcmp */
    assert(memset(buf, 'a', 10) == buf && buf[0] == 'a' && buf[9] == 'a');
    assert(memcpy(buf, "0123456789", 10) == buf && memcmp(buf, "0123456789", 10) == 0);
    assert(memmove(buf + 2, buf, 6) == buf + 2 && memcmp(buf, "0101234589", 10) == 0);
    memcpy(buf, "0123456789", 10);
    assert(memmove(buf, buf + 3, 7) == buf && memcmp(buf, "3456789789", 10) == 0);
    assert(memcmp("abc", "abd", 3) < 0 && memcmp("abd", "abc", 3) > 0);
    assert(memcmp("abc", "abd", 2) == 0);
    assert(memcmp("\x80", "\x01", 1) > 0);          /* bytes compare unsigned */

    /* strlen, strcpy, strncpy */
    assert(strlen("") == 0 && strlen("osv-rv") == 6);
    assert(strcpy(buf, "copy") == buf && strcmp(buf, "copy") == 0);
    memset(buf, 'x', sizeof(buf));
    assert(strncpy(buf, "ab", 5) == buf);
    assert(memcmp(buf, "ab\0\0\0x", 6) == 0);        /* padded with NULs to n */
    memset(buf, 'x', sizeof(buf));
    strncpy(buf, "abcdef", 3);
    assert(memcmp(buf, "abcx", 4) == 0);            /* no terminator when src is long */

    /* strcmp, strncmp */
    assert(strcmp("same", "same") == 0);
    assert(sign(strcmp("abc", "abd")) == -1 && sign(strcmp("abd", "abc")) == 1);
    assert(sign(strcmp("ab", "abc")) == -1 && sign(strcmp("abc", "ab")) == 1);
    assert(sign(strcmp("\x80", "a")) == 1);          /* unsigned chars */
    assert(strncmp("abcX", "abcY", 3) == 0 && sign(strncmp("abcX", "abcY", 4)) == -1);
    assert(strncmp("a", "b", 0) == 0);

    /* strchr */
    const char *s = "path/to/file";
    assert(strchr(s, '/') == s + 4 && strchr(s, 'e') == s + 11);
    assert(strchr(s, 'z') == NULL);
    assert(strchr(s, '\0') == s + 12);              /* the terminator is found */

    /* strtok_r */
    char text[] = "  one,two,, three ";
    char *save = NULL;
    char *tok = strtok_r(text, " ,", &save);
    assert(tok != NULL && strcmp(tok, "one") == 0);
    tok = strtok_r(NULL, " ,", &save);
    assert(tok != NULL && strcmp(tok, "two") == 0);
    tok = strtok_r(NULL, " ,", &save);
    assert(tok != NULL && strcmp(tok, "three") == 0);
    assert(strtok_r(NULL, " ,", &save) == NULL);
    char none[] = ",,,";
    assert(strtok_r(none, ",", &save) == NULL);
}

int
main(void)
{
    saved_stdout = dup(1);
    if (saved_stdout < 0)
        error("dup(1) = %d", saved_stdout);
    formats();
    puts_bytes();
    strings();
    close(saved_stdout);
    pass("printf-string");
    exit(0);
}
