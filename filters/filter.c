/* filter.c - see filter.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"

/* -F files are a few lines; refuse anything that is clearly not one. */
#define FILTER_FILE_MAX (1 << 20)

char *filter_from_args(int argc, char *const argv[])
{
	size_t n = 1;
	char *s, *p;

	for (int i = 0; i < argc; i++)
		n += strlen(argv[i]) + 1;
	s = p = malloc(n);
	if (!s)
		return NULL;
	*s = '\0';
	for (int i = 0; i < argc; i++) {
		size_t l = strlen(argv[i]);

		if (i)
			*p++ = ' ';
		memcpy(p, argv[i], l);
		p += l;
		*p = '\0';
	}
	return s;
}

char *filter_from_file(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *s;
	size_t n = 0;
	int c, in_comment = 0;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	s = malloc(FILTER_FILE_MAX + 1);
	if (!s) {
		fclose(f);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	while ((c = getc(f)) != EOF) {
		if (c == '\0' || n == FILTER_FILE_MAX) {
			snprintf(err, errlen, "%s: not a filter expression file",
				 path);
			free(s);
			fclose(f);
			return NULL;
		}
		if (c == '#')
			in_comment = 1;
		if (c == '\n' || c == '\r') {
			in_comment = 0;
			c = ' ';
		}
		if (!in_comment)
			s[n++] = (char)c;
	}
	s[n] = '\0';
	if (ferror(f)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(s);
		s = NULL;
	}
	fclose(f);
	return s;
}
