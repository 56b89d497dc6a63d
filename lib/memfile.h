/*
 * memfile.h - a stream that writes into memory, for text built with
 * fprintf and handed on whole (a check's failure details, a diff's body).
 * Linux: open_memstream(3) (memfile_linux.c).  Windows, whose C runtime
 * has none: a temporary file that is deleted when closed, read back
 * (memfile_win.c).
 */
#ifndef PORTTOP_MEMFILE_H
#define PORTTOP_MEMFILE_H

#include <stdio.h>

struct memfile {
	FILE *f;	/* write here between open and close */
	char *buf;	/* (the implementation's) */
	size_t len;
};

/* memfile_open: m->f ready for writing: 0, or -1 (errno set). */
int memfile_open(struct memfile *m);

/* memfile_close: close m->f and return what was written, NUL-terminated
 * (free() it; *len its length without the NUL), or NULL on an error (out
 * of memory, a failed write), nothing to free. */
char *memfile_close(struct memfile *m, size_t *len);

#endif
