/*
 * mkfs: builds and checks osv simple file system images on the host.
 *
 *   mkfs fs.img FILE...     writes a new image holding FILE... in its root
 *                           directory, in argument order, named by basename
 *                           (as a new file renamed over fs.img, never in
 *                           place: a running machine keeps its disk)
 *   mkfs --check fs.img     checks an image; prints "fs.img: clean" and exits
 *                           0, or lists every problem found and exits 1
 *
 * The format is include/kernel/sfs.h. An image made here is a file system
 * of MKFS_BLOCKS blocks of 4096 bytes (32 MiB) laid out as
 *
 *   block 0         unused (boot block)
 *   block 1         superblock
 *   blocks 2..65    journal (64 blocks): an empty header, then 63 slots
 *   next 16 blocks  inode table: 1024 inodes of 64 bytes; 0 unused, 1 root
 *   next block      free-block bitmap (one block covers 32768 blocks)
 *   the rest        data: directories, files, indirect blocks
 *
 * followed by the scratch area, MKFS_SCRATCH_BLOCKS zeroed blocks (4 MiB)
 * outside the file system, for the benchmarks' raw disk writes: a 36 MiB
 * image in all.
 *
 * Files are written contiguously, in argument order, so the root directory
 * lists them in that order (docs/api.md wants README, largefile, smallfile,
 * testfile first; the Makefile passes them so).
 *
 * This file holds what both halves share (the image in memory, mkfs.h),
 * the building half and main; the checking half is check.c.
 *
 * Built with the host compiler and -DOSV_HOST_TOOL (see the Makefile).
 */
#include "mkfs.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MKFS_BLOCKS 8192               /* 32 MiB */
#define MKFS_INODES 1024
#define MKFS_JOURNAL_BLOCKS 64
#define MKFS_SCRATCH_BLOCKS 1024       /* 4 MiB past the file system */
#define MKFS_IMAGE_BLOCKS (MKFS_BLOCKS + MKFS_SCRATCH_BLOCKS)

uint8_t *img;                          /* mkfs.h */
struct sfs_superblock *sb;

/* No bounds check: callers pass blocks the superblock or an inode names,
 * checked where they come from disk. Contract in mkfs.h. */
void *block(uint32_t b)
{
    return img + (size_t)b * SFS_BLOCK_SIZE;
}

/* Through the superblock's layout (sfs.h). Contract in mkfs.h. */
struct sfs_inode *inode(uint32_t inum)
{
    struct sfs_inode *table = block(SFS_INODE_BLOCK(sb, inum));
    return &table[SFS_INODE_INDEX(inum)];
}

/* Bit b % 8 of byte b / 8 of the bitmap, which runs on across its blocks
 * (sfs.h). Contract in mkfs.h. */
int bitmap_get(uint32_t b)
{
    uint8_t *map = block(sb->bitmap_start);
    return (map[b / 8] >> (b % 8)) & 1;
}

/* Exits 1: a build cannot go on with an image it could not make or read.
 * Contract in mkfs.h. */
void die(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "mkfs: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
    exit(1);
}

/* Marks block b in use in the free-block bitmap. */
static void bitmap_set(uint32_t b)
{
    uint8_t *map = block(sb->bitmap_start);
    map[b / 8] |= (uint8_t)(1 << (b % 8));
}

static uint32_t next_block;            /* data blocks are handed out in order */
static uint32_t next_inode = SFS_ROOT_INODE;

/* The next unused data block, marked in use: files are laid out in
 * order, so the image needs no free-space search. */
static uint32_t alloc_block(void)
{
    if (next_block >= sb->nblocks)
        die("image full (%u blocks)", sb->nblocks);
    bitmap_set(next_block);
    return next_block++;
}

/* The next unused inode, zeroed, with the given type and no links yet
 * (dir_add counts them). */
static uint32_t alloc_inode(int type)
{
    if (next_inode >= sb->ninodes)
        die("out of inodes (%u)", sb->ninodes);
    struct sfs_inode *ip = inode(next_inode);
    memset(ip, 0, sizeof(*ip));
    ip->type = (uint16_t)type;
    return next_inode++;
}

