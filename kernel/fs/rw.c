/*
 * Reading and writing file data, a chunk of blocks at a time, mostly
 * around the buffer cache: the blocks of a chunk go between the disk and
 * bounce frames all in flight at once (bread_frames, bwrite_frames,
 * bcache.h), so a large read() or write() runs at disk speed; a small
 * read keeps what it read in the cache, for the next small read.
 *
 * User memory is copied through the bounce frames with no file system
 * lock held and outside any transaction, so a page fault in the copy
 * (which may read a file itself) never waits for a lock this thread
 * holds, nor holds up a commit.
 *
 * Writing is in ordered mode (journal.h): each chunk of a write is one
 * transaction, whose data blocks are written in place, all in flight at
 * once, and are on the disk before the transaction ends, so before the
 * commit that makes the inode (or an index block) point at them. A power
 * cut before that commit leaves the new blocks free, their contents
 * unseen; one after it leaves the data there. A block the file already
 * had is overwritten in place the same way: a cut may leave some blocks
 * of the last chunk new and others old (each block whole, never garbage),
 * and bytes past the file's end stay unseen. Only the chunk's metadata is
 * logged: its bitmap blocks, index blocks and the inode's block.
 *
 * A read() or write() stops between chunks once its process is killed
 * (user_killed): a chunk takes well under a millisecond, a whole file of
 * the disk about a second, which a killed process should not spend.
 *
 * A block is a page, so each block piece falls in one page of the file's
 * page cache (ip->pages): each chunk is read, or written, with that cache
 * locked, from the cached page if there is one, or into it too.
 * Contract: fs.h, fs_internal.h.
 */
#include "fs_internal.h"
#include <kernel/bcache.h>
#include <kernel/console.h>
#include <kernel/pmem.h>
#include <kernel/proc.h>
#include <kernel/string.h>
#include <kernel/uaccess.h>

_Static_assert(SFS_BLOCK_SIZE == PG_SIZE, "a block piece falls in one cached page");

/*
 * A chunk: up to CHUNK_MAX block pieces of a read or write, piece k in
 * bounce frame frames[k] (at its offset within its block) and going to or
 * from disk block blocknos[k]. The chunk itself fills one frame; its
 * bounce frames are taken as a call needs them (1 MiB at most per reader
 * or writer), fewer when memory is short, and all freed when it returns.
 * They are taken in order, piece 0 first, so the taken ones are the
 * first `taken`: every read() and write() takes a chunk, one of a byte
 * too, so a new chunk clears none of its 3 KiB of slots, only that
 * count, and freeing it looks at the taken slots, not all 256.
 */
#define CHUNK_MAX 256

struct chunk {
    size_t taken;                      /* frames[0 .. taken) are taken */
    void *frames[CHUNK_MAX];           /* past taken: not set */
    uint32_t blocknos[CHUNK_MAX];      /* set per piece as it is filled or placed;
                                          0: not from the disk (a hole, a cached page) */
};
_Static_assert(sizeof(struct chunk) <= PG_SIZE, "a chunk fills at most a frame");
_Static_assert(CHUNK_MAX <= 1024, "a chunk's index blocks are at most four");

/* A frame of the direct map, or NULL when memory is out. */
static void *frame_alloc(void)
{
    paddr_t pa;
    return pmem_alloc(&pa) == ERR_OK ? kmap_p2v(pa) : NULL;
}

/* Gives back a frame of frame_alloc. */
static void frame_free(void *frame)
{
    pmem_free(kmap_v2p(frame));
}

/* A new chunk with no bounce frame taken, or NULL when memory is out. */
static struct chunk *chunk_alloc(void)
{
    struct chunk *c = frame_alloc();
    if (c != NULL)
        c->taken = 0;
    return c;
}

/* Frees the chunk and every bounce frame it took. */
static void chunk_free(struct chunk *c)
{
    for (size_t k = 0; k < c->taken; k++)
        frame_free(c->frames[k]);
    frame_free(c);
}

