/* status.c - see status.h. */
#include <stdarg.h>
#include <stdio.h>

#include "status.h"

enum pt_status pt_fail(struct pt_err *e, enum pt_status code,
		       const char *fmt, ...)
{
	va_list ap;

	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return code;
}
