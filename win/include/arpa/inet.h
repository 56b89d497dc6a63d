/* win/include/arpa/inet.h - the Windows build's stand-in (Makefile:
 * -Iwin/include): byte order and address text from Winsock. */
#ifndef PORTTOP_WIN_ARPA_INET_H
#define PORTTOP_WIN_ARPA_INET_H
#include <winsock2.h>
#include <ws2tcpip.h>
#endif