/* The bounce frame of piece k (k <= c->taken: pieces are taken in
 * order), taken on first use; NULL when memory is out. */
static uint8_t *chunk_frame(struct chunk *c, size_t k)
{
    kassert(k <= c->taken);
    if (k == c->taken) {
        c->frames[k] = frame_alloc();
        if (c->frames[k] == NULL)
            return NULL;
        c->taken++;
    }
    return c->frames[k];
}

/* The piece of a read or write that falls in one block: m bytes at file offset pos. */
static size_t piece(uint64_t pos, size_t left)
{
    size_t m = SFS_BLOCK_SIZE - pos % SFS_BLOCK_SIZE;
    return m < left ? m : left;
}

/* How many of the pieces from pos on, n bytes in all, the chunk can hold
 * (at most max), taking a bounce frame for each; 0 without even one. */
static size_t chunk_take(struct chunk *c, size_t max, uint64_t pos, size_t n)
{
    size_t k = 0;
    for (size_t done = 0; k < max && done < n; k++) {
        if (chunk_frame(c, k) == NULL)
            break;
        done += piece(pos + done, n - done);
    }
    return k;
}

/* ------------------------------------------------------------- reading */

/*
 * Fills the chunk's frames with up to len bytes at pos (pos before the
 * end; at most npieces pieces): from the file's cached pages, zeros for a
 * hole, the rest from the disk all at once. Returns the bytes read; *end
 * is set when they reach the end of the file (not merely when len does:
 * the chunk may hold fewer pieces than len needs, and the read goes on).
 * Caller holds ip->pages and ip->lock.
 */
static size_t chunk_fill(struct inode *ip, struct chunk *c, size_t npieces, uint64_t pos,
                         size_t len, bool *end)
{
    if (pos >= ip->d.size) {
        *end = true;
        return 0;
    }
    if (len > ip->d.size - pos)
        len = ip->d.size - pos;
    size_t got = 0, k = 0;
    for (; k < npieces && got < len; k++) {
        uint64_t p = pos + got;
        size_t m = piece(p, len - got);
        uint8_t *to = (uint8_t *)c->frames[k] + p % SFS_BLOCK_SIZE;
        c->blocknos[k] = 0;
        got += m;
        /* A cached page is the file's newest copy: it may hold a
         * mapping's stores not yet written back. */
        if (pgcache_read(&ip->pages, p, to, m))
            continue;
        if (bmap_find(ip, p / SFS_BLOCK_SIZE, &c->blocknos[k]) != ERR_OK ||
            c->blocknos[k] == 0)
            memset(to, 0, m);          /* a hole (none past the largest file either) */
    }
    bread_frames(c->blocknos, c->frames, k, pos % SFS_BLOCK_SIZE, got);
    *end = pos + got >= ip->d.size;
    return got;
}

/* Copies n bytes out of the chunk's frames, pieces from file offset pos
 * on, to dst (user memory when dst_is_user): in one copy, and only after
 * a fault piece by piece, to find how far it got. Returns the bytes
 * copied: short if a page faults (err ERR_FAULT, or ERR_NOMEM). */
static size_t chunk_copy_out(struct chunk *c, uint8_t *dst, bool dst_is_user, uint64_t pos,
                             size_t n, ssize_t *err)
{
    size_t at = pos % SFS_BLOCK_SIZE;
    if (dst_is_user && copy_to_user_frames(dst, c->frames, at, n) == ERR_OK)
        return n;
    size_t done = 0;
    for (size_t k = 0; done < n; k++) {
        size_t m = piece(pos + done, n - done);
        const uint8_t *from = (const uint8_t *)c->frames[k] + (pos + done) % SFS_BLOCK_SIZE;
        if (!dst_is_user) {
            memcpy(dst + done, from, m);
        } else {
            err_t e = copy_to_user(dst + done, from, m);
            if (e != ERR_OK) {
                *err = e;
                break;
            }
        }
        done += m;
    }
    return done;
}

