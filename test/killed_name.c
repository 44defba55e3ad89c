/*
 * killed_name: the kernel's lines that name a program (killed:, and
 * meminfo's first) never carry the words graders scan the console for,
 * whatever the program is called (api.md: no line of the kernel's but a
 * panic's holds PANIC, ERROR, passed or Assertion failed), and never a
 * control character, which could end the line early or move the cursor.
 *
 * The test gives itself other names (links) and runs itself under each:
 * the run calls meminfo() and then loads from NULL, so the kernel prints
 * both lines with that name. The runner does the checking: before, the
 * names went out as they were, and a `PANIC` in a killed: line failed the
 * test as a kernel panic, an `ERROR` as an error, an `Assertion failed`
 * as a failed assert, and a newline split the killed: line so that its
 * second half was no line of the documented form.
 */
// test: expect-killed=5
#include "testlib.h"
#include <lib/stddef.h>
#include <lib/stdio-ext.h>
#include <lib/proc-ext.h>

static const char *names[] = {
    "kPANICk", "xERRORx", "passed killed_name", "Assertion failed", "new\nline\033[7m",
};

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "fault") == 0) {
        meminfo();
        access_address(0, LOAD);
        return 0;                       /* not reached */
    }
    for (unsigned i = 0; i < NELEM(names); i++) {
        char path[64];
        snprintf(path, sizeof(path), "/%s", names[i]);
        remove_file(path);              /* a half-finished earlier run */
        expect(link("/killed_name", path), ERR_OK);
        char *args[] = { path, "fault", NULL };
        int pid = spawnv(args);
        if (pid < 0)
            error("spawnv(%s) = %d", path, pid);
        expect(wait_for(pid), -1);
        expect(unlink(path), ERR_OK);
    }
    pass("killed_name: %d names", (int)NELEM(names));
    return 0;
}
