/*
 * priv_linux.c - dropping privileges (-Z), see priv.h.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "priv.h"

int priv_drop(const char *user, int keep_proc, char *err, size_t len)
{
	static const cap_value_t keep[] = { CAP_DAC_READ_SEARCH,
					    CAP_SYS_PTRACE };
	struct passwd *pw;
	cap_t c;
	int rc;

	errno = 0;
	if (!(pw = getpwnam(user))) {
		snprintf(err, len, "-Z %s: %s", user,
			 errno ? strerror(errno) : "no such user");
		return -1;
	}
	/* keep the permitted set across setuid() so that the two kept
	 * capabilities survive; everything else goes below */
	if (prctl(PR_SET_KEEPCAPS, 1L, 0L, 0L, 0L) < 0 ||
	    initgroups(pw->pw_name, pw->pw_gid) < 0 ||
	    setgid(pw->pw_gid) < 0 || setuid(pw->pw_uid) < 0) {
		snprintf(err, len, "-Z %s: %s", user, strerror(errno));
		return -1;
	}
	prctl(PR_SET_KEEPCAPS, 0L, 0L, 0L, 0L);
	if (!(c = cap_init())) {
		snprintf(err, len, "-Z %s: %s", user, strerror(errno));
		return -1;
	}
	if (keep_proc)
		for (int s = CAP_PERMITTED; s >= CAP_EFFECTIVE; s--)
			cap_set_flag(c, (cap_flag_t)s, 2, keep, CAP_SET);
	rc = cap_set_proc(c);
	cap_free(c);
	if (rc < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1L, 0L, 0L, 0L) < 0 ||
	    (pw->pw_uid != 0 && setuid(0) == 0)) {	/* impossible now */
		snprintf(err, len, "-Z %s: cannot drop the capabilities: %s",
			 user, strerror(errno));
		return -1;
	}
	return 0;
}
