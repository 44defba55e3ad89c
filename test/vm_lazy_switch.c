/*
 * vm_lazy_switch: a hart keeps the last address space in satp while it
 * idles, and gives it up safely when the space dies elsewhere.
 *
 * A thread that goes back to the same hart with nothing run in between
 * (a tick's yield with nothing else ready, a sleep and wakeup) finds its
 * root still in satp: no satp write, which under QEMU empties the hart's
 * whole software TLB (include/kernel/vpmap.h, lazy switches). vminfo's
 * switches_kept counts those. First, one process spins for SPIN_MS in
 * user mode: every tick yields and takes it back, so switches_kept must
 * grow by about a tick's worth (the kernel that switched to its own table
 * after every thread kept none).
 *
 * Then a ring of PROCS processes passes a token through pipes ROUNDS
 * times, so each sleeps and wakes on one hart or another, and the harts
 * it left idle still hold its root when it exits on another: the root's
 * frame must come back all the same, and info()'s count of free frames
 * must be exact at once (it waits for such harts to let go). The ring
 * runs twice; the second must end with as many free frames as it began.
 */
// test: timeout=90
#include "vmlib.h"

#define SPIN_MS 300
#define PROCS 8
#define ROUNDS 40

static size_t kept(void) { return vm_now().switches_kept; }

/* Ring member i: reads the token from ring[i], passes it to ring[i + 1]. */
static void member(int i, int ring[PROCS][2])
{
    for (int r = 0; r < ROUNDS; r++) {
        char token;
        if (i != 0 || r != 0)
            expect(read(ring[i][0], &token, 1), 1);
        token = (char)r;
        expect(write(ring[(i + 1) % PROCS][1], &token, 1), 1);
    }
    if (i == 0) {
        char token;
        expect(read(ring[0][0], &token, 1), 1);    /* the last member's last pass */
    }
}

/* Runs the ring once; every member exits, every pipe is closed. */
static void run_ring(void)
{
    int ring[PROCS][2];
    for (int i = 0; i < PROCS; i++)
        expect(pipe(ring[i]), ERR_OK);
    int pids[PROCS];
    for (int i = 0; i < PROCS; i++) {
        pids[i] = fork();
        if (pids[i] < 0)
            error("fork = %d", pids[i]);
        if (pids[i] == 0) {
            member(i, ring);
            exit(0);
        }
    }
    for (int i = 0; i < PROCS; i++) {
        expect(close(ring[i][0]), ERR_OK);
        expect(close(ring[i][1]), ERR_OK);
    }
    for (int i = 0; i < PROCS; i++)
        if (wait_for(pids[i]) != 0)
            error("ring member %d failed", i);
}

int main(void)
{
    size_t before = kept();
    uint64_t until = rdtime() + TIME_HZ / 1000 * SPIN_MS;
    while (rdtime() < until)
        ;
    size_t spun = kept() - before;
    printf("vm_lazy_switch: %ld switches kept the space in satp while spinning %d ms\n",
           (long)spun, SPIN_MS);
    if (spun < SPIN_MS / 30)         /* 100 ticks a second: about 30 */
        error("only %ld switches kept the space in satp while spinning %d ms", (long)spun,
              SPIN_MS);

    run_ring();                      /* warm up: slabs, spare threads */
    size_t free0 = free_pages();
    before = kept();
    run_ring();
    size_t free1 = free_pages();
    printf("vm_lazy_switch: ring of %d x %d passes: %ld switches kept, free frames %ld -> %ld\n",
           PROCS, ROUNDS, (long)(kept() - before), (long)free0, (long)free1);
    if (free1 != free0)
        error("%ld frames missing after the ring", (long)free0 - (long)free1);
    printf("passed vm_lazy_switch: idle harts keep a space in satp and let it go when it dies\n");
    return 0;
}
