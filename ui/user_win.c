/* user_win.c - see user.h. */
#include "user.h"

int user_name(uint32_t uid, char *buf, size_t len)
{
	(void)uid;
	(void)buf;
	(void)len;
	return -1;
}
