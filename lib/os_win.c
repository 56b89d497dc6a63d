/* os_win.c - see os.h.  (binmode.o, linked by the Makefile, puts files
 * that porttop opens in binary mode; the C runtime has already opened the
 * standard streams in text mode by then.) */
#include <fcntl.h>
#include <io.h>
#include <stdio.h>
#include <winsock2.h>

#include "os.h"

void os_init(void)
{
	WSADATA wsa;

	_setmode(_fileno(stdin), _O_BINARY);
	_setmode(_fileno(stdout), _O_BINARY);
	_setmode(_fileno(stderr), _O_BINARY);
	WSAStartup(MAKEWORD(2, 2), &wsa);
}
