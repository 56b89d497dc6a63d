/*
 * win/compat.h - included first in every file of the Windows build
 * (Makefile: -include): the few POSIX open(2) flags MinGW's C runtime
 * lacks, as their nearest Windows meaning, and getline(3) (lib/os_win.c).
 * Platform behaviour lives in the *_win.c files; this only lets shared
 * code name them.
 */
#ifndef PORTTOP_WIN_COMPAT_H
#define PORTTOP_WIN_COMPAT_H

#include <fcntl.h>
#include <stdio.h>
#include <sys/types.h>

/* every open(2) of porttop's says O_CLOEXEC: not inherited by child
 * processes, and binary (text mode ends a pcapng file at its first 0x1A) */
#define O_CLOEXEC (O_NOINHERIT | O_BINARY)
#define O_NOFOLLOW 0		/* (symbolic links need a privilege to make
				   on Windows; not checked) */

/* getline(3): as POSIX says (lib/os_win.c) */
ssize_t getline(char **line, size_t *cap, FILE *f);

#endif
