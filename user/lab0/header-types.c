/*
 * header-types: every type, constant and helper osv's headers give a
 * program has osv's meaning (docs/api.md's list): the sizes and signedness of
 * the integer types (offset_t is unsigned), the limit macros, NULL as
 * plain 0, bool, lib/stddef.h's helpers, lib/bits.h's state bits,
 * variable arguments, the constants and structs of lib/usyscall.h (every
 * error code and call number, the structs' layouts), and
 * lib/test.h's exact report lines, with a format that is not a literal.
 *
 * It includes every osv header, lib/stddef.h too, and still defines its
 * own max, true, false and strcat: lib/stddef.h brings only its own names.
 */
#include <lib/usyscall.h>
#include <lib/stdio.h>
#include <lib/string.h>
#include <lib/stddef.h>
#include <lib/test.h>
#include <lib/malloc.h>
#include <lib/errcode.h>
#include <lib/stdarg.h>
#include <lib/bits.h>
#include <lib/syscall-num.h>
#include <arch/types.h>
#include <kernel/types.h>

static int max(int a, int b) { return a > b ? a : b; }
enum { false = 10, true = 11 };
static int strcat(int a) { return a; }

/* ------------------------------------------------------------ types */

static void sizes(void)
{
    assert(sizeof(int8_t) == 1 && sizeof(uint8_t) == 1);
    assert(sizeof(int16_t) == 2 && sizeof(uint16_t) == 2);
    assert(sizeof(int32_t) == 4 && sizeof(uint32_t) == 4);
    assert(sizeof(int64_t) == 8 && sizeof(uint64_t) == 8);
    assert(sizeof(int_least8_t) >= 1 && sizeof(uint_least16_t) >= 2);
    assert(sizeof(int_least32_t) >= 4 && sizeof(uint_least64_t) >= 8);
    assert(sizeof(int_fast8_t) >= 1 && sizeof(uint_fast16_t) >= 2);
    assert(sizeof(int_fast32_t) >= 4 && sizeof(uint_fast64_t) >= 8);
    assert(sizeof(intmax_t) == 8 && sizeof(uintmax_t) == 8);
    assert(sizeof(intptr_t) == sizeof(void *) && sizeof(uintptr_t) == sizeof(void *));
    assert(sizeof(size_t) == 8 && sizeof(ssize_t) == 8);
    assert(sizeof(vaddr_t) == 8 && sizeof(paddr_t) == 8 && sizeof(offset_t) == 8);
    assert(sizeof(sysarg_t) == 8 && sizeof(sysret_t) == 8);
    assert(sizeof(err_t) >= 4 && sizeof(pid_t) >= 4 && sizeof(tid_t) >= 4);
    assert(sizeof(inum_t) >= 4);
    assert(sizeof(bool) == 1);
}

/* A type is signed when -1 converted to it stays below 1. */
#define SIGNED(type) ((type)-1 < (type)1)

static void signedness(void)
{
    assert(!SIGNED(offset_t));
    assert(SIGNED(int8_t) && SIGNED(int16_t) && SIGNED(int32_t) && SIGNED(int64_t));
    assert(!SIGNED(uint8_t) && !SIGNED(uint16_t) && !SIGNED(uint32_t) && !SIGNED(uint64_t));
    assert(SIGNED(intmax_t) && !SIGNED(uintmax_t));
    assert(SIGNED(intptr_t) && !SIGNED(uintptr_t));
    assert(!SIGNED(size_t) && SIGNED(ssize_t));
    assert(!SIGNED(vaddr_t) && !SIGNED(paddr_t));
    assert(SIGNED(err_t) && SIGNED(pid_t) && SIGNED(sysret_t));
    /* An offset past 2^63 is still a (large) offset, not a negative one. */
    offset_t far = (offset_t)1 << 63;
    assert(far > 0 && far + far == 0);
}

static void limits(void)
{
    assert(INT8_MAX == 127 && INT8_MIN == -128 && UINT8_MAX == 255);
    assert(INT16_MAX == 32767 && INT16_MIN == -32768 && UINT16_MAX == 65535);
    assert(INT32_MAX == 2147483647 && INT32_MIN == -INT32_MAX - 1);
    assert(UINT32_MAX == 4294967295U);
    assert(INT64_MAX == 0x7fffffffffffffffL && INT64_MIN == -INT64_MAX - 1);
    assert(UINT64_MAX == 0xffffffffffffffffUL);
    assert(SIZE_MAX == (size_t)-1);
    /* The values fit their types exactly. */
    int8_t i8 = INT8_MAX;
    i8++;
    assert(i8 == INT8_MIN);
    uint16_t u16 = UINT16_MAX;
    u16++;
    assert(u16 == 0);
}

