/*
 * user.h - a user's name for the views' USER column: the password
 * database on Linux (user_linux.c); on Windows (user_win.c) the accounts
 * of the process tokens attribution has read (their uids map SIDs as
 * Cygwin does: attrib/attr_iphlp.h).
 */
#ifndef PORTTOP_USER_H
#define PORTTOP_USER_H

#include <stddef.h>
#include <stdint.h>

/* user_name: uid's name into buf: 0, or -1 when unknown. */
int user_name(uint32_t uid, char *buf, size_t len);

#endif
