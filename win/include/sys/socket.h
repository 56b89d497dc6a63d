/* win/include/sys/socket.h - the Windows build's stand-in (Makefile:
 * -Iwin/include): sockets from Winsock. */
#ifndef PORTTOP_WIN_SYS_SOCKET_H
#define PORTTOP_WIN_SYS_SOCKET_H
#include <winsock2.h>
#include <ws2tcpip.h>
#endif
