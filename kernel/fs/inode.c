/*
 * The in-memory inode table (xv6's itable): at most one struct inode per
 * on-disk inode, shared and reference counted, each with a sleeplock over
 * its copy of the disk inode. Also allocating on-disk inodes, freeing them
 * when the last reference to an unlinked file goes (or in the unlink's own
 * transaction, for a small file nobody else holds), and freeing the
 * orphans a power cut left (fs_init). Contract: fs.h, fs_internal.h.
 */
#include "fs_internal.h"
#include <kernel/bcache.h>
#include <kernel/console.h>
#include <kernel/string.h>

static struct {
    struct spinlock lock;              /* guards inum and ref of every slot */
    struct inode inode[FS_NINODE];
} itable;

/* Initializes the in-memory inode slots; once at boot. */
void inode_table_init(void)
{
    spinlock_init(&itable.lock, "itable", LOCK_INODE_TABLE);
    for (int i = 0; i < FS_NINODE; i++) {
        sleeplock_init(&itable.inode[i].lock, "inode", LOCK_INODE);
        sleeplock_init(&itable.inode[i].append, "inode append", LOCK_INODE_APPEND);
        /* Empty whenever the slot is free: a mapping holds a reference. */
        pgcache_init(&itable.inode[i].pages);
    }
}

/* A referenced, unlocked in-memory inode for inum (not read from disk until
 * locked), or NULL if the table is full. Contract in fs_internal.h. */
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
        /* ref 0: no one uses it (inode_put's last holder may still be
         * letting go of its lock, but looks at nothing after dropping its
         * reference), so valid may be reset here; the new holder's
         * inode_lock waits for that release. */
        empty->inum = inum;
        empty->ref = 1;
        empty->valid = false;
    }
    spinlock_release(&itable.lock);
    return empty;
}

/* One more reference to ip; itable.lock guards reference counts. */
struct inode *inode_dup(struct inode *ip)
{
    spinlock_acquire(&itable.lock);
    ip->ref++;
    spinlock_release(&itable.lock);
    return ip;
}

/* Reads ip from disk the first time it is locked. Caller holds ip->lock. */
static void inode_load(struct inode *ip)
{
    if (!ip->valid) {
        struct buf *b = bread(SFS_INODE_BLOCK(&fs_sb, ip->inum));
        memcpy(&ip->d, b->data + SFS_INODE_INDEX(ip->inum) * SFS_INODE_SIZE, sizeof(ip->d));
        brelse(b);
        if (ip->d.type == SFS_TYPE_FREE || ip->d.type > SFS_TYPE_DEV)
            fs_corrupt(ip->inum, "in use but free (or of no known type) on disk");
        ip->valid = true;
    }
}

/* Loads ip on first use under its lock, so inode_get need not read the disk
 * and no reader sees a half-loaded inode. Contract in <kernel/fs.h>. */
void inode_lock(struct inode *ip)
{
    sleeplock_acquire(&ip->lock);
    inode_load(ip);
}

/* Locks ip while holding its parent dp, at the child's lock rank, so path
 * walks may hold both. Contract in fs_internal.h. */
void inode_lock_child(struct inode *dp, struct inode *ip)
{
    kassert(sleeplock_holding(&dp->lock));
    sleeplock_acquire_nested(&ip->lock, LOCK_INODE_CHILD);
    inode_load(ip);
}

/* Lets go of what inode_lock took; the inode stays loaded. */
void inode_unlock(struct inode *ip)
{
    sleeplock_release(&ip->lock);
}

/* inode_update, returning the inode block's buffer still locked, so the
 * caller can act before anyone reads the new copy (free_locked). */
static struct buf *update_held(struct inode *ip)
{
    struct buf *b = bread(SFS_INODE_BLOCK(&fs_sb, ip->inum));
    memcpy(b->data + SFS_INODE_INDEX(ip->inum) * SFS_INODE_SIZE, &ip->d, sizeof(ip->d));
    journal_log(b);
    return b;
}

/* Copies ip's on-disk fields to its inode block in the caller's
 * transaction. Caller holds ip->lock. */
void inode_update(struct inode *ip)
{
    brelse(update_held(ip));
}

/* True if ip's only reference is the caller's. */
static bool only_reference(struct inode *ip)
{
    spinlock_acquire(&itable.lock);
    bool only = ip->ref == 1;
    spinlock_release(&itable.lock);
    return only;
}

/* Drops a reference. */
static void drop_reference(struct inode *ip)
{
    spinlock_acquire(&itable.lock);
    ip->ref--;
    spinlock_release(&itable.lock);
}

/* The last transaction of freeing ip (locked; the caller's transaction has
 * room for it, see inode_truncate_to): its remaining blocks, then the
 * inode itself. Once the inode block shows it free, inode_alloc may hand
 * the number out again while the caller still holds ip (until its
 * journal_end and inode_put), so ip lets go of the number before that
 * block is released: inode_get gives the new owner an in-memory inode of
 * its own. Found through ip, the number came with the freer's reference
 * still counted, and the new owner's last inode_put, not the only one,
 * freed nothing: an orphan (inode_reuse_race). */
