/* rand_linux.c - see rand.h. */
#include <errno.h>
#include <sys/random.h>

#include "rand.h"

int os_random(void *buf, size_t len)
{
	unsigned char *p = buf;

	while (len) {
		ssize_t r = getrandom(p, len, 0);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		len -= (size_t)r;
	}
	return 0;
}
