/*
 * os.h - what the program sets up about its platform before anything
 * else: nothing on Linux (os_linux.c); on Windows (os_win.c) standard
 * input, output and error in binary mode (reports are the Linux build's
 * bytes: no CR before LF) and Winsock started (name lookups); there also
 * getline(3), which MinGW lacks (win/compat.h declares it).
 */
#ifndef PORTTOP_OS_H
#define PORTTOP_OS_H

/* os_init: call first in main(). */
void os_init(void);

#endif
