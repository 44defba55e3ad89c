/*
 * echo: prints its arguments separated by single spaces, then a newline,
 * in as few writes as the line allows.
 *
 * It exits with its argument count, as osv's echo does (docs/api.md): argc, the
 * count C's main receives, its own name included, so a plain `echo` exits
 * 1 and `echo a b` exits 3. "Argument count" is what argc stands for, and
 * osv's echo ends with exit(argc); the words after the name alone would be
 * argc - 1. The shell says nothing about a command's exit status.
 */
#include <lib/usyscall.h>
#include <lib/string.h>

static char line[512];
static int len;

/* Adds n bytes to the line, writing it out when full: one write for a
 * line that fits, so concurrent echoes do not interleave mid-line. */
static void emit(const char *s, int n)
{
    while (n-- > 0) {
        if (len == (int)sizeof(line)) {
            write(1, line, len);
            len = 0;
        }
        line[len++] = *s++;
    }
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        emit(argv[i], strlen(argv[i]));
        if (i + 1 < argc)
            emit(" ", 1);
    }
    emit("\n", 1);
    write(1, line, len);
    return argc;
}
