/*
 * Mounting the file system: fs_init reads the superblock, checks that it
 * describes a sane sfs image on this disk, and checks the root directory.
 * Also the transaction brackets every change goes through (fs.h); the
 * write-ahead journal of the next milestone fills them in.
 */
#include <kernel/fs.h>
#include <kernel/bcache.h>
#include <kernel/bdev.h>
#include <kernel/console.h>
#include <kernel/string.h>

struct sfs_superblock fs_sb;
static struct inode *root_inode;       /* held for good, so fs_root never fails */

void fs_corrupt(uint32_t inum, const char *what)
{
    panic("fs: inode %u: %s (corrupt file system? try mkfs --check on the image)", inum, what);
}

static bool superblock_sane(const struct sfs_superblock *sb)
{
    return sb->journal_start >= SFS_SUPERBLOCK_BLOCK + 1 &&
           sb->inode_start >= sb->journal_start + sb->journal_blocks &&
           sb->bitmap_start >= sb->inode_start + sb->inode_blocks &&
           sb->data_start >= sb->bitmap_start + sb->bitmap_blocks &&
           sb->data_start < sb->nblocks &&
           (uint64_t)sb->inode_blocks * SFS_INODES_PER_BLOCK >= sb->ninodes &&
           (uint64_t)sb->bitmap_blocks * SFS_BITS_PER_BLOCK >= sb->nblocks &&
           sb->root_inode == SFS_ROOT_INODE && sb->ninodes > SFS_ROOT_INODE;
}

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
    if (fs_sb.journal_state != SFS_JOURNAL_EMPTY)
        kprintf("[fs] warning: the journal holds a committed transaction; "
                "this kernel cannot replay it yet\n");

    root_inode = inode_get(SFS_ROOT_INODE);
    if (root_inode == NULL)
        panic("fs_init: the in-memory inode table is full");
    inode_lock(root_inode);
    if (root_inode->d.type != SFS_TYPE_DIR)
        fs_corrupt(SFS_ROOT_INODE, "the root is not a directory");
    inode_unlock(root_inode);

    kprintf("[fs] sfs: %u blocks, %u inodes, journal %u+%u, data from block %u\n",
            fs_sb.nblocks, fs_sb.ninodes, fs_sb.journal_start, fs_sb.journal_blocks,
            fs_sb.data_start);
}

struct inode *fs_root(void)
{
    kassert(root_inode != NULL);
    return inode_dup(root_inode);
}

/* Transactions: only brackets for now (fs.h). */
void fs_tx_begin(void)
{
}

void fs_tx_end(void)
{
}

void fs_tx_write(struct buf *b)
{
    bwrite(b);
}
