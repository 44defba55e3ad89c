/*
 * The on-disk format of the osv simple file system (sfs).
 *
 * One definition shared by the host tool mkfs (built with -DOSV_HOST_TOOL by
 * the host gcc, so this header includes nothing of ours but <kernel/types.h>)
 * and by the kernel. All numbers are little-endian, as on RISC-V and x86.
 *
 * The disk is an array of 4096-byte blocks (one block = one page, so a later
 * page cache maps file blocks 1:1 onto frames):
 *
 *   block 0                     unused (boot block)
 *   block 1                     superblock (struct sfs_superblock)
 *   journal_start ..            the write-ahead journal, journal_blocks long:
 *                               a header block, then journal_blocks - 1 slots
 *   inode_start ..              inode table, SFS_INODES_PER_BLOCK inodes a block
 *   bitmap_start ..             free-block bitmap, one bit per block of the
 *                               disk (bit b of byte i is block 8*i+b; 1 = in use);
 *                               blocks before data_start are always marked used
 *   data_start .. nblocks-1     file and directory data, indirect blocks
 *   scratch_start ..            the scratch area, scratch_blocks long, past the
 *                               file system (scratch_start >= nblocks): blocks
 *                               no file system structure ever uses, which only
 *                               the benchmarks' disk_scratch_write (lib/bench.h)
 *                               writes, to measure the raw disk. Optional:
 *                               scratch_blocks 0 (as in an image made before
 *                               the area existed) means there is none. mkfs
 *                               makes 1024 blocks (4 MiB) at the image's end.
 *
 * Inodes are numbered from 0; inode 0 is never used (a directory entry with
 * inode_num 0 is an empty slot) and inode 1 is the root directory.
 *
 * A file's data is reached through its inode: 10 direct block numbers, one
 * single-indirect block (1024 block numbers) and one double-indirect block
 * (1024 single-indirect blocks), so a file may hold about 4 GiB. A block
 * number 0 means "no block" (a hole, read as zeros).
 *
 * A directory is a file of struct sfs_dirent records, 128 a block. Every
 * directory begins with "." (itself) and ".." (its parent; the root's ".." is
 * the root); readdir never reports those two. A name is 1..27 bytes, without
 * '/', NUL-terminated in the 28-byte field. An entry with inode_num 0 is free.
 *
 * Link counts: an inode's nlink is the number of directory entries naming it,
 * "." and ".." included. A file: one per name. A directory: its entry in
 * the parent, its own ".", and the ".." of each subdirectory (the root,
 * having no parent entry, counts its own "." and "..").
 */
#ifndef _KERNEL_SFS_H_
#define _KERNEL_SFS_H_

#include <kernel/types.h>

#define SFS_MAGIC 0x5346534fU          /* "OSFS" in a little-endian dump */
#define SFS_VERSION 2                  /* 2: the journal has a header block */
#define SFS_BLOCK_SIZE 4096
#define SFS_SUPERBLOCK_BLOCK 1
#define SFS_ROOT_INODE 1

/* Inode types (the FTYPE_* values of <lib/usyscall.h>). */
#define SFS_TYPE_FREE 0
#define SFS_TYPE_DIR 1
#define SFS_TYPE_FILE 2
#define SFS_TYPE_DEV 3

struct sfs_superblock {
    uint32_t magic;                    /* SFS_MAGIC */
    uint32_t version;                  /* SFS_VERSION */
    uint32_t nblocks;                  /* blocks of the file system, block 0 included
                                          (the image goes on with the scratch area) */
    uint32_t ninodes;                  /* inodes in the table, inode 0 included */
    uint32_t journal_start;            /* first journal block */
    uint32_t journal_blocks;           /* length of the journal region */
    uint32_t reserved;                 /* 0 */
    uint32_t inode_start;              /* first inode-table block */
    uint32_t inode_blocks;
    uint32_t bitmap_start;             /* first bitmap block */
    uint32_t bitmap_blocks;
    uint32_t data_start;               /* first data block */
    uint32_t root_inode;               /* SFS_ROOT_INODE */
    uint32_t scratch_start;            /* first block of the scratch area */
    uint32_t scratch_blocks;           /* its length; 0 = no scratch area */
};

