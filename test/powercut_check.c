/*
 * powercut_check ROUND S0 S1: after a power cut during powercut_writer
 * ROUND (and a reboot), checks that the disk holds a state the plan
 * (powercut.h) allows, given that lane 0 reported steps up to S0 and lane 1
 * up to S1 as returned (-1: none). The runner's powercut and durability
 * scenarios run it; it is not a test on its own.
 *
 * The rules, which the journal guarantees (journal.h):
 *   - content: every file under any /pcK holds exactly its pattern, up to
 *     its size, and is no larger than planned: a prefix at worst, never
 *     garbage, stale data or a block of another file;
 *   - order: each lane's steps are done one after the other, each durable
 *     when it returns, so the files and directories of /pcROUND must be
 *     exactly those of the lane's first j steps, with step j possibly
 *     half done (a file being written is absent or a prefix, a file being
 *     unlinked is whole or gone, a directory being made is there or not,
 *     the log being appended to is between its two sizes), for some j past
 *     the last reported step;
 *   - the old rounds: once lane 0's step 0 (removing them) is done, no
 *     /pcK but /pcROUND is left.
 * Prints which step each lane had reached, then "passed".
 */
// test: helper
#include <lib/test.h>
#include "powercut.h"
#include <lib/string-ext.h>

#define MAX_ENTRIES 512
#define CHUNK (64 * 1024)

struct entry {
    char path[PC_PATH + FNAME_LEN];
    int type;                          /* FTYPE_DIR or FTYPE_FILE */
    size_t size;
};

static struct entry actual[MAX_ENTRIES], expected[MAX_ENTRIES];
static int nactual, nexpected;
static struct pc_step plans[PC_LANES][PC_MAX_STEPS];
static int nsteps[PC_LANES];
static uint8_t got[CHUNK], want[CHUNK];
static char lane1_root[PC_PATH];       /* "/pcR/small" */

/* Checks that the file at path holds its pattern (content rule). */
static void check_content(const char *path, size_t size)
{
    uint32_t key;
    size_t planned;
    if (!pc_file_of(path, &key, &planned))
        error("%s: a file the plan never makes", path);
    if (size > planned)
        error("%s: %d bytes, but the plan writes only %d", path, (int)size, (int)planned);
    int fd = open(path, FS_RDONLY, EMPTY_MODE);
    if (fd < 0)
        error("open(%s) = %d", path, fd);
    for (size_t off = 0; off < size; off += CHUNK) {
        size_t n = size - off < CHUNK ? size - off : CHUNK;
        ssize_t r = read(fd, got, n);
        if (r != (ssize_t)n)
            error("read(%s, %d at %d) = %d", path, (int)n, (int)off, (int)r);
        pc_fill(key, off, want, n);
        if (memcmp(got, want, n) != 0) {
            size_t i = 0;
            while (got[i] == want[i])
                i++;
            error("%s: wrong byte at offset %d of %d: %d, expected %d (garbage after the cut)",
                  path, (int)(off + i), (int)size, got[i], want[i]);
        }
    }
    if (read(fd, got, 1) != 0)
        error("%s: more bytes than fstat's size", path);
    close(fd);
}

/* Adds the tree at path to actual[] (with record) and checks every file's
 * content. */
static void walk(const char *path, bool record)
{
    struct stat st;
    int fd = pc_open_stat(path, &st);
    if (record) {
        if (nactual == MAX_ENTRIES)
            error("too many entries under %s", path);
        struct entry *e = &actual[nactual++];
        strcpy(e->path, path);
        e->type = st.ftype;
        e->size = st.size;
    }
    if (st.ftype != FTYPE_DIR) {
        close(fd);
        check_content(path, st.size);
        return;
    }
    struct dirent d;
    while (readdir(fd, &d) == ERR_OK) {
        char child[PC_PATH + FNAME_LEN];
        if (strlen(path) + 1 + strlen(d.name) >= PC_PATH)
            error("%s/%s: a name the plan never makes", path, d.name);
        snprintf(child, sizeof(child), "%s/%s", path, d.name);
        walk(child, record);
    }
    close(fd);
}

static bool in_lane(const char *path, int lane)
{
    size_t n = strlen(lane1_root);
    bool lane1 = strncmp(path, lane1_root, n) == 0 && (path[n] == '\0' || path[n] == '/');
    return lane1 == (lane == 1);
}

static struct entry *find(struct entry *list, int n, const char *path)
{
    for (int i = 0; i < n; i++)
        if (strcmp(list[i].path, path) == 0)
            return &list[i];
    return NULL;
}

