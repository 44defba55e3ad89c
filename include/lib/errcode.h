/*
 * Error codes returned by system calls and by kernel functions alike.
 * The values 0 to -16 are osv's and must never change: osv programs and
 * autograders compare against them. osv-rv's additions follow at -17.
 */
#ifndef _LIB_ERRCODE_H_
#define _LIB_ERRCODE_H_

#define ERR_OK 0
#define ERR_NOMEM -1          /* out of memory, or a per-process table is full */
#define ERR_NORES -2          /* out of some other resource (disk blocks, inodes) */
#define ERR_UNALLOC -3
#define ERR_EXIST -4          /* the name already exists */
#define ERR_NOTEXIST -5       /* no such file, program or region */
#define ERR_INCOMP -6
#define ERR_FTYPE -7          /* wrong file type for the operation */
#define ERR_REGISTER -8
#define ERR_NOTEMPTY -9       /* directory not empty */
#define ERR_END -10           /* end of directory, or pipe with no readers */
#define ERR_INIT -11
#define ERR_FAULT -12         /* a user pointer that cannot be accessed */
#define ERR_INVAL -13         /* an argument out of its contract */
#define ERR_CHILD -14         /* no such child to wait for */
#define ERR_PGFAULT_ALLOC -15
#define ERR_LOCK_BUSY -16
#define ERR_OWNERDEAD -17     /* lock acquired, but its holder died holding it */
#define ERR_AGAIN -18         /* futex word did not hold the expected value */
#define ERR_TIMEDOUT -19
#define ERR_PERM -20          /* well formed, but not allowed */
#define ERR_NOSYS -21         /* unknown system call number */

#endif /* _LIB_ERRCODE_H_ */