static void null_and_bool(void)
{
    int zero = NULL;            /* plain 0, as in osv */
    char *p = NULL;
    assert(zero == 0 && p == 0 && !p);
    bool b = 5;                 /* C's _Bool: any nonzero is 1 */
    assert(b == 1);
    b = 0;
    assert(!b);
}

/* ------------------------------------------------------------ stddef.h */

struct node {
    int key;
    char tag[3];
    long value;
};

static void stddef(void)
{
    assert(True == 1 && False == 0);
    int a[7];
    char s[] = "abc";
    assert(NELEM(a) == 7 && NELEM(s) == 4);
    assert(min(3, -2) == -2 && min(4u, 9u) == 4u);
    assert(offset_of(struct node, key) == 0 && offset_of(struct node, tag) == 4);
    assert(offset_of(struct node, value) == 8);
    struct node n;
    long *v = &n.value;
    assert(retrieve_struct(v, struct node, value) == &n);
    assert(retrieve_struct(&n.tag[0], struct node, tag) == &n);
}

/* ------------------------------------------------------------ bits.h */

static void state_bits(void)
{
    uint64_t map[2] = { 0, 0 };
    set_state_bit(map, 0, 1);
    set_state_bit(map, 63, 1);
    set_state_bit(map, 64, 1);
    set_state_bit(map, 100, 1);
    assert(map[0] == (1UL | 1UL << 63) && map[1] == (1UL | 1UL << 36));
    assert(get_state_bit(map, 0) && get_state_bit(map, 63) && get_state_bit(map, 100));
    assert(!get_state_bit(map, 1) && !get_state_bit(map, 99));
    set_state_bit(map, 63, 0);
    assert(!get_state_bit(map, 63) && map[0] == 1);
    uint8_t bytes[2] = { 0, 0 };
    set_state_bit(bytes, 9, 1);
    assert(bytes[0] == 0 && bytes[1] == 2 && get_state_bit(bytes, 9));
}

/* ------------------------------------------------------------ stdarg.h */

/* Sums count ints, twice: once through a copy of the list. */
static int sum_twice(int count, ...)
{
    va_list ap, again;
    va_start(ap, count);
    va_copy(again, ap);
    int sum = 0;
    for (int i = 0; i < count; i++)
        sum += va_arg(ap, int);
    for (int i = 0; i < count; i++)
        sum += va_arg(again, int);
    va_end(again);
    va_end(ap);
    return sum;
}

/* ------------------------------------------------------------ usyscall.h */

static void constants(void)
{
    assert(FTYPE_DIR == 1 && FTYPE_FILE == 2 && FTYPE_DEV == 3);
    assert(FNAME_LEN == 28 && NUM_FILES == 128 && MAX_NAME_LEN == 128);
    assert(EMPTY_MODE == 0);
    assert(FS_RDONLY == 0 && FS_WRONLY == 1 && FS_RDWR == 2 && FS_CREAT == 0x100);
    assert(RS_DEFAULT == 0);
    assert(KMAP_BASE > USTACK_UPPERBOUND && USTACK_UPPERBOUND % 4096 == 0);
    struct dirent d;
    assert(sizeof(d.name) == FNAME_LEN);
    struct stat st;
    int fd = open("/README", FS_RDONLY, EMPTY_MODE);
    assert(fd >= 0 && fstat(fd, &st) == ERR_OK);
    assert(st.ftype == FTYPE_FILE && st.inode_num > 0 && st.size > 0);
    assert(close(fd) == ERR_OK);
    struct sys_info info1;
    info(&info1);
    assert(offset_of(struct sys_info, num_pgfault) == 0);
}

/* Every error code and system call number has osv's value (docs/api.md's tables). */
static void numbers(void)
{
    int errs[] = { ERR_OK, ERR_NOMEM, ERR_NORES, ERR_UNALLOC, ERR_EXIST, ERR_NOTEXIST,
                   ERR_INCOMP, ERR_FTYPE, ERR_REGISTER, ERR_NOTEMPTY, ERR_END, ERR_INIT,
                   ERR_FAULT, ERR_INVAL, ERR_CHILD, ERR_PGFAULT_ALLOC, ERR_LOCK_BUSY,
                   ERR_OWNERDEAD, ERR_AGAIN, ERR_TIMEDOUT, ERR_PERM, ERR_NOSYS };
    for (int i = 0; i < NELEM(errs); i++)
        if (errs[i] != -i)
            error("the error code in place %d of the table is %d, not %d", i, errs[i], -i);
    int calls[] = { 0, SYS_fork, SYS_spawn, SYS_wait, SYS_exit, SYS_getpid, SYS_sleep,
                    SYS_open, SYS_close, SYS_read, SYS_write, SYS_link, SYS_unlink,
                    SYS_mkdir, SYS_chdir, SYS_readdir, SYS_rmdir, SYS_fstat, SYS_sbrk,
                    SYS_meminfo, SYS_dup, SYS_pipe, SYS_info, SYS_halt };
    for (int i = 1; i < NELEM(calls); i++)
        if (calls[i] != i)
            error("system call %d of osv's table has the number %d", i, calls[i]);
    assert(RS_DEFAULT == 0 && RS_PERSIST == 0x100 && RS_NOINHERIT == 0x200);
    assert(RS_RDONLY == 0x400 && RS_FAMILY == 0x800);
    /* The structs' layouts: a program may lay them over bytes of its own. */
    assert(offset_of(struct stat, ftype) == 0 && offset_of(struct stat, inode_num) == 4);
    assert(offset_of(struct stat, size) == 8 && sizeof(struct stat) == 16);
    assert(offset_of(struct dirent, name) == 0);
    assert(offset_of(struct dirent, inode_num) == FNAME_LEN);
    assert(sizeof(struct dirent) == FNAME_LEN + sizeof(int));
    assert(offset_of(struct sys_info, free_pages) == sizeof(size_t));
    assert(offset_of(struct sys_info, cow_copies) == 5 * sizeof(size_t));
}

