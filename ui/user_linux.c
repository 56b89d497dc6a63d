/* user_linux.c - see user.h. */
#include <pwd.h>
#include <stdio.h>

#include "user.h"

int user_name(uint32_t uid, char *buf, size_t len)
{
	struct passwd pw, *r = NULL;
	char tmp[1024];

	/* htop's USER column: the name when the password database has it */
	if (getpwuid_r(uid, &pw, tmp, sizeof(tmp), &r) != 0 || !r)
		return -1;
	snprintf(buf, len, "%s", r->pw_name);
	return 0;
}
