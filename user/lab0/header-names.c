/*
 * header-names: osv's headers define osv's names and no others.
 *
 * This program includes every osv header but lib/stddef.h (whose own
 * names, min, True, False and NELEM, are defined here instead; see
 * header-types for it), then defines its own versions of names that
 * osv-rv has but osv does not: C library functions, osv-rv's system
 * calls, macros and variables osv programs are known to use. Each is
 * defined in a way that a leaked definition would break: a function with
 * another signature, or a function or enum where a leaked macro would
 * expand to nonsense. So this file compiling at all (with -Wall -Werror)
 * is most of the test.
 *
 * Running it shows the link side: the program's own strcat, atoi,
 * snprintf, shm_create, futex and mmap are the ones it gets, next to the
 * library's printf, string functions and system calls, and osv's
 * createSharedRegion/map/unmap still reach the kernel rather than the
 * program's shm_create.
 */
#include <lib/usyscall.h>
#include <lib/stdio.h>
#include <lib/string.h>
#include <lib/test.h>
#include <lib/malloc.h>
#include <lib/errcode.h>
#include <lib/stdarg.h>
#include <lib/bits.h>
#include <lib/syscall-num.h>

/* lib/stddef.h's names, which usyscall.h must not bring. */
static int min(int a, int b) { return a < b ? b : a; }      /* (the larger: our meaning) */
static int max(int a, int b) { return a > b ? a : b; }
static const int True = 2;
static const int False = 3;
static int NELEM(int n) { return n * 10; }

/* bool is osv's, but true and false are not. */
enum answer { false = 7, true = 8 };

/* Variables osv programs are known to declare. */
int errno;
static const long PG_SIZE = 8192;

/* C library functions osv does not have, with other meanings. */
static int strcat_calls;
int strcat(int a, int b) { strcat_calls++; return a + b; }
int strrchr(void) { return 11; }
long atoi(long x) { return -x; }
int snprintf(int x) { return x * 2; }
int fdprintf(const char *s) { return (int)strlen(s); }

/* osv-rv's system calls and constants, with other meanings. */
static int own_shm_create_calls;
int shm_create(void) { own_shm_create_calls++; return 99; }
int shm_map(int a) { return a; }
long futex(long x) { return x + 1; }
char *mmap(void) { return "mine"; }
int munmap(int a) { return a; }
int fork_copy(int a) { return a; }
int syscount(void) { return 12; }
int mutex_lock(int a) { return a; }
static const int USER_TOP = 5;
static const int SHM_READ = 6;
static const int MAP_SHARED = 7;
static const int FUTEX_WAIT = 8;
static const int SYS_shm_create = 9;
static const int ANSI_COLOR_YELLOW = 10;

/* osv's shared regions still work, and do not call our shm_create. */
static void regions_still_work(void)
{
    char *view = NULL;
    assert(createSharedRegion("header-names", 1, RS_DEFAULT) == ERR_OK);
    assert(map("header-names", (void **)&view) == ERR_OK);
    view[0] = 'x';
    assert(view[0] == 'x');
    assert(unmap("header-names", view) == ERR_OK);
    assert(destroySharedRegion("header-names") == ERR_OK);
    assert(own_shm_create_calls == 0);
}

int main(int argc, char **argv)
{
    /* Ours, with our meanings. */
    assert(min(1, 2) == 2 && max(1, 2) == 2 && True == 2 && False == 3);
    assert(NELEM(4) == 40);
    assert(false == 7 && true == 8);
    errno = 5;
    assert(errno == 5 && PG_SIZE == 8192);
    assert(strcat(2, 3) == 5 && strcat_calls == 1);
    assert(strrchr() == 11 && atoi(4) == -4 && snprintf(21) == 42);
    assert(fdprintf("abc") == 3);
    assert(shm_create() == 99 && own_shm_create_calls == 1);
    own_shm_create_calls = 0;
    assert(shm_map(3) == 3 && futex(1) == 2 && mmap()[0] == 'm');
    assert(munmap(4) == 4 && fork_copy(5) == 5 && syscount() == 12);
    assert(mutex_lock(6) == 6);
    assert(USER_TOP + SHM_READ + MAP_SHARED + FUTEX_WAIT + SYS_shm_create +
           ANSI_COLOR_YELLOW == 45);

    /* osv's, next to them. */
    char buf[16];
    strcpy(buf, "osv");
    assert(strlen(buf) == 3 && strcmp(buf, "osv") == 0);
    int pid = fork();
    if (pid == 0)
        exit(argc);
    int status = 0;
    assert(wait(pid, &status) == pid && status == argc);
    char *p = malloc(32);
    assert(p != NULL);
    free(p);
    regions_still_work();
    (void)argv;

    pass("header-names");
    return 0;
}