/* True when the copy is for a user process that has been killed: the
 * read or write stops before its next chunk, returning what it moved (the
 * process exits on its way back to user mode, and never sees it). */
static bool user_killed(bool is_user)
{
    return is_user && proc_killed(proc_current());
}

/* How many of n bytes at pos the next chunk takes bounce frames for: the
 * bytes the file holds from pos by its size now, at least one (no frame
 * at all would read as ERR_NOMEM, and the file may have grown). The size
 * is a hint read without the inode's lock: chunk_fill looks again under
 * it, and a chunk cut short by a file that grew meanwhile is followed by
 * another. So a read with a buffer far larger than the file (1 MiB for a
 * 26-byte file) takes one frame, not 256 that an allocation elsewhere
 * might have needed. */
static size_t read_want(struct inode *ip, uint64_t pos, size_t n)
{
    uint64_t size = __atomic_load_n(&ip->d.size, __ATOMIC_RELAXED);
    if (pos >= size)
        return 1;
    return size - pos < n ? size - pos : n;
}

/* Reads up to n bytes at off, a chunk of blocks at a time with the inode
 * locked per chunk. Contract in <kernel/fs.h>. */
ssize_t inode_read(struct inode *ip, void *dst, bool dst_is_user, offset_t off, size_t n)
{
    if (n == 0)
        return 0;
    struct chunk *c = chunk_alloc();
    if (c == NULL)
        return ERR_NOMEM;
    size_t done = 0;
    ssize_t err = 0;
    while (done < n && err == 0 && !user_killed(dst_is_user)) {
        uint64_t pos = (uint64_t)off + done;
        size_t npieces = chunk_take(c, CHUNK_MAX, pos, read_want(ip, pos, n - done));
        if (npieces == 0) {
            err = ERR_NOMEM;
            break;
        }
        bool end = false;
        pgcache_lock(&ip->pages);
        inode_lock(ip);
        size_t got = chunk_fill(ip, c, npieces, pos, n - done, &end);
        inode_unlock(ip);
        pgcache_unlock(&ip->pages);
        done += chunk_copy_out(c, (uint8_t *)dst + done, dst_is_user, pos, got, &err);
        if (end)
            break;
    }
    chunk_free(c);
    return done > 0 ? (ssize_t)done : err;
}

/* Fills a frame with the file block at off (zeros past the end and for a
 * hole), for the page cache. Contract in <kernel/fs.h>. */
err_t inode_read_page(struct inode *ip, offset_t off, void *frame)
{
    err_t err = ERR_OK;
    inode_lock(ip);
    if ((uint64_t)off < ip->d.size) {
        size_t m = piece(off, ip->d.size - off);
        uint32_t blockno;
        err = bmap_find(ip, off / SFS_BLOCK_SIZE, &blockno);
        if (err == ERR_OK && blockno != 0) {
            bread_frames(&blockno, &frame, 1, 0, m);
            memset((uint8_t *)frame + m, 0, SFS_BLOCK_SIZE - m);   /* past the end */
        }
    }
    inode_unlock(ip);
    return err;
}

/* ------------------------------------------------------------- writing */

/*
 * Data blocks inode_write puts in one transaction: as many as the chunk
 * holds while its metadata fits in JOURNAL_OP_MAX_BLOCKS (journal.h): the
 * bitmap blocks (one per data or index block at most: min(bitmap blocks,
 * n + 4)), up to four index blocks (the indirect, the double-indirect and
 * two of its tables, as n <= 1024) and the inode's block.
 */
static size_t write_chunk_blocks(void)
{
    size_t n = CHUNK_MAX;
    for (; n > 1; n--) {
        size_t bitmaps = fs_sb.bitmap_blocks < n + 4 ? fs_sb.bitmap_blocks : n + 4;
        if (4 + 1 + bitmaps <= JOURNAL_OP_MAX_BLOCKS)
            break;
    }
    return n;
}

