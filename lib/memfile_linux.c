/* memfile_linux.c - see memfile.h: open_memstream(3). */
#include <stdlib.h>

#include "memfile.h"

int memfile_open(struct memfile *m)
{
	m->buf = NULL;
	m->len = 0;
	m->f = open_memstream(&m->buf, &m->len);
	return m->f ? 0 : -1;
}

char *memfile_close(struct memfile *m, size_t *len)
{
	int bad = fclose(m->f) != 0;

	m->f = NULL;
	if (bad) {
		free(m->buf);
		m->buf = NULL;
		return NULL;
	}
	*len = m->len;
	return m->buf;
}