static void free_locked(struct inode *ip)
{
    inode_truncate_to(ip, 0);
    memset(&ip->d, 0, sizeof(ip->d));
    struct buf *b = update_held(ip);
    ip->valid = false;
    spinlock_acquire(&itable.lock);
    ip->inum = 0;                      /* no inode has number 0: no lookup finds ip */
    spinlock_release(&itable.lock);
    brelse(b);
}

/*
 * Frees ip's blocks and the inode: the last reference to a file with no name
 * left, so no one else can reach it (lookups find no name; inode_alloc skips
 * it while it is in use on disk). Large files are shrunk in steps first; a
 * power cut between them leaves an orphan, freed at the next mount. Each
 * step is a transaction that locks ip inside it, in the lock order
 * (synch.h); the lock may be let go between steps, as no one else can take
 * it. The last is released before journal_end, which waits for the group's
 * commit, so no sleeplock is held across that wait. From the inode_update
 * on, inode_alloc in another operation of the group may hand the number
 * out again, in an in-memory inode of its own (free_locked).
 */
static void inode_free(struct inode *ip)
{
    inode_truncate_steps(ip);
    journal_begin();
    inode_lock(ip);
    free_locked(ip);
    sleeplock_release(&ip->lock);
    journal_end(NULL);
}

/* Frees ip now if it can go in the caller's transaction. Contract in
 * fs_internal.h. */
void inode_free_now(struct inode *ip)
{
    if (ip->valid && ip->d.nlink == 0 && only_reference(ip) && ip->d.indirect == 0 &&
        ip->d.dindirect == 0)
        free_locked(ip);
}

/* Drops a reference unless it is the only one; one step under
 * itable.lock, so no other put can count a reference this one is
 * dropping, nor the other way round. */
static bool drop_unless_only(struct inode *ip)
{
    spinlock_acquire(&itable.lock);
    bool dropped = ip->ref > 1;
    if (dropped)
        ip->ref--;
    spinlock_release(&itable.lock);
    return dropped;
}

/* Drops a reference; if it was the last and the inode has no name left,
 * frees its blocks and the inode first. A reference that is not the only
 * one goes at once, without ip's lock: another holder's put comes later,
 * and decides (most puts are such: a fork child's exit drops its working
 * directory, whose sleeplock cost the exit about 3 us). The only one is
 * decided on under ip's lock, where nlink cannot change, and a reference
 * that frees nothing is dropped in the same step as the count is read:
 * two puts at once (two processes closing an unlinked file) then never
 * both decide "not the last" and leave the inode an orphan. Contract in
 * <kernel/fs.h>. */
void inode_put(struct inode *ip)
{
    if (drop_unless_only(ip))
        return;
    sleeplock_acquire(&ip->lock);
    bool unreachable = false;
    if (ip->valid && ip->d.nlink == 0)
        unreachable = !drop_unless_only(ip);   /* the last: freed, then dropped */
    else
        drop_reference(ip);
    sleeplock_release(&ip->lock);
    if (unreachable) {
        inode_free(ip);
        drop_reference(ip);
    }
}

/* Boot-time recovery: frees inodes with no name left that a crash kept
 * from being freed. Contract in fs_internal.h. */
int inode_free_orphans(void)
{
    int freed = 0;
    for (uint32_t inum = SFS_ROOT_INODE + 1; inum < fs_sb.ninodes; inum++) {
        struct buf *b = bread(SFS_INODE_BLOCK(&fs_sb, inum));
        struct sfs_inode *dp = (struct sfs_inode *)(b->data + SFS_INODE_INDEX(inum) * SFS_INODE_SIZE);
        bool orphan = dp->type != SFS_TYPE_FREE && dp->nlink == 0;
        brelse(b);
        if (!orphan)
            continue;
        struct inode *ip = inode_get(inum);
        if (ip == NULL)
            panic("fs: no in-memory inode to free orphan %u", inum);
        inode_lock(ip);                /* reads it: valid, nlink 0 */
        inode_unlock(ip);
        inode_put(ip);                 /* the only reference: frees it */
        freed++;
    }
    return freed;
}

/* Claims a free on-disk inode of type ftype in the caller's transaction.
 * Contract in fs_internal.h. */
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
            journal_log(b);
            brelse(b);
            *out = ip;
            return ERR_OK;
        }
        brelse(b);
    }
    return ERR_NORES;
}

/* ip's file type, read under its lock (for callers not holding it). */
int inode_ftype(struct inode *ip)
{
    inode_lock(ip);
    int type = ip->d.type;
    inode_unlock(ip);
    return type;
}

/* The inode's number, fixed until the file is freed (free_locked), so no
 * lock: for messages. */
int inode_num(struct inode *ip)
{
    return (int)ip->inum;
}

/* ip's size, read under its lock (for callers not holding it). */
size_t inode_size(struct inode *ip)
{
    inode_lock(ip);
    size_t size = ip->d.size;
    inode_unlock(ip);
    return size;
}

/* Fills st from ip under its lock, so the fields are consistent. */
void inode_stat(struct inode *ip, struct stat *st)
{
    inode_lock(ip);
    st->ftype = ip->d.type;
    st->inode_num = (int)ip->inum;
    st->size = ip->d.size;
    inode_unlock(ip);
}
