/*
 * The in-memory inode table (xv6's itable): at most one struct inode per
 * on-disk inode, shared and reference counted, each with a sleeplock over
 * its copy of the disk inode. Also allocating on-disk inodes, and freeing
 * them when the last reference to an unlinked file goes. Contract: fs.h.
 */
#include <kernel/fs.h>
#include <kernel/bcache.h>
#include <kernel/console.h>
#include <kernel/string.h>

static struct {
    struct spinlock lock;              /* guards inum and ref of every slot */
    struct inode inode[FS_NINODE];
} itable;

void inode_table_init(void)
{
    spinlock_init(&itable.lock, "itable");
    for (int i = 0; i < FS_NINODE; i++)
        sleeplock_init(&itable.inode[i].lock, "inode");
}

struct inode *inode_get(uint32_t inum)
{
    if (inum == 0 || inum >= fs_sb.ninodes)
        fs_corrupt(inum, "inode number out of range");
    spinlock_acquire(&itable.lock);
    struct inode *empty = NULL;
    for (int i = 0; i < FS_NINODE; i++) {
        struct inode *ip = &itable.inode[i];
        if (ip->ref > 0 && ip->inum == inum) {
            ip->ref++;
            spinlock_release(&itable.lock);
            return ip;
        }
        if (empty == NULL && ip->ref == 0)
            empty = ip;
    }
    if (empty != NULL) {
        /* ref 0: no one holds its lock, so valid may be reset here. */
        empty->inum = inum;
        empty->ref = 1;
        empty->valid = false;
    }
    spinlock_release(&itable.lock);
    return empty;
}

struct inode *inode_dup(struct inode *ip)
{
    spinlock_acquire(&itable.lock);
    ip->ref++;
    spinlock_release(&itable.lock);
    return ip;
}

void inode_lock(struct inode *ip)
{
    sleeplock_acquire(&ip->lock);
    if (!ip->valid) {
        struct buf *b = bread(SFS_INODE_BLOCK(&fs_sb, ip->inum));
        memcpy(&ip->d, b->data + SFS_INODE_INDEX(ip->inum) * SFS_INODE_SIZE, sizeof(ip->d));
        brelse(b);
        if (ip->d.type == SFS_TYPE_FREE || ip->d.type > SFS_TYPE_DEV)
            fs_corrupt(ip->inum, "in use but free (or of no known type) on disk");
        ip->valid = true;
    }
}

void inode_unlock(struct inode *ip)
{
    sleeplock_release(&ip->lock);
}

void inode_update(struct inode *ip)
{
    struct buf *b = bread(SFS_INODE_BLOCK(&fs_sb, ip->inum));
    memcpy(b->data + SFS_INODE_INDEX(ip->inum) * SFS_INODE_SIZE, &ip->d, sizeof(ip->d));
    fs_tx_write(b);
    brelse(b);
}

void inode_put(struct inode *ip)
{
    sleeplock_acquire(&ip->lock);
    if (ip->valid && ip->d.nlink == 0) {
        spinlock_acquire(&itable.lock);
        int ref = ip->ref;
        spinlock_release(&itable.lock);
        if (ref == 1) {
            /* The last reference and no name left: no one else can reach
             * this inode, so free it. Lookups of its number (a reused inode)
             * find valid false and read the disk again. */
            fs_tx_begin();
            inode_truncate(ip);
            memset(&ip->d, 0, sizeof(ip->d));
            inode_update(ip);
            fs_tx_end();
            ip->valid = false;
        }
    }
    sleeplock_release(&ip->lock);
    spinlock_acquire(&itable.lock);
    ip->ref--;
    spinlock_release(&itable.lock);
}

err_t inode_alloc(int ftype, struct inode **out)
{
    for (uint32_t first = 0; first < fs_sb.ninodes; first += SFS_INODES_PER_BLOCK) {
        struct buf *b = bread(SFS_INODE_BLOCK(&fs_sb, first));
        for (uint32_t inum = first; inum < first + SFS_INODES_PER_BLOCK && inum < fs_sb.ninodes; inum++) {
            struct sfs_inode *dp = (struct sfs_inode *)(b->data + SFS_INODE_INDEX(inum) * SFS_INODE_SIZE);
            if (inum == 0 || dp->type != SFS_TYPE_FREE)
                continue;
            struct inode *ip = inode_get(inum);
            if (ip == NULL) {
                brelse(b);
                return ERR_NORES;
            }
            memset(dp, 0, sizeof(*dp));
            dp->type = (uint16_t)ftype;
            fs_tx_write(b);
            brelse(b);
            *out = ip;
            return ERR_OK;
        }
        brelse(b);
    }
    return ERR_NORES;
}

int inode_ftype(struct inode *ip)
{
    inode_lock(ip);
    int type = ip->d.type;
    inode_unlock(ip);
    return type;
}

int inode_num(struct inode *ip)
{
    return (int)ip->inum;
}

size_t inode_size(struct inode *ip)
{
    inode_lock(ip);
    size_t size = ip->d.size;
    inode_unlock(ip);
    return size;
}

void inode_stat(struct inode *ip, struct stat *st)
{
    inode_lock(ip);
    st->ftype = ip->d.type;
    st->inode_num = (int)ip->inum;
    st->size = ip->d.size;
    inode_unlock(ip);
}
