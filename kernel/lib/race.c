/*
 * The debug kernel's race windows (contract in <kernel/race.h>): a delay
 * per named point, set by the race_delay system call, spent spinning on
 * the clock by any hart that passes the point. Empty without DEBUG.
 */
#include <kernel/race.h>
#include <kernel/platform.h>
#include <kernel/riscv.h>

#ifdef DEBUG
static int delay_us[RACE_POINTS];   /* by point; set by any process, read by any hart
                                     * (atomic: a plain int, no ordering needed) */

/* Spins until the point's delay has passed. Contract in <kernel/race.h>. */
void race_window(int point)
{
    int us = __atomic_load_n(&delay_us[point], __ATOMIC_RELAXED);
    if (us == 0)
        return;
    uint64_t until = rdtime() + platform_us_ticks(us);
    while (rdtime() < until)
        ;
}

/* Contract in <kernel/race.h>. */
err_t race_delay_set(int point, int us)
{
    if (point < 0 || point >= RACE_POINTS || us < 0 || us > RACE_DELAY_MAX_US)
        return ERR_INVAL;
    __atomic_store_n(&delay_us[point], us, __ATOMIC_RELAXED);
    return ERR_OK;
}
#endif
