/*
 * ipfix_none.c - ipfix.h for a build without IPFIX export: the Windows
 * build, until libfixbuf (and glib) are cross-built for it.  --ipfix is
 * then an error that says so (exit 2); nothing else changes.
 */
#include <stdio.h>

#include "ipfix.h"

#define NOT_BUILT "IPFIX export is not in this build (the Windows build " \
	"has no libfixbuf yet)"

struct ipfix *ipfix_open(const struct ipfix_opts *o, struct engine *e,
			 char *err, size_t errlen)
{
	(void)o;
	(void)e;
	snprintf(err, errlen, "%s", NOT_BUILT);
	return NULL;
}

struct consumer ipfix_consumer(struct ipfix *x)
{
	(void)x;
	return (struct consumer){ 0 };
}

void ipfix_status(void *x, char *buf, size_t len)
{
	(void)x;
	snprintf(buf, len, "ipfix: not built");
}

void ipfix_close(struct ipfix *x, int say)
{
	(void)x;
	(void)say;
}

const char *ipfix_lib_version(void)
{
	return "libfixbuf: none (" NOT_BUILT ")";
}
