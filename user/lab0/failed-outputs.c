/*
 * failed-outputs: a call that fails leaves the variable it would have
 * filled as it was. A lab program checks an error case with the same
 * variable it then goes on using (map() of a missing region into the
 * pointer of a live view, fstat of the console into a stat it filled
 * before); osv-rv's map stored NULL there and fstat an empty stat, so the
 * program's next unmap or size check failed.
 */
#include <lib/test.h>
#include <lib/string.h>

int
main(void)
{
    char *addr;
    char *kept;
    struct stat st;
    int fd, ret;

    if ((ret = createSharedRegion("failed-outputs", 1, RS_DEFAULT)) != ERR_OK)
        error("createSharedRegion = %d", ret);
    if ((ret = map("failed-outputs", (void **)&addr)) != ERR_OK)
        error("map = %d", ret);
    kept = addr;
    if ((ret = map("failed-outputs-none", (void **)&addr)) != ERR_NOTEXIST)
        error("map of a missing region = %d", ret);
    if (addr != kept)
        error("a failed map changed the pointer from %p to %p", kept, addr);
    if ((ret = unmap("failed-outputs", addr)) != ERR_OK)
        error("unmap after a failed map = %d", ret);
    if ((ret = destroySharedRegion("failed-outputs")) != ERR_OK)
        error("destroySharedRegion = %d", ret);

    if ((fd = open("/README", FS_RDONLY, EMPTY_MODE)) < 0 || fstat(fd, &st) != ERR_OK)
        error("fstat of /README");
    if ((ret = fstat(1, &st)) != ERR_INVAL)
        error("fstat of the console = %d", ret);
    if (st.ftype != FTYPE_FILE || st.size != 150)
        error("a failed fstat changed the stat to type %d, size %d", st.ftype, (int)st.size);
    close(fd);
    pass("failed-outputs");
    exit(0);
}
