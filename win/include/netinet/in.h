/* win/include/netinet/in.h - the Windows build's stand-in (Makefile:
 * -Iwin/include): sockaddr_in, sockaddr_in6 and IPPROTO_* from Winsock. */
#ifndef PORTTOP_WIN_NETINET_IN_H
#define PORTTOP_WIN_NETINET_IN_H
#include <winsock2.h>
#include <ws2tcpip.h>
#endif
