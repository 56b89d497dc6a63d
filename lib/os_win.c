/* os_win.c - see os.h.  (binmode.o, linked by the Makefile, puts files
 * that porttop opens in binary mode; the C runtime has already opened the
 * standard streams in text mode by then.) */
#include <fcntl.h>
#include <io.h>
#include <stdio.h>
#include <stdlib.h>
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

/* POSIX getline(3), which MinGW's C runtime lacks (declared in
 * win/compat.h): one line with its '\n', NUL-terminated, *line grown as
 * needed; the length, or -1 at the end of the file or on error. */
ssize_t getline(char **line, size_t *cap, FILE *f)
{
	size_t n = 0;
	int c;

	if (!line || !cap)
		return -1;
	while ((c = getc(f)) != EOF) {
		if (n + 2 > *cap || !*line) {
			size_t ncap = *cap > 64 ? *cap * 2 : 128;
			char *p = realloc(*line, ncap);

			if (!p)
				return -1;
			*line = p;
			*cap = ncap;
		}
		(*line)[n++] = (char)c;
		if (c == '\n')
			break;
	}
	if (n == 0)
		return -1;
	(*line)[n] = '\0';
	return (ssize_t)n;
}
