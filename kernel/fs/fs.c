/*
 * Mounting the file system: fs_init reads the superblock, checks that it
 * describes a sane sfs image on this disk (its scratch area, if any, past
 * the file system and within the disk), has the journal replay what a
 * power cut left, checks the root directory and frees orphans. And the
 * other end: fs_shutdown leaves the disk clean for halt.
 */
#include "fs_internal.h"
#include <kernel/bcache.h>
#include <kernel/bdev.h>
#include <kernel/console.h>
#include <kernel/string.h>

struct sfs_superblock fs_sb;
static struct inode *root_inode;       /* held for good, so fs_root never fails */

/* A panic, not an error: metadata that cannot be right means the image is
 * damaged, and going on would spread the damage. Says what to run next. */
void fs_corrupt(uint32_t inum, const char *what)
{
    panic("fs: inode %u: %s (corrupt file system? try mkfs --check on the image)", inum, what);
}

/* True when the superblock's regions are in order, inside the disk and
 * large enough: what the rest of the file system takes for granted. */
static bool superblock_sane(const struct sfs_superblock *sb)
{
    return sb->journal_start >= SFS_SUPERBLOCK_BLOCK + 1 &&
           sb->inode_start >= sb->journal_start + sb->journal_blocks &&
           sb->bitmap_start >= sb->inode_start + sb->inode_blocks &&
           sb->data_start >= sb->bitmap_start + sb->bitmap_blocks &&
           sb->data_start < sb->nblocks &&
           (uint64_t)sb->inode_blocks * SFS_INODES_PER_BLOCK >= sb->ninodes &&
           (uint64_t)sb->bitmap_blocks * SFS_BITS_PER_BLOCK >= sb->nblocks &&
           sb->root_inode == SFS_ROOT_INODE && sb->ninodes > SFS_ROOT_INODE &&
           (sb->scratch_blocks == 0 ||
            (sb->scratch_start >= sb->nblocks &&
             (uint64_t)sb->scratch_start + sb->scratch_blocks <= bdev_nblocks()));
}

/* Mounts the disk: reads and checks the superblock, then sets up the
 * block allocator and journal (recovering it) and frees orphan inodes.
 * Called once from the boot thread, which may sleep on the disk. */
void fs_init(void)
{
    if (!bdev_present())
        panic("fs_init: no disk: QEMU needs a virtio-blk drive holding fs.img "
              "(-drive file=fs.img,... -device virtio-blk-device,...)");

    inode_table_init();
    struct buf *b = bread(SFS_SUPERBLOCK_BLOCK);
    memcpy(&fs_sb, b->data, sizeof(fs_sb));
    brelse(b);

    if (fs_sb.magic != SFS_MAGIC)
        panic("fs_init: the disk holds no osv file system (magic %#x, expected %#x); "
              "was it made by mkfs?", fs_sb.magic, SFS_MAGIC);
    if (fs_sb.version != SFS_VERSION)
        panic("fs_init: file system version %u, this kernel reads version %u",
              fs_sb.version, SFS_VERSION);
    if (fs_sb.nblocks > bdev_nblocks())
        panic("fs_init: the file system has %u blocks but the disk only %lu",
              fs_sb.nblocks, bdev_nblocks());
    if (!superblock_sane(&fs_sb))
        panic("fs_init: the superblock's layout is inconsistent (run mkfs --check)");
    balloc_init();
    journal_init(&fs_sb);

    root_inode = inode_get(SFS_ROOT_INODE);
    if (root_inode == NULL)
        panic("fs_init: the in-memory inode table is full");
    inode_lock(root_inode);
    if (root_inode->d.type != SFS_TYPE_DIR)
        fs_corrupt(SFS_ROOT_INODE, "the root is not a directory");
    inode_unlock(root_inode);

    int orphans = inode_free_orphans();
    if (orphans > 0)
        kprintf("[fs] freed %d orphan inode(s): a crash cut their freeing short\n", orphans);
    kprintf("[fs] sfs: %u blocks, %u inodes, journal %u+%u, data from block %u, "
            "scratch %u+%u\n", fs_sb.nblocks, fs_sb.ninodes, fs_sb.journal_start,
            fs_sb.journal_blocks, fs_sb.data_start, fs_sb.scratch_start, fs_sb.scratch_blocks);
}

/* The journal owns transactions, so halting them is its job (journal.h).
 * Contract in <kernel/fs.h>. */
void fs_shutdown(void)
{
    journal_shutdown();
}

/* A new reference to the root directory, held since fs_init (so it is
 * never freed). Contract in <kernel/fs.h>. */
struct inode *fs_root(void)
{
    kassert(root_inode != NULL);
    return inode_dup(root_inode);
}