/* ------------------------------------------------------------ test.h */

/* Decimal text of n (n >= 0) at buf; returns buf. */
static char *decimal(char *buf, int n)
{
    char tmp[12];
    int len = 0;
    do {
        tmp[len++] = (char)('0' + n % 10);
        n /= 10;
    } while (n);
    for (int i = 0; i < len; i++)
        buf[i] = tmp[len - 1 - i];
    buf[len] = '\0';
    return buf;
}

/* Appends src to the string at dst (our own strcat is taken). */
static void append(char *dst, const char *src)
{
    strcpy(dst + strlen(dst), src);
}

/* What a report must look like: before, the line number, after. */
static void expect_report(const char *got, const char *before, int line, const char *after)
{
    char want[256] = "";
    char num[12];
    append(want, before);
    if (line >= 0)
        append(want, decimal(num, line));
    append(want, after);
    if (strcmp(got, want) != 0) {
        printf("got  \"%s\"\nwant \"%s\"\n", got, want);
        error("a report is not osv's");
    }
}

/* Each report below is on one line, and the line after records its number. */
static void report_error(const char *format, int n) { error(format, n, "!"); }
static const int error_line = __LINE__ - 1;
static void report_assert(int n) { assert(n == 41); }
static const int assert_line = __LINE__ - 1;

enum report { REPORT_ERROR, REPORT_PASS, REPORT_ASSERT };

/*
 * A child makes the report with its fd 1 on a pipe; returns the child's
 * exit status and stores what it wrote in out.
 */
static int child_report(enum report what, char *out, size_t size)
{
    int fds[2];
    assert(pipe(fds) == ERR_OK);
    int pid = fork();
    assert(pid >= 0);
    if (pid == 0) {
        close(1);
        assert(dup(fds[1]) == 1);
        close(fds[0]);
        char *format = "message %d%s";        /* not a literal at the call */
        char plain[] = "plain words";         /* nor this, and no arguments */
        if (what == REPORT_ERROR)
            report_error(format, 42);
        if (what == REPORT_ASSERT)
            report_assert(42);
        pass(format, 42, "?");
        pass(plain);
        exit(0);
    }
    close(fds[1]);
    int status = 12345;
    assert(wait(pid, &status) == pid);
    size_t got = 0;
    ssize_t r;
    while (got + 1 < size && (r = read(fds[0], out + got, size - 1 - got)) > 0)
        got += r;
    out[got] = '\0';
    close(fds[0]);
    return status;
}

static void reports(void)
{
    char out[256];
    assert(child_report(REPORT_ERROR, out, sizeof(out)) == -1);
    expect_report(out, ANSI_COLOR_RED "ERROR: " ANSI_COLOR_RESET "(line ", error_line,
                  ") message 42!\n");
    assert(child_report(REPORT_ASSERT, out, sizeof(out)) == -1);
    expect_report(out, ANSI_COLOR_RED "Assertion failed (line ", assert_line,
                  "): n == 41" ANSI_COLOR_RESET "\n");
    assert(child_report(REPORT_PASS, out, sizeof(out)) == 0);
    expect_report(out, ANSI_COLOR_GREEN "passed " ANSI_COLOR_RESET "message 42?\n"
                  ANSI_COLOR_GREEN "passed " ANSI_COLOR_RESET "plain words\n", -1, "");
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    sizes();
    signedness();
    limits();
    null_and_bool();
    stddef();
    state_bits();
    assert(sum_twice(3, 1, 2, 4) == 14 && sum_twice(0) == 0);
    constants();
    numbers();
    reports();
    /* Our own names, next to lib/stddef.h's. */
    assert(max(false, true) == 11 && strcat(3) == 3);
    pass("header-types");
    return 0;
}
