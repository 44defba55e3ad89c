/*
 * osv's reporting for test programs: the console lines autograders read
 * (docs/api.md). Each report is one write() (user/lib/test.c), so reports of
 * several processes never interleave mid-line.
 *
 *   error(fmt, ...)  red "ERROR: ", "(line N) ", the message, newline; exit(-1)
 *   assert(cond)     red "Assertion failed (line N): cond", newline; exit(-1)
 *   pass(fmt, ...)   green "passed ", the message, newline
 *
 * fmt is a printf format (lib/stdio.h) and need not be a literal:
 * error(buf) and pass(msg, x) with a char *msg work. As with printf, no
 * format attribute: a mismatched format compiles as it did on osv.
 */
#ifndef _LIB_TEST_H_
#define _LIB_TEST_H_

#include <lib/stdio.h>
#include <lib/usyscall.h>

#define error(...) __test_error(__LINE__, __VA_ARGS__)
#define assert(cond)                                                         \
    do {                                                                     \
        if (!(cond))                                                         \
            __test_assert_failed(__LINE__, #cond);                           \
    } while (0)
#define pass(...) __test_pass(__VA_ARGS__)

/* The library's halves of the macros above (reserved names: no program's collide). */
void __test_error(int line, const char *fmt, ...) __attribute__((noreturn));
void __test_assert_failed(int line, const char *cond) __attribute__((noreturn));
void __test_pass(const char *fmt, ...);

#endif /* _LIB_TEST_H_ */
