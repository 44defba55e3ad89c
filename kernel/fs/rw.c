/*
 * Reading and writing file data through the buffer cache: reads a block at
 * a time, writes a chunk of blocks per transaction. User memory is copied
 * through bounce frames with no file system lock held and outside any
 * transaction, so a page fault in the copy (which may read a file itself)
 * never waits for a lock this thread holds, nor holds up a commit.
 * A block is a page, so each block piece falls in one page of the file's
 * page cache (ip->pages): each piece is read, or written, with that cache
 * locked, from the cached page if there is one, or into it too.
 * Contract: fs.h.
 */
#include <kernel/fs.h>
#include <kernel/bcache.h>
#include <kernel/pmem.h>
#include <kernel/string.h>
#include <kernel/uaccess.h>

_Static_assert(SFS_BLOCK_SIZE == PG_SIZE, "a block piece falls in one cached page");

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

/* Reads m bytes at pos (within one block) from the disk into to. Caller
 * holds ip->lock. */
static err_t read_piece(struct inode *ip, uint64_t pos, uint8_t *to, size_t m)
{
    uint32_t blockno;
    err_t err = bmap(ip, pos / SFS_BLOCK_SIZE, false, &blockno);
    if (err != ERR_OK)
        return err;
    if (blockno == 0) {
        memset(to, 0, m);              /* a hole */
    } else {
        struct buf *b = bread(blockno);
        memcpy(to, b->data + pos % SFS_BLOCK_SIZE, m);
        brelse(b);
    }
    return ERR_OK;
}

ssize_t inode_read(struct inode *ip, void *dst, bool dst_is_user, offset_t off, size_t n)
{
    uint8_t *bounce = NULL;
    if (dst_is_user && n > 0 && (bounce = bounce_alloc()) == NULL)
        return ERR_NOMEM;

    size_t done = 0;
    ssize_t err = 0;
    while (done < n) {
        uint64_t pos = (uint64_t)off + done;
        pgcache_lock(&ip->pages);
        inode_lock(ip);
        if (pos >= ip->d.size) {
            inode_unlock(ip);
            pgcache_unlock(&ip->pages);
            break;
        }
        size_t m = SFS_BLOCK_SIZE - pos % SFS_BLOCK_SIZE;
        if (m > n - done)
            m = n - done;
        if (m > ip->d.size - pos)
            m = ip->d.size - pos;
        uint8_t *to = dst_is_user ? bounce : (uint8_t *)dst + done;
        /* A cached page is the file's newest copy: it may hold a mapping's
         * stores not yet written back. */
        if (!pgcache_read(&ip->pages, pos, to, m))
            err = read_piece(ip, pos, to, m);
        inode_unlock(ip);
        pgcache_unlock(&ip->pages);
        if (err != ERR_OK)
            break;
        if (dst_is_user && (err = copy_to_user((uint8_t *)dst + done, bounce, m)) != ERR_OK)
            break;
        done += m;
    }
    bounce_free(bounce);
    return done > 0 ? (ssize_t)done : err;
}

/*
 * Data blocks inode_write puts in one transaction. Each changes the data
 * block and maybe a bitmap block; the chunk may also add up to four index
 * blocks (the indirect, the double-indirect and two of its tables, each
 * with its bitmap block) and changes the inode's block. All of it must fit
 * in FS_TX_MAX_BLOCKS (journal.h): n + 4 + 1 + min(bitmap blocks, n + 4).
 */
#define WRITE_CHUNK_MAX FS_TX_MAX_BLOCKS

static size_t write_chunk_blocks(void)
{
    size_t n = WRITE_CHUNK_MAX;
    for (; n > 1; n--) {
        size_t bitmaps = fs_sb.bitmap_blocks < n + 4 ? fs_sb.bitmap_blocks : n + 4;
        if (n + 4 + 1 + bitmaps <= FS_TX_MAX_BLOCKS)
            break;
    }
    return n;
}

/* The piece of a write that falls in one block: m bytes at file offset pos. */
static size_t piece(uint64_t pos, size_t left)
{
    size_t m = SFS_BLOCK_SIZE - pos % SFS_BLOCK_SIZE;
    return m < left ? m : left;
}

/*
 * Copies up to one chunk of user data, starting at src, into the bounce
 * frames, one frame per block piece (allocated on first use). Returns the
 * bytes copied: short if a page faults (err ERR_FAULT) or a frame cannot be
 * had for a bounce frame or the user's page (err ERR_NOMEM); the caller
 * writes what was copied.
 */
