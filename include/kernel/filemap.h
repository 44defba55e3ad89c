/*
 * File mappings (mmap/munmap): a file's pages as a memstore.
 *
 * Each mapped file has a memstore of kind "file" whose pages are the
 * file's page cache (ip->pages, fs.h), read in from the file on first
 * touch. MAP_SHARED views map those frames, so every shared view of a
 * file sees one copy. MAP_PRIVATE views get a private copy of each page
 * as it is touched (the store's copypage: the cached page, else the
 * file's bytes, and nothing is cached for it): their stores never reach
 * the cache or the file, later changes to the file do not reach a page
 * once copied, and their pages go with them.
 *
 * Coherence. read() and write() go through the same cache (fs.h): write()
 * changes a cached page as it changes the disk, so a live mapping and any
 * mapping made later see its bytes at once; read() takes a cached page's
 * bytes, so it sees a shared mapping's stores at once, before they are on
 * the disk.
 *
 * Write-back. A shared view's pages are mapped read-only at first; its
 * first store to a page marks the page dirty (pgcache.h) and makes it
 * writable. Dirty pages, and only they, are written back: those a view
 * stored to when it is unmapped or its process exits (even killed), and
 * every dirty page at halt (filemap_sync_all). A page stays dirty while
 * any view that stored to it lives. Write-back copies only the bytes
 * before the file's current end (which includes what write() appended
 * meanwhile, as the cached page holds it): a mapping never grows the file,
 * and its stores past the end are never written. A view that never stored
 * (read-only, or writable but only read) writes nothing, at munmap, exit or
 * halt. So what write() put on the disk is never undone by a mapping, and
 * a store is durable once munmap or exit returned, or the machine halted;
 * a power cut before that may lose it (write() and the journal's
 * guarantees are unchanged).
 *
 * Decisions where osv's API is silent (docs/shm.md states them): offset
 * must be page aligned and below the largest file size, length nonzero;
 * the mapping covers whole pages, and bytes past the end of the
 * file read as zero (or as the stores of the shared views that map the
 * page there, until write() grows the file over them and they take the
 * file's bytes; once no view maps it, the page leaves the cache, and a
 * later view reads zeros again). munmap takes a
 * whole mapping: addr is its start and length its length (rounded up to
 * pages), else ERR_INVAL.
 *
 * Locking: one sleeplock for the table of mapped files (fm.lock). Order
 * (LOCK_FILEMAP_TABLE, synch.h): address space, then the table, then a
 * file's page cache, then the file system (transaction, inode, buffer).
 */
#ifndef _KERNEL_FILEMAP_H_
#define _KERNEL_FILEMAP_H_

#include <kernel/types.h>
#include <lib/errcode.h>

struct file;

/* Once at boot, before any process. */
void filemap_init(void);
/* The system calls, for the calling process. mmap: f is the open file of
 * the fd; *addr gets the mapping's start. Errors, judged in this order,
 * each changing nothing: ERR_INVAL (flags not exactly one of MAP_SHARED
 * and MAP_PRIVATE, prot 0 or unknown bits, length 0 or above user space,
 * offset unaligned or past the largest file); ERR_FTYPE (not a regular
 * file: a directory, pipe or the console); ERR_PERM (not open for
 * reading, or MAP_SHARED with SHM_WRITE on a file not open for writing);
 * ERR_NOMEM (no room in the address space, or memory). May sleep. */
int filemap_mmap(struct file *f, offset_t offset, size_t length, int prot, int flags, vaddr_t *addr);
/* Unmaps the whole mapping that starts at addr, writing back the pages it
 * stored to. ERR_INVAL if no file mapping has that start and length.
 * Takes the caller's address space lock; sleeps (the write-back). */
int filemap_munmap(vaddr_t addr, size_t length);
/* Writes every dirty page of every mapped file back (halt). Takes the
 * table's lock, then each file's page cache; sleeps. */
void filemap_sync_all(void);

#endif /* _KERNEL_FILEMAP_H_ */
