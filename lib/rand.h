/*
 * rand.h - secret random bytes from the system (the hash key): getrandom(2)
 * on Linux (rand_linux.c), BCryptGenRandom on Windows (rand_win.c).
 */
#ifndef PORTTOP_RAND_H
#define PORTTOP_RAND_H

#include <stddef.h>

/* os_random: fill buf with len random bytes.  0, or -1 when the system
 * gave none. */
int os_random(void *buf, size_t len);

#endif
