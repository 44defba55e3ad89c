/*
 * mkfs --check: checks an sfs image (include/kernel/sfs.h) as the next
 * boot would mount it, and prints "IMAGE: clean" (exit 0) or every problem
 * found (exit 1). mkfs.c builds images; this file only reads them.
 *
 * The check recomputes everything a mounted file system relies on: every block in use is
 * reachable exactly once and marked in the bitmap (and nothing else is),
 * every directory entry names a live inode, every directory has the right
 * "." and "..", no directory has two names, and every link count is the
 * number of entries naming the inode.
 *
 * The check reads the image the way the next boot will mount it. A power
 * cut may leave two things the kernel repairs at mount, and the check
 * accepts both, printing a "note:" line for each:
 *   - committed groups in the journal: the check replays them, in its
 *     copy of the image only (the file is never written), then checks the
 *     result; a header that is not well formed is a problem;
 *   - orphans: inodes in use with link count 0 that no directory names (a
 *     file unlinked while open, or whose freeing was cut short); their
 *     blocks must still be consistent. An inode with links but no name, or
 *     a count that is not the number of names, is a problem.
 * So `mkfs --check` can run on the image straight after a power cut, with
 * no boot in between; after a clean halt there is nothing to note.
 */
#include "mkfs.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *check_name;        /* the image's path, for messages */
static int nproblems;
static uint32_t *owner;               /* per block: the inode using it, 0 = none */
static uint32_t *refs;                /* per inode: directory entries naming it */
static uint32_t *parent;              /* per directory inode: the directory naming it */

/* Reports one problem of the image being checked; only the first 100
 * are printed (a wrecked image would print thousands), all are counted. */
static void problem(const char *fmt, ...)
{
    va_list ap;
    if (++nproblems > 100)
        return;
    printf("%s: ", check_name);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
}

/* Something the next mount repairs: not a problem, but worth a line. */
static void note(const char *fmt, ...)
{
    va_list ap;
    printf("%s: note: ", check_name);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
}

/* Replays the groups the journal holds into the in-memory image, as the
 * kernel's mount does (sfs.h), so the rest of the check sees what the
 * next boot will. */
static void replay_journal(void)
{
    struct sfs_journal_header *h = block(sb->journal_start);
    if (h->magic != SFS_JOURNAL_MAGIC) {
        problem("journal header (block %u): bad magic %#x, want %#x", sb->journal_start, h->magic,
                SFS_JOURNAL_MAGIC);
        return;
    }
    if (h->count == 0)
        return;
    if (h->count > sb->journal_blocks - 1 || h->count > SFS_JOURNAL_MAX_SLOTS) {
        problem("journal header: %u blocks, but the journal has %u slots", h->count,
                sb->journal_blocks - 1);
        return;
    }
    for (uint32_t i = 0; i < h->count; i++) {
        if (h->blocks[i] < sb->inode_start || h->blocks[i] >= sb->nblocks) {
            problem("journal header: slot %u goes to block %u, outside the inode table, bitmap "
                    "and data", i, h->blocks[i]);
            return;
        }
    }
    for (uint32_t i = 0; i < h->count; i++)
        memcpy(block(h->blocks[i]), block(sb->journal_start + 1 + i), SFS_BLOCK_SIZE);
    note("the journal holds %u committed block copies, commits up to %llu: checked as replayed "
         "(the next mount replays them)", h->count, (unsigned long long)h->sequence);
}

/* Records that inode inum uses block b; false if b cannot be read. */
static int claim(uint32_t inum, uint32_t b)
{
    if (b < sb->data_start || b >= sb->nblocks) {
        problem("inode %u: block %u is outside the data area", inum, b);
        return 0;
    }
    if (owner[b] != 0) {
        problem("block %u is used by inode %u and by inode %u", b, owner[b], inum);
        return 0;
    }
    owner[b] = inum;
    return 1;
}

/* Claims an indirect block and its entries; fbn is the file block number
 * of its first entry, nb the number of blocks the file's size needs. */
static void claim_indirect(uint32_t inum, uint32_t b, uint64_t fbn, uint64_t nb, int depth)
{
    if (b == 0)
        return;
    if (fbn >= nb)
        problem("inode %u: block %u lies past the end of the file", inum, b);
    if (!claim(inum, b))
        return;
    uint32_t *entries = block(b);
    uint64_t span = depth == 1 ? 1 : SFS_NINDIRECT;
    for (uint64_t i = 0; i < SFS_NINDIRECT; i++) {
        if (depth == 1) {
            if (entries[i] == 0)
                continue;
            if (fbn + i >= nb)
                problem("inode %u: block %u lies past the end of the file", inum, entries[i]);
            claim(inum, entries[i]);
        } else {
            claim_indirect(inum, entries[i], fbn + i * span, nb, depth - 1);
        }
    }
}

