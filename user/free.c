/*
 * free: prints the physical frame counts. The test runner parses this
 * exact line to check that no test leaked frames: keep its format.
 */
#include <lib/usyscall.h>
#include <lib/stdio.h>

int main(void)
{
    struct sys_info si;

    info(&si);
    printf("free_pages=%d total_pages=%d\n", (int)si.free_pages, (int)si.total_pages);
    return 0;
}