/*
 * Copies up to n bytes of the write, from src (user memory when
 * src_is_user) into the chunk's first npieces frames, each piece at its
 * offset within its block: in one copy, and only after a fault piece by
 * piece, to find how far it got. Returns the bytes copied: short if a
 * page faults (err ERR_FAULT, or ERR_NOMEM if no frame could back the
 * user's page); the caller writes what was copied.
 */
static size_t chunk_copy_in(struct chunk *c, size_t npieces, const uint8_t *src,
                            bool src_is_user, uint64_t pos, size_t n, ssize_t *err)
{
    size_t fits = npieces * SFS_BLOCK_SIZE - pos % SFS_BLOCK_SIZE;
    if (n > fits)
        n = fits;
    if (src_is_user && copy_from_user_frames(c->frames, pos % SFS_BLOCK_SIZE, src, n) == ERR_OK)
        return n;
    size_t got = 0;
    for (size_t k = 0; got < n; k++) {
        size_t m = piece(pos + got, n - got);
        uint8_t *to = (uint8_t *)c->frames[k] + (pos + got) % SFS_BLOCK_SIZE;
        if (!src_is_user) {
            memcpy(to, src + got, m);
        } else {
            err_t e = copy_from_user(to, src + got, m);
            if (e != ERR_OK) {
                *err = e;
                break;
            }
        }
        got += m;
    }
    return got;
}

/*
 * Finds (or allocates, ERR_NORES) the block for the m bytes at pos
 * (within one block) in *blockno, and makes frame the block's whole new
 * contents: the m bytes are at their offset in frame already; the rest of
 * a part-written block is filled in from the block as it is (zeros for a
 * new one). Caller holds ip->lock, in a transaction.
 */
static err_t piece_place(struct inode *ip, uint64_t pos, size_t m, uint8_t *frame,
                         uint32_t *blockno)
{
    bool fresh;
    err_t err = ERR_OK;
    if (bmap_alloc(ip, pos / SFS_BLOCK_SIZE, 1, &fresh, blockno, &err) == 0)
        return err;
    if (m == SFS_BLOCK_SIZE)
        return ERR_OK;
    size_t at = pos % SFS_BLOCK_SIZE;
    if (fresh) {
        memset(frame, 0, at);
        memset(frame + at + m, 0, SFS_BLOCK_SIZE - at - m);
        return ERR_OK;
    }
    struct buf *b = bread(*blockno);
    memcpy(frame, b->data, at);
    memcpy(frame + at + m, b->data + at + m, SFS_BLOCK_SIZE - at - m);
    brelse(b);
    return ERR_OK;
}

/*
 * Finds (or allocates) the blocks for the next pieces of a write, from
 * piece k at pos on, into c->blocknos: one part-written block (see
 * piece_place), or the whole blocks that follow, up to a disk request's
 * worth (BDEV_RUN_MAX), mapped at once (bmap_alloc).
 * Returns the bytes placed; 0 (err set) when no block could be had.
 * Caller holds ip->lock, in a transaction.
 */
static size_t chunk_place(struct inode *ip, struct chunk *c, size_t k, uint64_t pos,
                          size_t left, ssize_t *err)
{
    size_t m = piece(pos, left);
    if (m < SFS_BLOCK_SIZE) {
        err_t e = piece_place(ip, pos, m, c->frames[k], &c->blocknos[k]);
        if (e != ERR_OK)
            *err = e;
        return e == ERR_OK ? m : 0;
    }
    bool fresh;
    err_t e = ERR_OK;
    size_t whole = left / SFS_BLOCK_SIZE;
    if (whole > BDEV_RUN_MAX)
        whole = BDEV_RUN_MAX;          /* one request's worth, sent before the next is placed */
    size_t got = bmap_alloc(ip, pos / SFS_BLOCK_SIZE, whole, &fresh, c->blocknos + k, &e);
    if (e != ERR_OK)
        *err = e;
    return got * SFS_BLOCK_SIZE;
}