/* Claims every block inode inum uses (direct, indirect and doubly
 * indirect, with the index blocks themselves), and reports blocks past
 * the end of the file, which a later growth would expose as data. */
static void claim_inode_blocks(uint32_t inum, struct sfs_inode *ip)
{
    uint64_t nb = (ip->size + SFS_BLOCK_SIZE - 1) / SFS_BLOCK_SIZE;
    for (uint64_t i = 0; i < SFS_NDIRECT; i++) {
        if (ip->direct[i] == 0)
            continue;
        if (i >= nb)
            problem("inode %u: block %u lies past the end of the file", inum, ip->direct[i]);
        claim(inum, ip->direct[i]);
    }
    claim_indirect(inum, ip->indirect, SFS_NDIRECT, nb, 1);
    claim_indirect(inum, ip->dindirect, SFS_NDIRECT + SFS_NINDIRECT, nb, 2);
}

/* The block holding file block fbn, or 0 (a hole, or a bad pointer
 * already reported). */
static uint32_t lookup_block(struct sfs_inode *ip, uint64_t fbn)
{
    uint32_t b;
    if (fbn < SFS_NDIRECT) {
        b = ip->direct[fbn];
    } else if ((fbn -= SFS_NDIRECT) < SFS_NINDIRECT) {
        if (ip->indirect < sb->data_start || ip->indirect >= sb->nblocks)
            return 0;
        b = ((uint32_t *)block(ip->indirect))[fbn];
    } else {
        fbn -= SFS_NINDIRECT;
        if (fbn >= SFS_NDINDIRECT || ip->dindirect < sb->data_start || ip->dindirect >= sb->nblocks)
            return 0;
        uint32_t ind = ((uint32_t *)block(ip->dindirect))[fbn / SFS_NINDIRECT];
        if (ind < sb->data_start || ind >= sb->nblocks)
            return 0;
        b = ((uint32_t *)block(ind))[fbn % SFS_NINDIRECT];
    }
    return b >= sb->data_start && b < sb->nblocks ? b : 0;
}

/* Reads entry i of directory ip into *d (zeros for a hole). */
static void read_dirent(struct sfs_inode *ip, uint64_t i, struct sfs_dirent *d)
{
    uint64_t off = i * sizeof(*d);
    uint32_t b = lookup_block(ip, off / SFS_BLOCK_SIZE);
    if (b == 0)
        memset(d, 0, sizeof(*d));
    else
        memcpy(d, (uint8_t *)block(b) + off % SFS_BLOCK_SIZE, sizeof(*d));
}

/* Whether a directory entry's name is one the kernel could have written:
 * 1 to SFS_NAME_LEN - 1 bytes, NUL-terminated, no '/'. */
static int name_ok(const char *name)
{
    size_t len = strnlen(name, SFS_NAME_LEN);
    return len > 0 && len < SFS_NAME_LEN && memchr(name, '/', len) == NULL;
}

/* Entry i (0 or 1) of directory dir must be "." naming dir, or ".."
 * naming the directory that names dir (the root's own, for the root). */
static void check_dot_entry(uint32_t dir, uint64_t i, const struct sfs_dirent *d)
{
    const char *want = i == 0 ? "." : "..";
    uint32_t target = i == 0 ? dir : parent[dir];
    if (strncmp(d->name, want, SFS_NAME_LEN) != 0)
        problem("directory %u: entry %llu is '%.28s', not \"%s\"", dir, (unsigned long long)i,
                d->name, want);
    else if ((uint32_t)d->inode_num != target)
        problem("directory %u: \"%s\" names inode %d, not %u", dir, want, d->inode_num, target);
}

/* Whether entry i (past "." and "..") of directory dir has a name the
 * kernel could have made, and one no earlier entry has (a second entry
 * of one name would hide the first). */
static int check_entry_name(uint32_t dir, struct sfs_inode *ip, uint64_t i,
                            const struct sfs_dirent *d)
{
    if (!name_ok(d->name) || strcmp(d->name, ".") == 0 || strcmp(d->name, "..") == 0) {
        problem("directory %u: entry %llu has a bad name '%.28s'", dir, (unsigned long long)i, d->name);
        return 0;
    }
    for (uint64_t j = 2; j < i; j++) {
        struct sfs_dirent e;
        read_dirent(ip, j, &e);
        if (e.inode_num != 0 && strncmp(e.name, d->name, SFS_NAME_LEN) == 0)
            problem("directory %u: two entries named '%.28s'", dir, d->name);
    }
    return 1;
}

/* Checks directory dir: its size, its "." and "..", and each entry names
 * an inode in use (counted in refs[]) under a good name; queues its
 * subdirectories in queue[*tail], each reached by one name only. */
