/*
 * What mkfs's two halves share: mkfs.c builds an image, check.c checks
 * one (mkfs --check), and both work on the whole image in memory, read
 * and written through the helpers below. mkfs is a host program (built
 * with -DOSV_HOST_TOOL): nothing here runs in the kernel.
 */
#ifndef _MKFS_MKFS_H_
#define _MKFS_MKFS_H_

#include <kernel/types.h>
#include <kernel/sfs.h>

extern uint8_t *img;                   /* the whole image in memory */
extern struct sfs_superblock *sb;      /* inside img, block 1 */

/* Block b of the image in memory. */
void *block(uint32_t b);
/* Inode inum in the image's inode table. */
struct sfs_inode *inode(uint32_t inum);
/* Whether the free-block bitmap marks block b in use. */
int bitmap_get(uint32_t b);
/* Prints "mkfs: " and the message on stderr and exits 1. */
void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* mkfs --check path: prints "path: clean" and returns 0, or prints every
 * problem (the first 100) and their count and returns 1. The file is
 * never written. */
int check_image(const char *path);

#endif /* _MKFS_MKFS_H_ */
