/*
 * The reports of lib/test.h. Each is formatted whole (color, line number,
 * message, newline) into one buffer and written with one write(), so the
 * lines of processes reporting at once never interleave.
 */
#include <lib/test.h>
#include "format.h"

/* Reports and exits -1, so the test's parent (and the harness) sees the
 * failure in the exit status as well as in the output. */
void __test_error(int line, const char *fmt, ...)
{
    struct fmt_out o;
    va_list ap;
    va_start(ap, fmt);
    __fmt_to_fd(&o, 1);
    __fmt_args(&o, ANSI_COLOR_RED "ERROR: " ANSI_COLOR_RESET "(line %d) ", line);
    __fmt(&o, fmt, ap);
    __fmt_args(&o, "\n");
    __fmt_end(&o);
    va_end(ap);
    exit(-1);
}

/* The condition's text goes through %s, so a '%' in it prints as itself. */
void __test_assert_failed(int line, const char *cond)
{
    struct fmt_out o;
    __fmt_to_fd(&o, 1);
    __fmt_args(&o, ANSI_COLOR_RED "Assertion failed (line %d): %s" ANSI_COLOR_RESET "\n",
               line, cond);
    __fmt_end(&o);
    exit(-1);
}

/* A green "passed" line: the harness waits for it (or ERROR) to tell how a
 * test ended; a test may pass more than one part. */
void __test_pass(const char *fmt, ...)
{
    struct fmt_out o;
    va_list ap;
    va_start(ap, fmt);
    __fmt_to_fd(&o, 1);
    __fmt_args(&o, ANSI_COLOR_GREEN "passed " ANSI_COLOR_RESET);
    __fmt(&o, fmt, ap);
    __fmt_args(&o, "\n");
    __fmt_end(&o);
    va_end(ap);
}
