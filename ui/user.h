/*
 * user.h - a user's name for the views' USER column: the password
 * database on Linux (user_linux.c); on Windows (user_win.c) owners carry
 * no uid yet, so there is none.
 */
#ifndef PORTTOP_USER_H
#define PORTTOP_USER_H

#include <stddef.h>
#include <stdint.h>

/* user_name: uid's name into buf: 0, or -1 when unknown. */
int user_name(uint32_t uid, char *buf, size_t len);

#endif
