/*
 * osv-flags: programs in user/labN/ are built as osv built them and put on
 * the disk under their file name, dashes included.
 *
 * It checks: the optimiser is off (osv compiled lab programs with -O0, and
 * some rely on a stack array the optimiser would delete); a comparison of
 * an int with a size_t compiles (no -Wextra, whose -Wsign-compare would
 * make it an error under -Werror); an array, a member array and a
 * member's address compared with NULL compile, as they did with gcc 11
 * and older (gcc 12's -Waddress rejects them; the Makefile turns it off);
 * a buffer never written can be handed to write(), as a test that only
 * counts bytes does (gcc 11's -Wmaybe-uninitialized rejects it even at
 * -O0, where gcc 10 and older said nothing; the Makefile turns it off);
 * a function declared with an array parameter and defined with a pointer
 * compiles, and so do calls with a smaller array than a parameter names
 * (gcc 11's -Warray-parameter, -Wstringop-overread and -Wstringop-overflow
 * reject them; the Makefile turns them off), and so does one declared
 * with a variable-length array parameter and defined with a pointer
 * (gcc 11's -Wvla-parameter); an array's size divided by the size of
 * another type than its elements' compiles (gcc 11's -Wsizeof-array-div,
 * which flags the count of ints in an array of longs, what a test
 * sizing a buffer in words does on purpose; off too); and this program is
 * on the disk as `osv-flags`.
 */
#include <lib/test.h>

static struct stat st_global;

// Writes 64 bytes whose values do not matter, never written before, to fd
// (in a function of its own: gcc's check at -O0 sees only a write that
// nothing runs before).
static int
write_junk(int fd)
{
    char junk[64];
    return write(fd, junk, sizeof(junk));
}

// Declared with an array parameter and defined with a pointer, and called
// below with an array smaller than the declared one, as a lab helper that
// names its buffer's usual size may be: gcc 11 checks both
// (-Warray-parameter, in -Wall, and -Wstringop-overread's calls with too
// small an array, on by default), where gcc 10 and older said nothing.
static int sum_first(const int vals[4], int n);

// Sets the first n of vals to v; called with a smaller array than its
// parameter names (gcc 11's -Wstringop-overflow, the writing side).
static void
set_first(int vals[4], int n, int v)
{
    for (int i = 0; i < n; i++)
        vals[i] = v;
}

// The sum of the first n of vals.
static int
sum_first(const int *vals, int n)
{
    int sum = 0;
    for (int i = 0; i < n; i++)
        sum += vals[i];
    return sum;
}

// Declared with a variable-length array parameter, defined with a
// pointer (gcc 11's -Wvla-parameter, in -Wall; gcc 10 said nothing).
static void fill_n(int n, char vals[n], char v);

// Sets the first n of vals to v.
static void
fill_n(int n, char *vals, char v)
{
    for (int i = 0; i < n; i++)
        vals[i] = v;
}

int
main(void)
{
#ifdef __OPTIMIZE__
    error("lab programs must be compiled with -O0, as osv does");
#endif
    int small = -1;
    size_t big = 1;
    // Under C's conversions -1 becomes SIZE_MAX: the comparison is false.
    if (small < big)
        error("int/size_t comparison did not convert as C says");

    // Checks gcc 11 and older took without a word: no such address is NULL.
    char buf[8];
    struct dirent d;
    struct stat *sp = &st_global;
    if (buf == NULL || d.name == NULL || &d.inode_num == NULL || &sp->size == NULL)
        error("an address compared equal to NULL");

    int two[2];
    set_first(two, 2, 21);
    if (sum_first(two, 2) != 42)
        error("sum of an array smaller than the parameter's");

    // 8 longs hold 16 ints' worth of bytes, counted as a test sizing a
    // buffer in words does (gcc 11's -Wsizeof-array-div).
    long words[8];
    int nints = sizeof(words) / sizeof(int);
    fill_n(sizeof(words), (char *)words, 0);
    if (nints != 16 || words[7] != 0)
        error("sizeof of an array of longs counted %d ints", nints);

    int fds[2];
    if (pipe(fds) != ERR_OK || write_junk(fds[1]) != 64)
        error("write of a never-written buffer into a pipe");
    close(fds[0]);
    close(fds[1]);

    int fd = open("/osv-flags", FS_RDONLY, EMPTY_MODE);
    if (fd < 0)
        error("this program is not on the disk as osv-flags: %d", fd);
    struct stat st;
    if (fstat(fd, &st) != ERR_OK || st.ftype != FTYPE_FILE || st.size == 0)
        error("fstat of /osv-flags");
    close(fd);
    pass("osv-flags");
    exit(0);
}
