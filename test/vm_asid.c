/*
 * vm_asid: address spaces keep their own memory across switches, with
 * ASIDs, when ASIDs run out, and without them.
 *
 * The kernel probes the ASID width at boot (QEMU virt: 16 bits) and uses
 * all of it. A ring of PROCS processes passes a token through pipes
 * ROUNDS times, so each is switched out and in, on one hart or another,
 * many times; between two turns each rewrites and checks its own heap,
 * and its first turn forks a child that writes the same addresses (a
 * copy-on-write downgrade and, later, breaks, with the parent migrating
 * between harts). A stale translation of another space, or of the
 * process's own pages before a change, shows up as a wrong word. The ring
 * runs three times: with every ASID bit; with 2 bits (3 ASIDs for more
 * than 3 spaces, so ASIDs are recycled and new generations begin, each
 * flushing every hart once); and with asid_limit(0), the fallback
 * without ASIDs, where each switch flushes. vminfo must show the width
 * and the generations each time; asid_limit(-1) restores the default.
 */
// test: timeout=90
#include "vmlib.h"

#define PROCS 6
#define ROUNDS 30
#define PAGES 32

/* Ring member i: reads the token from ring[i], works, passes it on. */
static int member(int i, int ring[PROCS][2])
{
    char *heap = heap_pages(PAGES);
    long bad = 0;
    for (int r = 0; r < ROUNDS; r++) {
        char token;
        if (read(ring[i][0], &token, 1) != 1)
            return 100;
        int tag = i * 1000 + r + 1;
        write_pages(heap, PAGES, tag);
        if (r == 0) {
            int pid = fork();
            if (pid == 0) {
                write_pages(heap, PAGES, tag + 500);
                exit((int)check_pages(heap, PAGES, tag + 500));
            }
            bad += wait_for(pid);
        }
        bad += check_pages(heap, PAGES, tag);
        if (write(ring[(i + 1) % PROCS][1], &token, 1) != 1)
            return 101;
    }
    return (int)bad;
}

/* One run of the ring; fails the test on a wrong word. */
static void ring_run(const char *how)
{
    int ring[PROCS][2], pids[PROCS];
    for (int i = 0; i < PROCS; i++)
        expect(pipe(ring[i]), ERR_OK);
    for (int i = 0; i < PROCS; i++) {
        pids[i] = fork();
        if (pids[i] < 0)
            error("fork = %d", pids[i]);
        if (pids[i] == 0)
            exit(member(i, ring));
    }
    char token = 't';
    expect(write(ring[0][1], &token, 1), 1);
    for (int i = 0; i < PROCS; i++) {
        int status = wait_for(pids[i]);
        if (status != 0)
            error("%s: ring member %d exited with %d (wrong words or a pipe error)", how, i,
                  status);
    }
    for (int i = 0; i < PROCS; i++) {
        close(ring[i][0]);
        close(ring[i][1]);
    }
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    struct vm_info vi = vm_now();
    printf("vm_asid: %ld ASID bits implemented, %ld in use\n", (long)vi.asid_bits_hw,
           (long)vi.asid_bits);
    expect((long)vi.asid_bits, (long)vi.asid_bits_hw);
    if (vi.asid_bits_hw < 2)
        error("QEMU virt implements 16 ASID bits; this hart has %ld", (long)vi.asid_bits_hw);
    ring_run("all ASID bits");

    expect(asid_limit(2), 2);
    long gens = (long)vm_now().asid_generations;
    ring_run("2 ASID bits");
    struct vm_info two = vm_now();
    expect((long)two.asid_bits, 2);
    if ((long)two.asid_generations - gens < 2)
        error("%d spaces on 3 ASIDs began %ld generations", 2 * PROCS + 1,
              (long)two.asid_generations - gens);

    expect(asid_limit(0), 0);
    expect((long)vm_now().asid_bits, 0);
    ring_run("no ASIDs");

    expect(asid_limit(-1), (int)vi.asid_bits_hw);
    expect((long)vm_now().asid_bits, (long)vi.asid_bits_hw);
    ring_run("all ASID bits again");
    pass("vm_asid: memory right with 16, 2 and 0 ASID bits");
    return 0;
}
