/*
 * sleep N: sleeps N seconds (sleep() of lib/usyscall.h), then exits 0; a
 * program to try `&`, ps, kill and Ctrl-C on.
 */
#include <lib/usyscall.h>
#include <lib/stdio.h>
#include <lib/string-ext.h>

int main(int argc, char **argv)
{
    if (argc != 2 || argv[1][0] < '0' || argv[1][0] > '9') {
        printf("usage: sleep SECONDS\n");
        return 1;
    }
    sleep(atoi(argv[1]));
    return 0;
}
