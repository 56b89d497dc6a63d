/*
 * memfile_win.c - see memfile.h: a file in the user's temporary folder
 * (not tmpfile(), which the C runtime makes in the drive's root, where a
 * user may not write), opened "w+bD": binary, deleted when closed.
 */
#include <stdlib.h>
#include <windows.h>

#include "memfile.h"

int memfile_open(struct memfile *m)
{
	wchar_t dir[MAX_PATH + 1], path[MAX_PATH + 1];

	m->buf = NULL;
	m->len = 0;
	m->f = NULL;
	if (!GetTempPathW(MAX_PATH + 1, dir) ||
	    !GetTempFileNameW(dir, L"ptm", 0, path))
		return -1;
	if (!(m->f = _wfopen(path, L"w+bD"))) {
		DeleteFileW(path);
		return -1;
	}
	return 0;
}

char *memfile_close(struct memfile *m, size_t *len)
{
	long n;
	char *buf = NULL;

	if (fflush(m->f) == 0 && !ferror(m->f) && (n = ftell(m->f)) >= 0 &&
	    fseek(m->f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1)) &&
	    fread(buf, 1, (size_t)n, m->f) == (size_t)n) {
		buf[n] = '\0';
		*len = (size_t)n;
	} else {
		free(buf);
		buf = NULL;
	}
	fclose(m->f);	/* "D": the file goes with it */
	m->f = NULL;
	return buf;
}
