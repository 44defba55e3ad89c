/*
 * race_ctrl_c: a helper of console_held_race (test/console_keys.py), on
 * the debug kernel. `race_ctrl_c US` sets the delay of RACE_CTRL_C_HELD
 * (include/kernel/race.h) to US microseconds, 0 turning it off: a Ctrl-C
 * that found no foreground job to kill then waits that long before it is
 * held, so the scenario can make the shell start the command typed before
 * it, and make that command its foreground job, inside the window. Prints
 * `race: RACE_CTRL_C_HELD US us` once set, or ERROR.
 */
// test: helper
#include "testlib.h"
#include <lib/bench.h>
#include <lib/string-ext.h>

int main(int argc, char **argv)
{
    if (argc != 2)
        error("usage: race_ctrl_c US");
    int us = atoi(argv[1]);
    int err = race_delay(RACE_CTRL_C_HELD, us);
    if (err != ERR_OK)
        error("race_delay(RACE_CTRL_C_HELD, %d) = %d", us, err);
    printf("race: RACE_CTRL_C_HELD %d us\n", us);
    return 0;
}
