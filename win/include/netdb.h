/* win/include/netdb.h - the Windows build's stand-in (Makefile:
 * -Iwin/include): getnameinfo from Winsock. */
#ifndef PORTTOP_WIN_NETDB_H
#define PORTTOP_WIN_NETDB_H
#include <winsock2.h>
#include <ws2tcpip.h>
#endif
