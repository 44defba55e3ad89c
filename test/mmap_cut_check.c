/*
 * mmap_cut_check: the second half of the mmap_persist scenario's power
 * cut, run after
 * mmap_cut_write, a power cut and a fresh boot on the same image:
 * /cut.dat must hold the stores whose munmap or exit returned, and the
 * write(). It removes the file at the end.
 * Helper of the reboot machinery: run alone (no /cut.dat), it fails.
 */
// test: helper
#include "testlib.h"
#include "mmap_cut.h"

int main(void)
{
    static char buf[CUT_SIZE + 4096];
    check_after_reboot(CUT_PATH, CUT_SIZE, buf, sizeof(buf), cut_expect, "mmap_cut_write");
    pass("mmap_cut_check: stores whose munmap or exit returned survived the power cut");
    return 0;
}
