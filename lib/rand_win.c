/* rand_win.c - see rand.h.  The system's preferred generator, as Windows'
 * own CRT seeds rand_s from. */
#include <windows.h>
#include <bcrypt.h>

#include "rand.h"

int os_random(void *buf, size_t len)
{
	NTSTATUS st = BCryptGenRandom(NULL, buf, (ULONG)len,
				      BCRYPT_USE_SYSTEM_PREFERRED_RNG);

	return st == 0 ? 0 : -1;
}
