/* user_win.c - see user.h: the accounts attribution has seen in process
 * tokens (attr.h attr_user_name). */
#include "../attrib/attr.h"
#include "user.h"

int user_name(uint32_t uid, char *buf, size_t len)
{
	return attr_user_name(uid, buf, len);
}
