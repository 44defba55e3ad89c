/*
 * osv-rv: open() flags beyond osv's (lib/usyscall.h), for the kernel and
 * for programs alike. osv's rule stands for everything else: a flag
 * outside these sets makes open() return ERR_INVAL.
 */
#ifndef _LIB_FILE_EXT_H_
#define _LIB_FILE_EXT_H_

#include <lib/usyscall.h>

/*
 * With FS_WRONLY or FS_RDWR (else ERR_INVAL): every write() through this
 * open file starts at the file's end, wherever the offset was (the
 * shell's `>>`). Appends never overlap, through one open file or
 * several: each write is placed at the end and written whole before the
 * next append to the file starts (an ordinary write at an offset is not
 * ordered with them).
 */
#define FS_APPEND 0x400

#endif /* _LIB_FILE_EXT_H_ */