/* expected[] := what the first j steps of lane leave. */
static void apply_steps(int lane, int j)
{
    nexpected = 0;
    for (int k = 0; k < j; k++) {
        const struct pc_step *s = &plans[lane][k];
        struct entry *e = find(expected, nexpected, s->path);
        switch (s->kind) {
        case PC_MKDIR:
        case PC_WRITE:
        case PC_APPEND:
            if (e == NULL) {
                e = &expected[nexpected++];
                strcpy(e->path, s->path);
            }
            e->type = s->kind == PC_MKDIR ? FTYPE_DIR : FTYPE_FILE;
            e->size = s->size;
            break;
        case PC_UNLINK:
            if (e != NULL)
                *e = expected[--nexpected];
            break;
        }
    }
}

/* May the object of step s, half done, be found as e (NULL: absent)?
 * Being found as before the step is always fine (lane_matches). */
static bool in_flight_ok(const struct pc_step *s, const struct entry *e)
{
    switch (s->kind) {
    case PC_MKDIR:
        return e == NULL || e->type == FTYPE_DIR;
    case PC_WRITE:
        return e == NULL || (e->type == FTYPE_FILE && e->size <= s->size);
    case PC_UNLINK:
        return e == NULL;
    case PC_APPEND:
        if (e == NULL)
            return s->before == 0;
        return e->type == FTYPE_FILE && e->size >= s->before && e->size <= s->size;
    }
    return true;
}

/* Does the disk show lane after its first j steps, step j in flight? */
static bool lane_matches(int lane, int j)
{
    const struct pc_step *fly = j < nsteps[lane] ? &plans[lane][j] : NULL;
    bool fly_has_path = fly != NULL && fly->kind != PC_REMOVE_OLD;
    apply_steps(lane, j);
    for (int i = 0; i < nactual; i++) {
        const struct entry *a = &actual[i];
        if (!in_lane(a->path, lane))
            continue;
        if (fly_has_path && strcmp(a->path, fly->path) == 0) {
            struct entry *x = find(expected, nexpected, a->path);
            bool as_before = x != NULL && x->type == a->type &&
                             (a->type == FTYPE_DIR || x->size == a->size);
            if (!as_before && !in_flight_ok(fly, a))
                return false;
            continue;
        }
        struct entry *x = find(expected, nexpected, a->path);
        if (x == NULL || x->type != a->type || (a->type == FTYPE_FILE && x->size != a->size))
            return false;
    }
    for (int i = 0; i < nexpected; i++) {
        const struct entry *x = &expected[i];
        if (find(actual, nactual, x->path) != NULL)
            continue;
        if (!(fly_has_path && strcmp(x->path, fly->path) == 0 && in_flight_ok(fly, NULL)))
            return false;
    }
    return true;
}

int main(int argc, char **argv)
{
    if (argc != 4 || atoi(argv[1]) <= 0)
        error("usage: powercut_check ROUND LAST_STEP_LANE0 LAST_STEP_LANE1");
    int round = atoi(argv[1]);
    int reported[PC_LANES] = { atoi(argv[2]), atoi(argv[3]) };
    for (int lane = 0; lane < PC_LANES; lane++)
        nsteps[lane] = pc_plan(round, lane, plans[lane]);
    snprintf(lane1_root, sizeof(lane1_root), "/pc%d/small", round);

    /* Old rounds: content only. This round: content and structure. */
    char mine[PC_PATH];
    snprintf(mine, sizeof(mine), "pc%d", round);
    int old = 0;
    int fd = open("/", FS_RDONLY, EMPTY_MODE);
    struct dirent d;
    while (readdir(fd, &d) == ERR_OK) {
        if (!pc_is_round_dir(d.name))
            continue;
        char path[PC_PATH];
        snprintf(path, sizeof(path), "/%s", d.name);
        bool this_round = strcmp(d.name, mine) == 0;
        old += !this_round;
        walk(path, this_round);
    }
    close(fd);

    int reached[PC_LANES];
    for (int lane = 0; lane < PC_LANES; lane++) {
        int first = reported[lane] + 1;
        if (first < 0 || first > nsteps[lane])
            error("lane %d: step %d reported, the plan has %d", lane, reported[lane], nsteps[lane]);
        /* From the top: a step that completed but was not reported in time
         * also matches as the step in flight; report it as done. */
        int j = nsteps[lane];
        while (j >= first && !(lane_matches(lane, j) && (lane != 0 || j == 0 || old == 0)))
            j--;
        if (j < first)
            error("lane %d: the disk matches no state after step %d of %d "
                  "(%d entries under /pc%d, %d old rounds left)",
                  lane, reported[lane], nsteps[lane], nactual, round, old);
        reached[lane] = j;
        printf("powercut_check: lane %d: %d of %d steps done%s (%d reported)\n", lane, j,
               nsteps[lane], j < nsteps[lane] ? ", the next maybe in part" : "",
               reported[lane] + 1);
    }
    pass("powercut_check: round %d: lane 0 at step %d/%d, lane 1 at step %d/%d, %d old round(s) left",
         round, reached[0], nsteps[0], reached[1], nsteps[1], old);
    return 0;
}
