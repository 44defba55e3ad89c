/*
 * osv-rv: error codes (lib/errcode.h) in words, for messages such as
 * "sh: nofile: no such file" (user/lib/errstr.c).
 */
#ifndef _LIB_ERRSTR_H_
#define _LIB_ERRSTR_H_

/* A short lower-case phrase for err (an ERR_* value, ERR_OK included);
 * "error N" for a value errcode.h does not name, in a static buffer that
 * the next such call reuses. */
const char *errstr(int err);

#endif /* _LIB_ERRSTR_H_ */
