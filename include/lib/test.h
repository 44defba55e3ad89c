/*
 * Reporting for test programs: the console lines autograders read (API.md).
 *
 *   error(fmt, ...)  red "ERROR: ", "(line N) ", the message, newline; exit(-1)
 *   assert(cond)     red "Assertion failed (line N): cond", newline; exit(-1)
 *   pass(fmt, ...)   green "passed ", the message, newline
 *
 * As in osv, fmt must be a string literal: it is pasted into one printf
 * format, so each report is a single write and cannot interleave.
 */
#ifndef _LIB_TEST_H_
#define _LIB_TEST_H_

#include <lib/stdio.h>
#include <lib/usyscall.h>

#define error(fmt, ...)                                                      \
    do {                                                                     \
        printf(ANSI_COLOR_RED "ERROR: " ANSI_COLOR_RESET "(line %d) " fmt "\n", \
               __LINE__, ##__VA_ARGS__);                                     \
        exit(-1);                                                            \
    } while (0)

/* The condition's text goes through %s, so a '%' in it prints as itself. */
#define assert(cond)                                                         \
    do {                                                                     \
        if (!(cond)) {                                                       \
            printf(ANSI_COLOR_RED "Assertion failed (line %d): %s"           \
                   ANSI_COLOR_RESET "\n", __LINE__, #cond);                  \
            exit(-1);                                                        \
        }                                                                    \
    } while (0)

#define pass(fmt, ...)                                                       \
    do {                                                                     \
        printf(ANSI_COLOR_GREEN "passed " ANSI_COLOR_RESET fmt "\n",         \
               ##__VA_ARGS__);                                               \
    } while (0)

#endif /* _LIB_TEST_H_ */
