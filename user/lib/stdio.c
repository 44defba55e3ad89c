/*
 * osv's line input and raw output on the console fds (lib/stdio.h).
 * The kernel console echoes and edits the line; gets only collects it.
 */
#include <lib/stdio.h>
#include <lib/usyscall.h>

/* A byte per read(), so no byte past the line's end is taken from fd 0,
 * which a child may read next. Contract in lib/stdio.h. */
char *gets(char *buf, int max)
{
    int i = 0;
    char c;

    if (max <= 0)
        return buf;
    while (i < max - 1) {
        if (read(0, &c, 1) != 1)
            break;                      /* end of input or error */
        buf[i++] = c;                   /* the line's end too, as osv's gets */
        if (c == '\n' || c == '\r')
            break;
    }
    buf[i] = '\0';
    return buf;
}

/* osv's puts: a buffer and a length, no newline added. */
int puts(char *buf, int size)
{
    if (size < 0)
        return ERR_INVAL;
    return (int)write(1, buf, size);
}