#define SFS_NDIRECT 10
#define SFS_NINDIRECT (SFS_BLOCK_SIZE / sizeof(uint32_t))     /* 1024 */
#define SFS_NDINDIRECT (SFS_NINDIRECT * SFS_NINDIRECT)
/* Blocks a file may have: direct, then single-, then double-indirect. */
#define SFS_MAX_FILE_BLOCKS (SFS_NDIRECT + SFS_NINDIRECT + SFS_NDINDIRECT)

struct sfs_inode {
    uint16_t type;                     /* SFS_TYPE_*; 0 = free */
    uint16_t nlink;                    /* directory entries naming it */
    uint32_t reserved;                 /* 0 */
    uint64_t size;                     /* bytes */
    uint32_t direct[SFS_NDIRECT];
    uint32_t indirect;                 /* block of SFS_NINDIRECT block numbers */
    uint32_t dindirect;                /* block of SFS_NINDIRECT indirect blocks */
};

#define SFS_INODE_SIZE 64
#define SFS_INODES_PER_BLOCK (SFS_BLOCK_SIZE / SFS_INODE_SIZE)  /* 64 */

#define SFS_NAME_LEN 28                /* = FNAME_LEN: names of at most 27 bytes */

/* Exactly the user's struct dirent (lib/usyscall.h), byte for byte. */
struct sfs_dirent {
    char name[SFS_NAME_LEN];           /* NUL-terminated */
    int32_t inode_num;                 /* 0 = free slot */
};

#define SFS_DIRENT_SIZE 32
#define SFS_BITS_PER_BLOCK (SFS_BLOCK_SIZE * 8)

/*
 * The journal (write-ahead log; kernel/fs/journal.c writes it, fs_init and
 * mkfs --check replay it). Block journal_start is the header; the
 * journal_blocks - 1 blocks after it are slots. When count is not 0, the
 * header names the slots of every group of transactions committed since
 * the journal was last emptied, oldest group first: slot i (block
 * journal_start + 1 + i) holds the new contents of block blocks[i], for
 * i < count, and a block logged by several groups has a slot in each, the
 * last one newest. Replaying copies every slot home, in slot order, then
 * writes the header back with count 0. mkfs writes an empty header
 * (magic, count 0).
 *
 * The header write is the commit point. Everything it says lies in its first
 * 512 bytes (one disk sector), so even a disk that tears a 4 KiB write in
 * a power cut writes the header wholly or not at all. A block number in
 * blocks[] is never below inode_start (the boot block, the superblock and
 * the journal are never journaled) and always below nblocks.
 */
#define SFS_JOURNAL_MAGIC 0x4c4e524aU  /* "JRNL" in a little-endian dump */
#define SFS_JOURNAL_MAX_SLOTS 120      /* slots a header can describe */

struct sfs_journal_header {
    uint32_t magic;                    /* SFS_JOURNAL_MAGIC */
    uint32_t count;                    /* slots in use, every committed group's; 0 = empty */
    uint64_t sequence;                 /* commits since mkfs (for messages) */
    uint32_t blocks[SFS_JOURNAL_MAX_SLOTS];   /* home block of each slot */
};

_Static_assert(sizeof(struct sfs_superblock) <= SFS_BLOCK_SIZE, "superblock fits a block");
_Static_assert(sizeof(struct sfs_inode) == SFS_INODE_SIZE, "on-disk inode is 64 bytes");
_Static_assert(sizeof(struct sfs_dirent) == SFS_DIRENT_SIZE, "directory entry is 32 bytes");
_Static_assert(sizeof(struct sfs_journal_header) <= 512, "journal header fits one sector");

/* The block of the inode table that holds inode inum, and its index there. */
#define SFS_INODE_BLOCK(sb, inum) ((sb)->inode_start + (inum) / SFS_INODES_PER_BLOCK)
#define SFS_INODE_INDEX(inum) ((inum) % SFS_INODES_PER_BLOCK)
/* The bitmap block holding block b's bit. */
#define SFS_BITMAP_BLOCK(sb, b) ((sb)->bitmap_start + (b) / SFS_BITS_PER_BLOCK)

#endif /* _KERNEL_SFS_H_ */
