/*
 * File mappings (mmap/munmap): a file's pages as a memstore.
 *
 * Each mapped file has one memstore of kind "file" whose page cache holds
 * the file's pages, read in on first touch. MAP_SHARED views map those
 * frames, so every shared view of a file sees one copy, and their writes
 * are written back to the file when a writable view is unmapped, when its
 * process exits, and at halt (filemap_sync_all); closing a read-only view
 * writes nothing. MAP_PRIVATE views get a private
 * copy of each page as it is touched (vm's fill path), so their writes
 * never reach the cache or the file.
 *
 * Decisions where API.md is silent: offset must be page aligned and below
 * the largest file size, length nonzero; the mapping covers whole pages, and bytes past the end of the
 * file read as zero and are never written back (the file does not grow).
 * munmap takes a whole mapping: addr is its start and length its length
 * (rounded up to pages), else ERR_INVAL. Mapped pages and read()/write()
 * are not kept coherent while a mapping lives: write back first (munmap).
 *
 * Locking: one sleeplock for the table of mapped files; page caches and
 * the file system below it.
 */
#ifndef _KERNEL_FILEMAP_H_
#define _KERNEL_FILEMAP_H_

#include <kernel/types.h>
#include <lib/errcode.h>

struct file;

void filemap_init(void);
/* The system calls; f is the open file of fd (checked to be a file). */
int filemap_mmap(struct file *f, offset_t offset, size_t length, int prot, int flags, vaddr_t *addr);
int filemap_munmap(vaddr_t addr, size_t length);
/* Writes every cached page of every mapped file back (halt). */
void filemap_sync_all(void);

#endif /* _KERNEL_FILEMAP_H_ */