static void check_dir(uint32_t dir, uint32_t *queue, uint32_t *tail)
{
    struct sfs_inode *ip = inode(dir);
    if (ip->size % sizeof(struct sfs_dirent) != 0)
        problem("directory %u: size %llu is not a multiple of %zu", dir,
                (unsigned long long)ip->size, sizeof(struct sfs_dirent));
    uint64_t n = ip->size / sizeof(struct sfs_dirent);
    if (n < 2) {
        problem("directory %u: lacks \".\" and \"..\"", dir);
        return;
    }
    for (uint64_t i = 0; i < n; i++) {
        struct sfs_dirent d;
        read_dirent(ip, i, &d);
        if (i < 2)
            check_dot_entry(dir, i, &d);
        if (d.inode_num == 0)
            continue;
        if (d.inode_num < 0 || (uint32_t)d.inode_num >= sb->ninodes) {
            problem("directory %u: entry '%.28s' names inode %d, which does not exist", dir,
                    d.name, d.inode_num);
            continue;
        }
        uint32_t child = (uint32_t)d.inode_num;
        struct sfs_inode *cp = inode(child);
        if (cp->type == SFS_TYPE_FREE) {
            problem("directory %u: entry '%.28s' names free inode %u", dir, d.name, child);
            continue;
        }
        refs[child]++;
        if (i < 2 || !check_entry_name(dir, ip, i, &d))
            continue;
        if (cp->type == SFS_TYPE_DIR) {
            if (parent[child] != 0) {
                problem("directory %u has two names (in directories %u and %u)", child, parent[child], dir);
                continue;
            }
            parent[child] = dir;
            queue[(*tail)++] = child;
        }
    }
}

/* Checks that the superblock describes a layout that fits the image and
 * does not overlap itself; the rest of the check trusts it. Returns 0
 * when it cannot be trusted (the check stops there). */
static int check_superblock(size_t image_bytes)
{
    if (image_bytes < 2 * SFS_BLOCK_SIZE) {
        problem("image too small (%zu bytes)", image_bytes);
        return 0;
    }
    if (sb->magic != SFS_MAGIC) {
        problem("bad magic %#x (want %#x): not an sfs image", sb->magic, SFS_MAGIC);
        return 0;
    }
    if (sb->version != SFS_VERSION)
        problem("version %u, this tool knows %u", sb->version, SFS_VERSION);
    int ok = 1;
    if ((uint64_t)sb->nblocks * SFS_BLOCK_SIZE > image_bytes) {
        problem("superblock says %u blocks, the image has only %zu", sb->nblocks,
                image_bytes / SFS_BLOCK_SIZE);
        ok = 0;
    }
    if (sb->journal_start < 2 || sb->inode_start < sb->journal_start + sb->journal_blocks ||
        sb->bitmap_start < sb->inode_start + sb->inode_blocks ||
        sb->data_start < sb->bitmap_start + sb->bitmap_blocks || sb->data_start > sb->nblocks) {
        problem("regions overlap or are out of order (journal %u+%u, inodes %u+%u, bitmap %u+%u, data %u, end %u)",
                sb->journal_start, sb->journal_blocks, sb->inode_start, sb->inode_blocks, sb->bitmap_start,
                sb->bitmap_blocks, sb->data_start, sb->nblocks);
        ok = 0;
    }
    if ((uint64_t)sb->inode_blocks * SFS_INODES_PER_BLOCK < sb->ninodes ||
        (uint64_t)sb->bitmap_blocks * SFS_BITS_PER_BLOCK < sb->nblocks) {
        problem("the inode table or the bitmap is too small for %u inodes, %u blocks", sb->ninodes, sb->nblocks);
        ok = 0;
    }
    if (sb->root_inode != SFS_ROOT_INODE || sb->ninodes <= SFS_ROOT_INODE) {
        problem("root inode is %u, want %u", sb->root_inode, SFS_ROOT_INODE);
        ok = 0;
    }
    if (sb->journal_blocks < 2) {
        problem("the journal has %u blocks: it needs a header and a slot", sb->journal_blocks);
        ok = 0;
    }
    if (sb->scratch_blocks != 0 &&
        (sb->scratch_start < sb->nblocks ||
         ((uint64_t)sb->scratch_start + sb->scratch_blocks) * SFS_BLOCK_SIZE > image_bytes)) {
        problem("the scratch area (%u+%u) is not between the file system's end (%u) and the image's (%zu)",
                sb->scratch_start, sb->scratch_blocks, sb->nblocks, image_bytes / SFS_BLOCK_SIZE);
        ok = 0;
    }
    return ok;
}

