/*
 * filter.h - capture filter expressions (tcpdump syntax, compiled by
 * libpcap in capture/).  This file only gathers the text: the words after
 * the options, or the contents of a -F file.
 */
#ifndef PORTTOP_FILTER_H
#define PORTTOP_FILTER_H

#include <stddef.h>

/* filter_from_args: join argv[0..argc-1] with single spaces, as tcpdump
 * does (copy_argv).  Returns a malloc'd string, "" for argc == 0, or NULL
 * when out of memory. */
char *filter_from_args(int argc, char *const argv[]);

/* filter_from_file: read a filter expression from path; text from '#' to
 * the end of a line is a comment (as in tcpdump's -F files) and newlines
 * become spaces.  Returns a malloc'd string, or NULL with a one-line reason
 * in err (errlen bytes) when the file cannot be read or is not text. */
char *filter_from_file(const char *path, char *err, size_t errlen);

#endif
