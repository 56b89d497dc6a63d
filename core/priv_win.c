/* priv_win.c - priv.h on Windows: -Z is Linux-only (Windows has no
 * setuid; run porttop as the account it should run as). */
#include <stdio.h>

#include "priv.h"

int priv_drop(const char *user, int keep_proc, char *err, size_t len)
{
	(void)user;
	(void)keep_proc;
	snprintf(err, len, "-Z is Linux-only: on Windows, start porttop as "
		 "the account it should run as");
	return -1;
}
