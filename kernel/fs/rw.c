/*
 * Reading and writing file data, one block at a time through the buffer
 * cache. User memory is copied through a bounce frame with no file system
 * lock held, so a page fault in the copy (which may read a file itself)
 * never waits for a lock this thread holds. Contract: fs.h.
 */
#include <kernel/fs.h>
#include <kernel/bcache.h>
#include <kernel/pmem.h>
#include <kernel/string.h>
#include <kernel/uaccess.h>

static uint8_t *bounce_alloc(void)
{
    paddr_t pa;
    return pmem_alloc(&pa) == ERR_OK ? kmap_p2v(pa) : NULL;
}

static void bounce_free(uint8_t *bounce)
{
    if (bounce != NULL)
        pmem_free(kmap_v2p(bounce));
}

ssize_t inode_read(struct inode *ip, void *dst, bool dst_is_user, offset_t off, size_t n)
{
    if (off < 0)
        return ERR_INVAL;
    uint8_t *bounce = NULL;
    if (dst_is_user && n > 0 && (bounce = bounce_alloc()) == NULL)
        return ERR_NOMEM;

    size_t done = 0;
    ssize_t err = 0;
    while (done < n) {
        uint64_t pos = (uint64_t)off + done;
        inode_lock(ip);
        if (pos >= ip->d.size) {
            inode_unlock(ip);
            break;
        }
        size_t m = SFS_BLOCK_SIZE - pos % SFS_BLOCK_SIZE;
        if (m > n - done)
            m = n - done;
        if (m > ip->d.size - pos)
            m = ip->d.size - pos;
        uint8_t *to = dst_is_user ? bounce : (uint8_t *)dst + done;
        uint32_t blockno;
        err = bmap(ip, pos / SFS_BLOCK_SIZE, false, &blockno);
        if (err != ERR_OK) {
            inode_unlock(ip);
            break;
        }
        if (blockno == 0) {
            memset(to, 0, m);          /* a hole */
        } else {
            struct buf *b = bread(blockno);
            memcpy(to, b->data + pos % SFS_BLOCK_SIZE, m);
            brelse(b);
        }
        inode_unlock(ip);
        if (dst_is_user && copy_to_user((uint8_t *)dst + done, bounce, m) != ERR_OK) {
            err = ERR_FAULT;
            break;
        }
        done += m;
    }
    bounce_free(bounce);
    return done > 0 ? (ssize_t)done : err;
}

ssize_t inode_write(struct inode *ip, const void *src, bool src_is_user, offset_t off, size_t n)
{
    if (off < 0)
        return ERR_INVAL;
    uint8_t *bounce = NULL;
    if (src_is_user && n > 0 && (bounce = bounce_alloc()) == NULL)
        return ERR_NOMEM;

    size_t done = 0;
    ssize_t err = 0;
    while (done < n) {
        uint64_t pos = (uint64_t)off + done;
        size_t m = SFS_BLOCK_SIZE - pos % SFS_BLOCK_SIZE;
        if (m > n - done)
            m = n - done;
        const uint8_t *from = (const uint8_t *)src + done;
        if (src_is_user) {
            if (copy_from_user(bounce, from, m) != ERR_OK) {
                err = ERR_FAULT;
                break;
            }
            from = bounce;
        }
        /* One transaction per block: data, bitmap, indirect blocks, inode. */
        fs_tx_begin();
        inode_lock(ip);
        uint32_t blockno;
        err = bmap(ip, pos / SFS_BLOCK_SIZE, true, &blockno);
        if (err != ERR_OK) {
            inode_truncate_to(ip, ip->d.size);   /* drop indirect blocks made for nothing */
            inode_unlock(ip);
            fs_tx_end();
            break;
        }
        struct buf *b = bread(blockno);
        memcpy(b->data + pos % SFS_BLOCK_SIZE, from, m);
        fs_tx_write(b);
        brelse(b);
        if (pos + m > ip->d.size) {
            ip->d.size = pos + m;
            inode_update(ip);
        }
        inode_unlock(ip);
        fs_tx_end();
        done += m;
    }
    bounce_free(bounce);
    return done > 0 ? (ssize_t)done : err;
}
