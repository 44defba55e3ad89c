/*
 * sleep N: sleeps N seconds (sleep() of lib/usyscall.h), then exits 0; a
 * program to try `&`, ps, kill and Ctrl-C on. N is a decimal int, 0 or
 * more, checked (parse_int): "1x" or 4294967297 is refused, not 1.
 */
#include <lib/usyscall.h>
#include <lib/stdio.h>
#include <lib/string-ext.h>

int main(int argc, char **argv)
{
    int seconds;
    if (argc != 2 || !parse_int(argv[1], &seconds) || seconds < 0) {
        printf("usage: sleep SECONDS\n");
        return 1;
    }
    sleep(seconds);
    return 0;
}
