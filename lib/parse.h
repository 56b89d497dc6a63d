/*
 * parse.h - numbers and lists on the command line.
 */
#ifndef PORTTOP_PARSE_H
#define PORTTOP_PARSE_H

#include <stdint.h>

/* parse_u64: a decimal number with nothing after it (no sign, no
 * blanks).  0, or -1 when s is not one or does not fit. */
int parse_u64(const char *s, uint64_t *v);

/* parse_seconds: a duration as nanoseconds: a number (fractions allowed)
 * and a unit, none meaning seconds: "1.5", "10s", "250ms", "5m", "1h",
 * also "us", "min", "d"; within [0, 1e9 s], 0 itself only when zero_ok.
 * 0, or -1. */
int parse_seconds(const char *s, int64_t *ns, int zero_ok);

/* parse_pairs: "k=v,k=v" (at most 255 bytes): fn(arg, k, v) for each
 * pair in order.  0, or -1 when a pair has no '=' or fn refuses it. */
int parse_pairs(const char *spec,
		int (*fn)(void *arg, const char *k, const char *v), void *arg);

/* parse_name: the index of s in names[0..n-1] (NULL entries skipped), or
 * -1 when it is none of them. */
int parse_name(const char *s, const char *const *names, int n);

#endif
