/*
 * shm: look at and manage named shared regions from the shell.
 *
 *   shm                               list live regions
 *   shm create NAME SIZE [FLAG...]    create one (SIZE in bytes, or with a
 *                                     k or m suffix); FLAGs: noinherit,
 *                                     rdonly. Regions made here are always
 *                                     RS_PERSIST: otherwise they would
 *                                     vanish when this command exits. There
 *                                     is no `family`: only this command and
 *                                     its descendants (none) could ever
 *                                     find or destroy such a region.
 *   shm destroy NAME                  destroy one
 */
#include <lib/stdio.h>
#include <lib/string.h>
#include <lib/usyscall.h>
#include <lib/string-ext.h>
#include <lib/shm.h>
#include <lib/errstr.h>

#define REGION_PAGE 4096        /* a region's size is rounded up to whole pages */

/* Writes a region's RS_* flags into buf as words joined by commas, or
 * "-" for none; buf must hold all four. */
static void flags_text(int flags, char *buf)
{
    buf[0] = '\0';
    if (flags & RS_PERSIST)
        strcat(buf, "persist,");
    if (flags & RS_NOINHERIT)
        strcat(buf, "noinherit,");
    if (flags & RS_RDONLY)
        strcat(buf, "rdonly,");
    if (flags & RS_FAMILY)
        strcat(buf, "family,");
    size_t n = strlen(buf);
    if (n)
        buf[n - 1] = '\0';
    else
        strcpy(buf, "-");
}

/* shm with no argument: a table of the named regions, as shm_list()
 * returns them (the first 64). Returns the exit status. */
static int list(void)
{
    static struct shm_info info[64];
    int n = shm_list(info, 64);
    if (n < 0) {
        printf("shm: cannot list regions: %s (error %d)\n", errstr(n), n);
        return 1;
    }
    printf("%-20s %10s %8s %-24s %5s %7s %7s\n", "name", "size", "resident", "flags", "views",
           "holders", "creator");
    for (int i = 0; i < n; i++) {
        char flags[64];
        flags_text(info[i].flags, flags);
        printf("%-20s %10ld %8ld %-24s %5d %7d %7d\n", info[i].name, (long)info[i].size,
               (long)info[i].resident, flags, info[i].views, info[i].holders, info[i].creator);
    }
    printf("%d region%s\n", n, n == 1 ? "" : "s");
    return 0;
}

/* SIZE: digits with an optional k or m; -1 if not one, or if it is past
 * 2^40 (far past any region; stopping there keeps v * 10 and the suffix
 * from wrapping, which made 18446744073709551617 a region of 1 byte). */
static long parse_size(const char *s)
{
    long v = 0;
    for (; *s >= '0' && *s <= '9'; s++) {
        v = v * 10 + (*s - '0');
        if (v > (1L << 40))
            return -1;
    }
    if (*s == 'k' || *s == 'K')
        v *= 1024, s++;
    else if (*s == 'm' || *s == 'M')
        v *= 1024 * 1024, s++;
    return *s ? -1 : v;
}

int main(int argc, char **argv)
{
    if (argc == 1)
        return list();
    if (argc >= 4 && strcmp(argv[1], "create") == 0) {
        long size = parse_size(argv[3]);
        int flags = RS_PERSIST;
        if (size <= 0) {
            printf("shm: bad size %s\n", argv[3]);
            return 1;
        }
        for (int i = 4; i < argc; i++) {
            if (strcmp(argv[i], "noinherit") == 0)
                flags |= RS_NOINHERIT;
            else if (strcmp(argv[i], "rdonly") == 0)
                flags |= RS_RDONLY;
            else {
                printf("shm: unknown flag %s\n", argv[i]);
                return 1;
            }
        }
        int err = shm_create(argv[2], size, flags);
        if (err != ERR_OK) {
            printf("shm: cannot create %s: %s (error %d)\n", argv[2], errstr(err), err);
            return 1;
        }
        long whole = (size + REGION_PAGE - 1) / REGION_PAGE * REGION_PAGE;
        if (whole != size)
            printf("shm: created %s, %ld bytes (%ld in whole pages)\n", argv[2], size, whole);
        else
            printf("shm: created %s, %ld bytes\n", argv[2], size);
        return 0;
    }
    if (argc == 3 && strcmp(argv[1], "destroy") == 0) {
        int err = shm_destroy(argv[2]);
        if (err != ERR_OK) {
            printf("shm: cannot destroy %s: %s (error %d)\n", argv[2],
                   err == ERR_NOTEXIST ? "no such region" : errstr(err), err);
            return 1;
        }
        printf("shm: destroyed %s\n", argv[2]);
        return 0;
    }
    printf("usage: shm | shm create NAME SIZE [noinherit|rdonly]... | shm destroy NAME\n");
    return 1;
}