static size_t chunk_copy_in(uint8_t **bounce, size_t nblocks, const uint8_t *src,
                            uint64_t pos, size_t len, ssize_t *err)
{
    size_t got = 0;
    for (size_t k = 0; k < nblocks && got < len; k++) {
        size_t m = piece(pos + got, len - got);
        if (bounce[k] == NULL && (bounce[k] = bounce_alloc()) == NULL) {
            *err = ERR_NOMEM;
            break;
        }
        err_t copy_err = copy_from_user(bounce[k], src + got, m);
        if (copy_err != ERR_OK) {
            *err = copy_err;
            break;
        }
        got += m;
    }
    return got;
}

/* Writes the m bytes of data to pos (within one block) on the disk,
 * allocating the block if need be (ERR_NORES). Caller holds ip->lock, in a
 * transaction. */
static err_t write_piece(struct inode *ip, uint64_t pos, const uint8_t *data, size_t m)
{
    uint32_t blockno;
    err_t err = bmap(ip, pos / SFS_BLOCK_SIZE, true, &blockno);
    if (err != ERR_OK)
        return err;
    /* A whole block is overwritten: its old contents need not be read. */
    struct buf *b = m == SFS_BLOCK_SIZE ? bread_zeroed(blockno) : bread(blockno);
    memcpy(b->data + pos % SFS_BLOCK_SIZE, data, m);
    fs_tx_write(b);
    brelse(b);
    return ERR_OK;
}

/*
 * Writes len bytes at pos in one transaction (len within one chunk), from
 * the bounce frames or, when bounce is NULL, from the kernel buffer src,
 * to the disk and to the cached pages they fall in. Returns the bytes
 * written: fewer when the disk fills up or the file reaches its largest
 * size (err ERR_NORES). The size covers exactly what was written, so a
 * power cut leaves the data of whole chunks. The page cache is unlocked
 * before fs_tx_end (which waits for the group's commit), as inode locks
 * are: disk and cache have changed as one by then.
 */
static size_t chunk_write(struct inode *ip, uint8_t **bounce, const uint8_t *src,
                          uint64_t pos, size_t len, ssize_t *err)
{
    size_t put = 0;
    pgcache_lock(&ip->pages);
    fs_tx_begin();
    inode_lock(ip);
    for (size_t k = 0; put < len; k++) {
        uint64_t p = pos + put;
        size_t m = piece(p, len - put);
        const uint8_t *data = bounce != NULL ? bounce[k] : src + put;
        err_t e = write_piece(ip, p, data, m);
        if (e != ERR_OK) {
            *err = e;
            break;
        }
        pgcache_write(&ip->pages, p, data, m);
        put += m;
    }
    if (pos + put > ip->d.size) {
        /* A gap from the old end reads as zeros, in a cached page too
         * (where a mapping may have stored past the old end). */
        if (pos > ip->d.size)
            pgcache_write(&ip->pages, ip->d.size, NULL, pos - ip->d.size);
        ip->d.size = pos + put;
        inode_update(ip);
    }
    if (put < len)
        inode_truncate_to(ip, ip->d.size);     /* drop index blocks made for nothing */
    inode_unlock(ip);
    pgcache_unlock(&ip->pages);
    fs_tx_end();
    return put;
}

ssize_t inode_write(struct inode *ip, const void *src, bool src_is_user, offset_t off, size_t n)
{
    size_t nblocks = write_chunk_blocks();
    uint8_t *bounce[WRITE_CHUNK_MAX] = { NULL };

    size_t done = 0;
    ssize_t err = 0;
    while (done < n && err == 0) {
        uint64_t pos = (uint64_t)off + done;
        /* The chunk: at most nblocks block pieces. */
        size_t len = 0;
        for (size_t k = 0; k < nblocks && done + len < n; k++)
            len += piece(pos + len, n - done - len);
        const uint8_t *from = (const uint8_t *)src + done;
        if (src_is_user)
            len = chunk_copy_in(bounce, nblocks, from, pos, len, &err);
        if (len == 0)
            break;
        done += chunk_write(ip, src_is_user ? bounce : NULL, from, pos, len, &err);
    }
    for (size_t k = 0; k < nblocks; k++)
        bounce_free(bounce[k]);
    return done > 0 ? (ssize_t)done : err;
}

err_t inode_read_page(struct inode *ip, offset_t off, void *frame)
{
    err_t err = ERR_OK;
    inode_lock(ip);
    if ((uint64_t)off < ip->d.size)
        err = read_piece(ip, off, frame, piece(off, ip->d.size - off));
    inode_unlock(ip);
    return err;
}

err_t inode_write_page(struct inode *ip, offset_t off, const void *frame)
{
    err_t err = ERR_OK;
    fs_tx_begin();
    inode_lock(ip);
    if ((uint64_t)off < ip->d.size)
        err = write_piece(ip, off, frame, piece(off, ip->d.size - off));
    inode_unlock(ip);
    fs_tx_end();
    return err;
}
