/*
 * jsonw.h - writing JSON text (RFC 8259) into a caller's buffer: objects,
 * keys and values, numbers written exactly as asked.
 *
 * Why not jansson for output: a double goes out through "%.17g" (or a
 * chosen precision for all), so a duration of 76,010 microseconds prints
 * as 0.07600999999999999 and a rate as 625.8920000000001; porttop's times
 * are microsecond-exact and its rates have a stated precision, so they are
 * written here as decimal fixed-point text, the same digits the CSV
 * report prints.  jansson stays for reading JSON.
 *
 * Strings are escaped as RFC 8259 section 7 requires: '"' and '\', control
 * characters (U+0000..U+001F) as \b \f \n \r \t or \u00XX; other bytes are
 * copied when they are well-formed UTF-8 (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF) and each byte of an ill-formed
 * sequence becomes U+FFFD, so any process name gives valid JSON.
 */
#ifndef PORTTOP_JSONW_H
#define PORTTOP_JSONW_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct jsonw {
	char *buf;
	size_t len, cap;	/* bytes written, room */
	int full;		/* something did not fit: the text is cut */
	int comma;		/* a value came: the next key needs a comma */
};

/* jsonw_init: write into buf (cap bytes); nothing is ever written past
 * it: what does not fit sets full, and the text is then unusable. */
void jsonw_init(struct jsonw *w, char *buf, size_t cap);

/* Objects and keys: jsonw_open '{', jsonw_key ',"key":' (the comma when
 * a member came before; key is written as it is: ASCII without quotes or
 * backslashes), jsonw_close '}'. */
void jsonw_open(struct jsonw *w);
void jsonw_key(struct jsonw *w, const char *key);
/* jsonw_keyn: jsonw_key of the n bytes at key. */
void jsonw_keyn(struct jsonw *w, const char *key, size_t n);
void jsonw_close(struct jsonw *w);

/* jsonw_raw: n bytes of text as they are (JSON the caller made); full
 * when they do not fit, as every writer here. */
void jsonw_raw(struct jsonw *w, const char *s, size_t n);

/* jsonw_member: a key written from its member text q, ',"key":null'
 * zero-padded to JSONW_MEMBER + 1 bytes (keylen: the length of ',"key":',
 * the comma only when a member came before), with the value null when
 * null is set.  For writers that name the same keys on every row: one
 * fixed-size copy instead of jsonw_key's four pieces (a flows report
 * writes 86M keys, 7 % of its time). */
#define JSONW_MEMBER 32
static inline void jsonw_member(struct jsonw *w,
				const char q[JSONW_MEMBER + 1],
				size_t keylen, int null)
{
	size_t skip = !w->comma, n = keylen + (null ? 4 : 0) - skip;

	if (JSONW_MEMBER > w->cap - w->len) {
		jsonw_raw(w, q + skip, n);	/* near the end: n bytes */
	} else {
		/* the whole width: the bytes past n lie past len, outside
		 * the text (and within cap) */
		memcpy(w->buf + w->len, q + skip, JSONW_MEMBER);
		w->len += n;
	}
	w->comma = 1;
}

/* Values. jsonw_str: s escaped (NULL: null); jsonw_strn: n bytes of s.
 * jsonw_fixed: v / 10^decimals with exactly `decimals` digits after the
 * point (decimals 0..9): jsonw_fixed(w, 76010, 6) is 0.076010, (w, -5, 3)
 * is -0.005. */
void jsonw_str(struct jsonw *w, const char *s);
void jsonw_strn(struct jsonw *w, const char *s, size_t n);
void jsonw_int(struct jsonw *w, int64_t v);
void jsonw_uint(struct jsonw *w, uint64_t v);
void jsonw_fixed(struct jsonw *w, int64_t v, int decimals);
void jsonw_bool(struct jsonw *w, int b);
void jsonw_null(struct jsonw *w);

/* jsonw_digits: v in decimal, at least min digits (zeros in front), as
 * printf("%0*" PRIu64, min, v) writes it, in the characters before end
 * (at most 20, or min); returns the first.  The number writer of the
 * JSON and CSV rows: printf's parsing and stream set-up cost several
 * times this. */
char *jsonw_digits(uint64_t v, int min, char *end);

/* jsonw_words: s's words (separated by single spaces) as an array of
 * strings: "a b" is ["a","b"], "" is []. */
void jsonw_words(struct jsonw *w, const char *s);

#endif
