/*
 * The write-ahead journal: makes every file system transaction atomic on
 * disk, so that a power cut at any moment leaves a consistent file system.
 * xv6's log with group commit, in ordered mode (only metadata is logged);
 * the on-disk format is in sfs.h. Every name here starts with journal_
 * (the calls, JOURNAL_OP_MAX_BLOCKS); "transaction" is the word for what
 * one operation does between journal_begin and journal_end, "group" for
 * the transactions committed together.
 *
 * Usage, for every change of metadata (kernel/fs only):
 *
 *     journal_begin();
 *     ... b = bread(n); change b->data; journal_log(b); brelse(b); ...
 *     journal_end(NULL);
 *
 * journal_log does not write the disk: it records the block in the
 * transaction and pins its buffer in the cache (bcache.h), so the changed
 * block stays in memory, where every reader finds it. The operations that
 * run at the same time form a group, and the last one of the group to end
 * commits it:
 *   1. each changed block is copied to the next free journal slot;
 *   2. the journal header is written, naming every slot in use since the
 *      journal was last emptied, this group's last: the commit point.
 * The blocks stay pinned in the cache, and the journal holds the groups
 * committed since it was last emptied, oldest first. It is emptied (a
 * checkpoint) when the slots left could not take another operation's
 * worth, when a group freed a block the journal names (an index or
 * directory block logged by the group or by one since the last
 * checkpoint: it must not be replayed over what it holds once reused;
 * freed file data needs nothing), and at journal_shutdown:
 *   3. every block logged since is written to its home location;
 *   4. the header is written back empty; the buffers are unpinned.
 * Each step's blocks are written all at once (one bdev batch: neighbours
 * share a request), and each step is on the disk before the next begins.
 * Mounting (journal_init) finds a header that still names slots when the
 * machine stopped before a checkpoint's step 4, and replays: it copies
 * the slots home in order, a later copy of a block over an earlier one
 * (harmless if some were already there), and empties the header. A group
 * whose header was not written is simply gone; its blocks were never
 * written home.
 *
 * Ordered mode. Only metadata goes through the journal (inodes, the
 * bitmap, index blocks, directories). A file's data blocks are written in
 * place by the operation itself (rw.c), and are on the disk before that
 * operation's group commits (journal_end finishes their batch first), so
 * before the commit of the metadata that points at them: data is written
 * once, and a cut before the commit leaves new blocks unreferenced (free
 * in the bitmap). A block freed in a group is
 * not reused before the group commits (balloc.c, journal_group), so data
 * written in place never lands in a block that the last committed state
 * still gives to a file, nor in one the journal could replay over.
 *
 * Guarantees (what a user of the file system can count on):
 *   - Atomicity. After a power cut, each group is on disk entirely or not at
 *     all, and the groups that are there are a prefix of the commit order
 *     (file data written in place aside: fs.h says what a cut leaves).
 *     A system call made of several transactions (a write of many blocks,
 *     the freeing of a large unlinked file) can be cut between them: a
 *     write then leaves a correct prefix of its data (the file's size grows
 *     with each transaction, never past the data written), a file being
 *     freed is left an orphan (no name, link count 0) that the next mount
 *     frees (fs.h).
 *   - Durability. journal_end returns only after its group has committed
 *     (its header is on disk), and every system call ends its last
 *     transaction before it returns. So once write(), unlink(), mkdir()
 *     ... has returned, its effect survives any power cut, and a clean
 *     halt (fs_shutdown, called
 *     by the halt system call) loses nothing that returned. Changes visible
 *     to readers before then (another process reading a file being written)
 *     may still be lost.
 *   - Assumption: the disk has written a block when the bdev call that
 *     wrote it returns (bdev.h). QEMU's virtio-blk does (its cache is the
 *     host's page cache, which outlives a killed QEMU); a disk with a
 *     volatile write cache would need a cache flush before and after the
 *     header write, which this driver does not send. A block is written
 *     whole or not at all (QEMU writes host pages); a disk that could tear
 *     a block would put the old bytes of a block overwritten in place at
 *     risk.
 *
 * Sizes. A transaction of one operation logs at most JOURNAL_OP_MAX_BLOCKS
 * distinct blocks (file data written in place does not count); operations
 * that could log more split themselves (inode_write writes in chunks,
 * inode_truncate_steps frees in steps). The journal counts each
 * operation's distinct blocks where they join it (journal_log), per
 * thread; a debug build (make DEBUG=1) panics at the first block past the
 * limit, so a path that forgot to split shows at once rather than only
 * when its group happens to fill the journal. The journal holds
 * journal_blocks - 1 slots (63 with mkfs's 64-block journal), so up to
 * three operations fit in one group of an empty journal; journal_begin
 * waits while the slots left could not take another operation's worth.
 * Every logged block stays pinned until the checkpoint writes it home, so
 * journal_init uses at most half the buffer cache's buffers as slots
 * (fewer slots than one operation's worth is a panic at boot).
 *
 * Locking. One spinlock inside journal.c guards the journal's state; it is
 * never held across a sleep or a disk access, nor together with another
 * spinlock but the scheduler's, inside its condvar's wait (journal_log
 * releases it before bpin takes the bcache lock). The
 * commit and the checkpoint read the pinned buffers' data without their
 * sleeplocks: only a transaction changes a logged block, and none is open
 * while a group commits (readers may look at the buffers meanwhile).
 * A transaction counts as a lock in the lock order (LOCK_TX, synch.h; the
 * debug build checks it like one): journal_begin comes after the page cache
 * and before any inode or buffer lock, and journal_end is called after they
 * are released, as it waits for the other operations of the group to end.
 * Transactions do not nest: a thread between begin and end must not begin
 * another (it would wait for its own group).
 */