/* Points img at a private copy-on-write mapping of the image file fd
 * (len bytes) followed by zeros, two blocks more than the file, as a
 * zeroed buffer the file was read into would be. Only the pages the
 * check touches are read: the metadata, not the 36 MiB of file data and
 * scratch area a read() copied (most of the check's time, which the test
 * runner pays after every boot). The journal's replay writes to the
 * mapping only, never to the file (MAP_PRIVATE). */
static void map_image(int fd, const char *path, size_t len)
{
    size_t size = len + 2 * SFS_BLOCK_SIZE;
    img = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (img == MAP_FAILED)
        die("out of memory");
    if (len > 0 &&
        mmap(img, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, fd, 0) == MAP_FAILED)
        die("%s: read error", path);
}

/* The first pass: every inode has a known type (a free one is all
 * zeros), and claims the blocks it uses, so a block used twice is seen. */
static void check_inodes(void)
{
    for (uint32_t i = 0; i < sb->ninodes; i++) {
        struct sfs_inode *ip = inode(i);
        if (ip->type == SFS_TYPE_FREE) {
            static const struct sfs_inode zero;
            if (memcmp(ip, &zero, sizeof(zero)) != 0)
                problem("inode %u is free but not zeroed", i);
            continue;
        }
        if (i == 0) {
            problem("inode 0 is in use (type %u); it must stay free", ip->type);
            continue;
        }
        if (ip->type > SFS_TYPE_DEV) {
            problem("inode %u: unknown type %u", i, ip->type);
            continue;
        }
        claim_inode_blocks(i, ip);
    }
}

/* The second pass: the tree from the root, breadth first (check_dir
 * checks names, "." and "..", and counts the entries naming each inode
 * in refs[]). */
static void check_tree(void)
{
    if (inode(SFS_ROOT_INODE)->type != SFS_TYPE_DIR) {
        problem("the root (inode %u) is not a directory", SFS_ROOT_INODE);
        return;
    }
    uint32_t *queue = calloc(sb->ninodes, sizeof(*queue));
    if (!queue)
        die("out of memory");
    uint32_t head = 0, tail = 0;
    parent[SFS_ROOT_INODE] = SFS_ROOT_INODE;
    queue[tail++] = SFS_ROOT_INODE;
    while (head < tail)
        check_dir(queue[head++], queue, &tail);
    free(queue);
}

/* The third pass: every inode in use has as many links as the tree has
 * names for it; one with neither is an orphan the next mount frees. */
static void check_links(void)
{
    for (uint32_t i = 1; i < sb->ninodes; i++) {
        struct sfs_inode *ip = inode(i);
        if (ip->type == SFS_TYPE_FREE || ip->type > SFS_TYPE_DEV)
            continue;
        if (refs[i] == 0 && ip->nlink == 0)
            note("inode %u is an orphan (in use, link count 0, no name): the next mount frees it", i);
        else if (refs[i] == 0)
            problem("inode %u is in use but no directory entry names it", i);
        else if (refs[i] != ip->nlink)
            problem("inode %u: link count %u, but %u directory entries name it", i, ip->nlink, refs[i]);
    }
}

/* The last pass: the bitmap marks exactly the blocks found in use (the
 * metadata before data_start, and the blocks the inodes claimed). */
static void check_bitmap(void)
{
    for (uint32_t b = 0; b < sb->nblocks; b++) {
        int used = b < sb->data_start || owner[b] != 0;
        int marked = bitmap_get(b);
        if (used && !marked)
            problem("block %u is in use but marked free", b);
        else if (!used && marked)
            problem("block %u is marked used but nothing uses it", b);
    }
}

/* Maps the image, replays its journal in that private copy, then checks
 * it pass by pass. Contract in mkfs.h. */
int check_image(const char *path)
{
    check_name = path;
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        fprintf(stderr, "mkfs: %s: cannot open\n", path);
        return 1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0)
        die("%s: cannot size", path);
    size_t len = (size_t)st.st_size;
    map_image(fd, path, len);
    close(fd);
    sb = block(SFS_SUPERBLOCK_BLOCK);
    if (!check_superblock((size_t)len)) {
        printf("%s: %d problem%s\n", path, nproblems, nproblems == 1 ? "" : "s");
        return 1;
    }

    replay_journal();
    owner = calloc(sb->nblocks, sizeof(*owner));
    refs = calloc(sb->ninodes, sizeof(*refs));
    parent = calloc(sb->ninodes, sizeof(*parent));
    if (!owner || !refs || !parent)
        die("out of memory");
    check_inodes();
    check_tree();
    check_links();
    check_bitmap();

    if (nproblems == 0) {
        printf("%s: clean\n", path);
        return 0;
    }
    if (nproblems > 100)
        printf("%s: ... and %d more\n", path, nproblems - 100);
    printf("%s: %d problem%s\n", path, nproblems, nproblems == 1 ? "" : "s");
    return 1;
}

