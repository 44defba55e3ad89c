/*
 * info-own-faults: info() samples the page-fault count after the faults
 * its own copy-out into the caller's buffer takes, so two calls see only
 * the faults the caller caused in between.
 *
 * A fork child shares its parent's pages copy-on-write. The child's first
 * write to its stack page is info's own copy-out into a struct on that
 * stack: that fault must already be in the count info returns. Then the
 * child writes to N pages the parent had written (one copy-on-write fault
 * each) and the next info must show exactly N more. The parent only waits
 * meanwhile, without touching its stack, so no other fault happens.
 */
#include <lib/test.h>

#define PAGE 4096
#define N 4

static char pages[N][PAGE] __attribute__((aligned(PAGE)));

int
main(void)
{
    // Everything the child writes, in one block that cannot straddle a
    // page boundary, so it is all on one stack page.
    struct {
        struct sys_info first, second, third;
        int i;
    } s __attribute__((aligned(256)));

    for (s.i = 0; s.i < N; s.i++)
        pages[s.i][0] = 1;
    info(&s.first);

    if (fork() == 0) {
        info(&s.first);
        info(&s.second);
        for (s.i = 0; s.i < N; s.i++)
            pages[s.i][0] = 2;
        info(&s.third);
        if (s.second.num_pgfault != s.first.num_pgfault)
            error("two info calls in a row saw %d faults between them, expected 0",
                  (int)(s.second.num_pgfault - s.first.num_pgfault));
        if (s.third.num_pgfault - s.second.num_pgfault != N)
            error("writing %d copy-on-write pages counted %d faults", N,
                  (int)(s.third.num_pgfault - s.second.num_pgfault));
        exit(0);
    }
    wait(-1, &s.i);             // written once the child is gone
    if (s.i != 0)
        error("the child failed");
    pass("info-own-faults");
    exit(0);
}
