/*
 * mmap_halt_check: the second half of the mmap_halt scenario, run after
 * mmap_halt_write, a halt and a fresh boot on the same image: /halt.dat
 * must hold every change mmap_halt.h lists, and be exactly the written
 * size plus what write() appended. It removes the file at the end.
 * Helper of the reboot machinery: run alone (no /halt.dat), it fails.
 */
// test: helper
#include "testlib.h"
#include "mmap_halt.h"

int main(void)
{
    static char buf[HALT_SIZE + HALT_GROW + 4096];
    check_after_reboot(HALT_PATH, HALT_SIZE + HALT_GROW, buf, sizeof(buf), halt_expect,
                       "mmap_halt_write");
    pass("mmap_halt_check: stores of killed, forked and racing processes survived the halt");
    return 0;
}