/* Returns *slot, allocating a block for it first if it is 0. */
static uint32_t slot_block(uint32_t *slot)
{
    if (*slot == 0)
        *slot = alloc_block();
    return *slot;
}

/* The disk block holding block fbn of the file, allocated if missing. */
static uint32_t file_block(struct sfs_inode *ip, uint64_t fbn)
{
    if (fbn < SFS_NDIRECT)
        return slot_block(&ip->direct[fbn]);
    fbn -= SFS_NDIRECT;
    if (fbn < SFS_NINDIRECT) {
        uint32_t *ind = block(slot_block(&ip->indirect));
        return slot_block(&ind[fbn]);
    }
    fbn -= SFS_NINDIRECT;
    if (fbn >= SFS_NDINDIRECT)
        die("file too large");
    uint32_t *dind = block(slot_block(&ip->dindirect));
    uint32_t *ind = block(slot_block(&dind[fbn / SFS_NINDIRECT]));
    return slot_block(&ind[fbn % SFS_NINDIRECT]);
}

/* Appends n bytes to the file. */
static void append(uint32_t inum, const void *data, size_t n)
{
    struct sfs_inode *ip = inode(inum);
    const uint8_t *src = data;
    while (n > 0) {
        uint64_t off = ip->size % SFS_BLOCK_SIZE;
        size_t m = SFS_BLOCK_SIZE - off < n ? SFS_BLOCK_SIZE - off : n;
        uint8_t *dst = block(file_block(ip, ip->size / SFS_BLOCK_SIZE));
        memcpy(dst + off, src, m);
        ip->size += m;
        src += m;
        n -= m;
    }
}

/* Appends the entry name -> inum to directory dir and counts the link.
 * Names are checked here because the kernel refuses what sfs.h does not
 * allow, and an image it cannot read is worse than a build error. */
static void dir_add(uint32_t dir, const char *name, uint32_t inum)
{
    struct sfs_dirent d;
    memset(&d, 0, sizeof(d));
    if (strlen(name) == 0 || strlen(name) >= SFS_NAME_LEN)
        die("name '%s' must be 1 to %d bytes", name, SFS_NAME_LEN - 1);
    strcpy(d.name, name);
    d.inode_num = (int32_t)inum;
    append(dir, &d, sizeof(d));
    inode(inum)->nlink++;
}

/* The inode directory dir names name, or 0. */
static uint32_t dir_find(uint32_t dir, const char *name)
{
    struct sfs_inode *ip = inode(dir);
    for (uint64_t off = 0; off < ip->size; off += sizeof(struct sfs_dirent)) {
        uint8_t *data = block(file_block(ip, off / SFS_BLOCK_SIZE));
        struct sfs_dirent *d = (struct sfs_dirent *)(data + off % SFS_BLOCK_SIZE);
        if (d->inode_num != 0 && strncmp(d->name, name, SFS_NAME_LEN) == 0)
            return (uint32_t)d->inode_num;
    }
    return 0;
}

/* The last component of a host path: the file's name in the image. */
static const char *basename_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* Copies host file path into the image's root directory under its base
 * name; two files with one name are an error, not a silent overwrite. */
static void add_file(uint32_t root, const char *path)
{
    const char *name = basename_of(path);
    if (dir_find(root, name) != 0)
        die("%s: a file named '%s' is already in the image", path, name);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        die("%s: cannot open", path);
    uint32_t inum = alloc_inode(SFS_TYPE_FILE);
    dir_add(root, name, inum);
    static uint8_t buf[SFS_BLOCK_SIZE];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        append(inum, buf, n);
    if (ferror(f))
        die("%s: read error", path);
    fclose(f);
}

/* Lays out an empty file system of the layout above in the zeroed img:
 * the superblock, an empty journal, the metadata blocks marked in use. */