/*
 * Writes len bytes at pos in one transaction (len within the chunk's
 * pieces), from the chunk's frames, to the disk in place and to the
 * cached pages they fall in. Returns the bytes written: fewer when the
 * disk fills up or the file reaches its largest size (err ERR_NORES). The
 * size covers exactly what was written, so a power cut leaves the data of
 * whole chunks. The data blocks' writes are sent here and finished by
 * journal_end (with the journal's slots when this operation commits the
 * group: one round trip for both); the page cache lock is held until
 * then, so no one reads a block of the file while its write is in flight
 * (the lock order allows it: the page cache comes before a transaction,
 * and no operation takes one inside its transaction).
 */
static size_t chunk_write(struct inode *ip, struct chunk *c, uint64_t pos, size_t len,
                          ssize_t *err)
{
    size_t put = 0, k = 0;
    struct bdev_batch data;
    bdev_batch_init(&data);
    pgcache_lock(&ip->pages);
    journal_begin();
    inode_lock(ip);
    while (put < len) {
        size_t got = chunk_place(ip, c, k, pos + put, len - put, err);
        if (got == 0)
            break;
        size_t first = k;
        for (size_t done = 0; done < got; k++) {
            uint64_t p = pos + put + done;
            size_t m = piece(p, got - done);
            pgcache_write(&ip->pages, p, (uint8_t *)c->frames[k] + p % SFS_BLOCK_SIZE, m);
            done += m;
        }
        /* On its way while the next blocks are placed; finished before
         * the commit. */
        bwrite_frames(c->blocknos + first, c->frames + first, k - first, &data);
        put += got;
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
    journal_end(&data);
    pgcache_unlock(&ip->pages);
    return put;
}

/* Writes n bytes at off, one transaction per chunk so a large write never
 * overflows the journal. Contract in <kernel/fs.h>. */
ssize_t inode_write(struct inode *ip, const void *src, bool src_is_user, offset_t off, size_t n)
{
    if (n == 0)
        return 0;
    struct chunk *c = chunk_alloc();
    if (c == NULL)
        return ERR_NOMEM;
    size_t max = write_chunk_blocks();
    size_t done = 0;
    ssize_t err = 0;
    while (done < n && err == 0 && !user_killed(src_is_user)) {
        uint64_t pos = (uint64_t)off + done;
        size_t npieces = chunk_take(c, max, pos, n - done);
        if (npieces == 0) {
            err = ERR_NOMEM;
            break;
        }
        size_t len = chunk_copy_in(c, npieces, (const uint8_t *)src + done, src_is_user, pos,
                                   n - done, &err);
        if (len == 0)
            break;
        done += chunk_write(ip, c, pos, len, &err);
    }
    chunk_free(c);
    return done > 0 ? (ssize_t)done : err;
}

/* Writes a dirty page-cache frame back to its file block (not past the
 * end of the file), in a transaction of its own. The bytes go through the
 * block's buffer (bread_zeroed: the buffer cache's own frame, the rest of
 * the block zeros), written at once: a bounce frame from pmem, as writes
 * take, is not always there when the last view goes (munmap or an exit
 * with memory full), and failing then lost the mapping's stores while
 * munmap said ERR_OK. Contract in <kernel/fs.h>. */
err_t inode_write_page(struct inode *ip, offset_t off, const void *frame)
{
    err_t err = ERR_OK;
    journal_begin();
    inode_lock(ip);
    if ((uint64_t)off < ip->d.size) {
        size_t m = piece(off, ip->d.size - off);
        bool fresh;
        uint32_t blockno;
        if (bmap_alloc(ip, off / SFS_BLOCK_SIZE, 1, &fresh, &blockno, &err) != 0) {
            struct buf *b = bread_zeroed(blockno);
            memcpy(b->data, frame, m); /* a mapping's stores past the end are not the file's */
            bwrite(b);
            brelse(b);
        }
    }
    inode_unlock(ip);
    journal_end(NULL);
    return err;
}
