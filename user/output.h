/*
 * For the commands that copy their inputs to fd 1 (cat, grep): an input
 * that is the very file fd 1 writes into (`cat f >> f`, `grep a f >> f`)
 * would be read back as it grows, and the command would append until the
 * disk was full. GNU cat and grep refuse such an input, and so do these.
 */
#ifndef _USER_OUTPUT_H_
#define _USER_OUTPUT_H_

#include <lib/usyscall.h>
#include <stdbool.h>

/* Whether fd reads the file fd 1 writes into, with something in it: the
 * same inode (fstat), a file, not the console or a pipe. An empty one is
 * let through, as GNU's rule has it: `cat f > f` ('>' made f new and
 * empty) copies nothing and says nothing. */
static inline bool reads_output(int fd)
{
    struct stat out, in;
    return fstat(1, &out) == ERR_OK && out.ftype == FTYPE_FILE && fstat(fd, &in) == ERR_OK &&
           in.ftype == FTYPE_FILE && in.inode_num == out.inode_num && in.size > 0;
}

#endif /* _USER_OUTPUT_H_ */