#ifndef _KERNEL_JOURNAL_H_
#define _KERNEL_JOURNAL_H_

#include <kernel/types.h>
#include <kernel/sfs.h>

#define JOURNAL_OP_MAX_BLOCKS 20       /* distinct blocks one operation's transaction may log */

struct buf;
struct bdev_batch;

/*
 * Sets the journal up from the superblock and, if a power cut left the
 * header naming slots, replays the groups committed since the last
 * checkpoint, then empties the header. Called once by fs_init, before any
 * transaction (it sleeps on the disk). Panics when the journal region is
 * unusable (too small for JOURNAL_OP_MAX_BLOCKS, or the buffer cache too
 * small to pin as many) or its header is corrupt (no magic, a count or
 * block number out of range): the image needs mkfs --check.
 */
void journal_init(const struct sfs_superblock *sb);

/*
 * Begins the calling thread's operation's transaction. May sleep: while the
 * current group is committing or has closed (one of its operations already
 * ended), or while the journal could not hold JOURNAL_OP_MAX_BLOCKS more blocks
 * for each operation in progress, and forever after journal_shutdown.
 * Panics if the thread already has one open (they do not nest).
 */
void journal_begin(void);

/*
 * Records that buffer b (held by the caller, from bread, with its new
 * contents) is part of the calling thread's transaction, and pins it in the
 * cache. A block written several times in a group is logged once, with its
 * last contents, and counts once for each operation that wrote it. Never
 * sleeps. Panics (kernel bugs all) if b's block is not one the journal
 * may log (outside the inode table, bitmap and data), if the calling
 * thread has no transaction open (another thread's does not count), if
 * the group overflows the journal, and in a debug build if the operation
 * changes more than JOURNAL_OP_MAX_BLOCKS distinct blocks; without DEBUG
 * such an operation goes on while the journal has room.
 */
void journal_log(struct buf *b);

/*
 * Ends the calling thread's transaction and returns once its group has
 * committed: the last operation of the group to end does the commit, the
 * others wait for it. data (NULL if none) is the operation's batch of
 * file data written in place (bwrite_frames, bcache.h), sent but maybe
 * not finished: it is finished before the group's commit point, so
 * ordered mode holds: by the operation itself while others of its group
 * are open (one of them may commit), else by its commit, together with
 * the journal slots (one round trip for both); its blocks are on disk
 * when journal_end returns.
 * Sleeps. Panics if the thread has no transaction open, or on a disk
 * error.
 */
void journal_end(struct bdev_batch *data);

/*
 * Notes that the calling thread's transaction freed block blockno (bfree).
 * If the journal names it (this group or a group committed since the last
 * checkpoint logged it: an index or directory block), the group's commit
 * then empties the journal: once the group has committed the block may be
 * reused, and a replay must never copy its old contents over the new.
 * A block the journal does not name (file data, or metadata written home
 * since) needs nothing, so freeing a file's data costs no checkpoint.
 * A block is not logged after it is freed (nothing changes a free block).
 * Never sleeps. Panics if the thread has no transaction open.
 */
void journal_log_free(uint32_t blockno);

/*
 * The number of the group the calling thread's transaction belongs to
 * (groups are numbered from 1 in commit order; it does not change while
 * the transaction is open). balloc uses it to keep a block freed in a
 * group from being reused before that group commits. Never sleeps.
 * Panics if the thread has no transaction open.
 */
uint64_t journal_group(void);

/*
 * For halt: waits for the operations in progress to end and their group to
 * commit, stops new transactions from beginning (journal_begin sleeps
 * from now on) and empties the journal (a checkpoint). On return the
 * journal is empty and the disk holds a consistent file system that no
 * one will change again. Sleeps.
 */
void journal_shutdown(void);

/*
 * A test hook, the journal_cut system call (lib/bench.h says what each how
 * does), to make the two orderings that keep a power cut harmless testable
 * (test/group_cut.c): a random cut almost never lands in their window.
 * JOURNAL_CUT_BEFORE or _AFTER arms the calling thread: its next
 * operation's journal_end waits, the operation still open, until another
 * operation of its group has ended and no other is open, so it ends last
 * and commits; the commit powers the machine off (sbi_shutdown, with
 * nothing flushed) just before or just after writing the header (none if
 * the group logged nothing). The group can take a second operation only
 * if the journal has room for two (journal_begin), as it has after a
 * boot. JOURNAL_CUT_WAIT sleeps until such an operation waits, so the
 * caller's next operation joins its group. Both waits are killable: a
 * killed holder ends its operation with no cut, a killed waiter returns
 * ERR_KILLED. A thread armed twice in one group would wait for itself:
 * one at a time. JOURNAL_CUT_NONE disarms. Returns ERR_OK, or ERR_INVAL
 * for another how. The system call exists on the debug kernel only
 * (ERR_NOSYS on the other: sys_vm.c says why). Costs the other operations
 * a look at their thread in journal_end.
 */
err_t journal_cut_at(int how);

#endif /* _KERNEL_JOURNAL_H_ */
