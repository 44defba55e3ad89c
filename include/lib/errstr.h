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

/* errstr for an error of opening or reading path as a file (path NULL:
 * reading fd 0), where ERR_FTYPE ("wrong file type") has two meanings a
 * person needs told apart: "is a directory" when path is one (a read, an
 * open for writing) or is fd 0's, "not a directory" when a part of path
 * is a file ("smallfile/x", "README/"). */
const char *errstr_file(const char *path, int err);

#endif /* _LIB_ERRSTR_H_ */