static void layout(void)
{
    sb = block(SFS_SUPERBLOCK_BLOCK);
    sb->magic = SFS_MAGIC;
    sb->version = SFS_VERSION;
    sb->nblocks = MKFS_BLOCKS;
    sb->ninodes = MKFS_INODES;
    sb->journal_start = SFS_SUPERBLOCK_BLOCK + 1;
    sb->journal_blocks = MKFS_JOURNAL_BLOCKS;
    sb->reserved = 0;
    sb->inode_start = sb->journal_start + sb->journal_blocks;
    sb->inode_blocks = (MKFS_INODES + SFS_INODES_PER_BLOCK - 1) / SFS_INODES_PER_BLOCK;
    sb->bitmap_start = sb->inode_start + sb->inode_blocks;
    sb->bitmap_blocks = (MKFS_BLOCKS + SFS_BITS_PER_BLOCK - 1) / SFS_BITS_PER_BLOCK;
    sb->data_start = sb->bitmap_start + sb->bitmap_blocks;
    sb->root_inode = SFS_ROOT_INODE;
    sb->scratch_start = MKFS_BLOCKS;
    sb->scratch_blocks = MKFS_SCRATCH_BLOCKS;

    struct sfs_journal_header *jh = block(sb->journal_start);
    jh->magic = SFS_JOURNAL_MAGIC;     /* count 0: nothing to replay */
    for (uint32_t b = 0; b < sb->data_start; b++)
        bitmap_set(b);
    next_block = sb->data_start;
}

/* The new image's file while it is written, removed if we are stopped
 * (Ctrl-C in make): its name is ours alone, so no later mkfs would
 * reuse it, and each would be left behind, an image's size each. */
static char tmp[4096];

/* On SIGINT, SIGTERM or SIGHUP while the image is written: removes the
 * new file, then dies of the signal as we would have. */
static void remove_tmp(int sig)
{
    unlink(tmp);
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Writes img to out as a new file renamed over the old one: a QEMU still
 * running on the old image (make while make qemu runs) keeps its own
 * copy, never sees its disk rewritten under it, and its writes stay
 * consistent. The new file's name is this process's own, so two mkfs
 * writing the same image at once (make test in one terminal while make
 * qemu rebuilds in another) each write a whole file and the last rename
 * wins; with one name for both, one wrote into the file the other had
 * already renamed away and failed ("cannot rename"), or both wrote it at
 * once. A failed write leaves no file behind. */
static void write_image(const char *out)
{
    if (snprintf(tmp, sizeof(tmp), "%s.%ld.new", out, (long)getpid()) >= (int)sizeof(tmp))
        die("%s: name too long", out);
    signal(SIGINT, remove_tmp);
    signal(SIGTERM, remove_tmp);
    signal(SIGHUP, remove_tmp);
    FILE *f = fopen(tmp, "wb");
    if (f == NULL)
        die("%s: cannot create", tmp);
    if (fwrite(img, SFS_BLOCK_SIZE, MKFS_IMAGE_BLOCKS, f) != MKFS_IMAGE_BLOCKS || fclose(f) != 0) {
        remove(tmp);
        die("%s: write error", tmp);
    }
    if (rename(tmp, out) != 0) {
        remove(tmp);
        die("%s: cannot rename to %s", tmp, out);
    }
}

/* Builds a new image holding files in its root directory and writes it
 * to out. */
static int make_image(const char *out, int nfiles, char **files)
{
    img = calloc(MKFS_IMAGE_BLOCKS, SFS_BLOCK_SIZE);
    if (img == NULL)
        die("out of memory");
    layout();
    uint32_t root = alloc_inode(SFS_TYPE_DIR);
    if (root != SFS_ROOT_INODE)
        die("root is inode %u, not %u", root, SFS_ROOT_INODE);
    dir_add(root, ".", root);
    dir_add(root, "..", root);
    for (int i = 0; i < nfiles; i++)
        add_file(root, files[i]);
    write_image(out);
    printf("mkfs: %s: %d files, %u of %u blocks and %u of %u inodes used\n", out, nfiles,
           next_block, sb->nblocks, next_inode, sb->ninodes);
    return 0;
}

/* mkfs IMAGE FILE... or mkfs --check IMAGE (the top of this file). */
int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--check") == 0)
        return check_image(argv[2]);
    if (argc < 2 || argv[1][0] == '-') {
        fprintf(stderr, "usage: mkfs fs.img FILE...\n       mkfs --check fs.img\n");
        return 2;
    }
    return make_image(argv[1], argc - 2, argv + 2);
}
