/*
 * gets-newline: gets reads one line from fd 0 and keeps the '\n' or '\r'
 * that ends it, as osv's does, then NUL-terminates; a line longer than the
 * buffer is cut at max - 1 bytes and the rest stays to be read; at the end
 * of input it returns what it read.
 *
 * fd 0 becomes a pipe holding the input, so nothing has to be typed.
 */
#include <lib/test.h>
#include <lib/string.h>

int
main(void)
{
    char buf[16];
    int p[2];
    if (pipe(p) != ERR_OK)
        error("pipe failed");
    const char *input = "one\ntwo\rlonger line\nlast";
    if (write(p[1], input, strlen(input)) != strlen(input))
        error("write into the pipe");
    close(p[1]);
    close(0);
    if (dup(p[0]) != 0)
        error("dup did not put the pipe on fd 0");
    close(p[0]);

    if (strcmp(gets(buf, sizeof(buf)), "one\n") != 0)
        error("first line: '%s', expected 'one\\n'", buf);
    if (strcmp(gets(buf, sizeof(buf)), "two\r") != 0)
        error("second line: '%s', expected 'two\\r'", buf);
    if (strcmp(gets(buf, 7), "longer") != 0)
        error("a cut line: '%s', expected 'longer'", buf);
    if (strcmp(gets(buf, sizeof(buf)), " line\n") != 0)
        error("the rest of a cut line: '%s', expected ' line\\n'", buf);
    if (strcmp(gets(buf, sizeof(buf)), "last") != 0)
        error("the last line, without a newline: '%s'", buf);
    if (strcmp(gets(buf, sizeof(buf)), "") != 0)
        error("at the end of input: '%s', expected ''", buf);

    pass("gets-newline");
    exit(0);
}
