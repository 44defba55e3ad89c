/*
 * osv's variable arguments: va_list, va_start, va_arg, va_end and va_copy
 * with their C meanings. They are the compiler's builtins, taken from its
 * freestanding <stdarg.h> (the same definitions, so a program may include
 * both headers).
 */
#ifndef _LIB_STDARG_H_
#define _LIB_STDARG_H_

#include <stdarg.h>

#endif /* _LIB_STDARG_H_ */
