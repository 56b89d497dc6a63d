/* jsonw.c - see jsonw.h. */
#include <string.h>

#include "jsonw.h"

void jsonw_init(struct jsonw *w, char *buf, size_t cap)
{
	w->buf = buf;
	w->cap = cap;
	w->len = 0;
	w->full = 0;
	w->comma = 0;
}

static void put(struct jsonw *w, const char *s, size_t n)
{
	if (n > w->cap - w->len) {
		w->full = 1;
		return;
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

static void putc_(struct jsonw *w, char c)
{
	put(w, &c, 1);
}

void jsonw_open(struct jsonw *w)
{
	putc_(w, '{');
	w->comma = 0;
}

void jsonw_keyn(struct jsonw *w, const char *key, size_t n)
{
	char *p;

	if (n + 3 + (w->comma != 0) > w->cap - w->len) {
		w->full = 1;
		return;
	}
	p = w->buf + w->len;
	if (w->comma)
		*p++ = ',';
	*p++ = '"';
	memcpy(p, key, n);
	p += n;
	*p++ = '"';
	*p++ = ':';
	w->len = (size_t)(p - w->buf);
	w->comma = 1;
}

void jsonw_key(struct jsonw *w, const char *key)
{
	jsonw_keyn(w, key, strlen(key));
}

void jsonw_raw(struct jsonw *w, const char *s, size_t n)
{
	put(w, s, n);
}

void jsonw_close(struct jsonw *w)
{
	putc_(w, '}');
	w->comma = 1;
}

/* The length of the well-formed UTF-8 sequence at s (at most n bytes), or
 * 0 when it is not one (RFC 3629 section 4's table). */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t len;
	unsigned char lo = 0x80, hi = 0xbf;

	if (c < 0xc2 || c > 0xf4)
		return 0;	/* a continuation byte, an overlong start */
	len = c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
	if (c == 0xe0)
		lo = 0xa0;	/* overlong */
	else if (c == 0xed)
		hi = 0x9f;	/* surrogates */
	else if (c == 0xf0)
		lo = 0x90;	/* overlong */
	else if (c == 0xf4)
		hi = 0x8f;	/* above U+10FFFF */
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

/* A byte a string carries as it is: printable ASCII but '"' and '\'. */
static int plain(unsigned char c)
{
	return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

void jsonw_strn(struct jsonw *w, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;

	putc_(w, '"');
	for (size_t i = 0; i < n;) {
		unsigned char c = p[i];
		size_t k;

		if (plain(c)) {
			for (k = i; k < n && plain(p[k]); k++)
				;
			put(w, s + i, k - i);	/* a plain run at once */
			i = k;
		} else if (c == '"' || c == '\\') {
			char e[2] = { '\\', (char)c };

			put(w, e, 2);
			i++;
		} else if (c < 0x20) {
			char e[6] = { '\\', 'u', '0', '0', hex[c >> 4],
				      hex[c & 15] };
			const char *sh = c == '\n' ? "\\n" : c == '\r' ? "\\r" :
					 c == '\t' ? "\\t" : c == '\b' ? "\\b" :
					 c == '\f' ? "\\f" : NULL;

			put(w, sh ? sh : e, sh ? 2 : 6);
			i++;
		} else if ((k = utf8_len(p + i, n - i))) {
			put(w, s + i, k);
			i += k;
		} else {
			put(w, "\\ufffd", 6);	/* an ill-formed byte */
			i++;
		}
	}
	putc_(w, '"');
	w->comma = 1;
}

void jsonw_str(struct jsonw *w, const char *s)
{
	char *p, *lim;
	const char *q = s;

	if (!s) {
		jsonw_null(w);
		return;
	}
	/* Most strings are short and plain (addresses, states, names): one
	 * pass copies them; anything else starts again the long way. */
	p = w->buf + w->len;
	lim = p + (w->cap - w->len < 64 ? w->cap - w->len : 64);
	if (p < lim)
		*p++ = '"';
	for (; *q && p < lim - 1 && plain((unsigned char)*q); q++)
		*p++ = *q;
	if (*q || p >= lim) {
		jsonw_strn(w, s, strlen(s));
		return;
	}
	*p++ = '"';
	w->len = (size_t)(p - w->buf);
	w->comma = 1;
}

char *jsonw_digits(uint64_t v, int min, char *end)
{
	/* two digits a step: half the divisions of one at a time */
	static const char two[201] =
		"00010203040506070809101112131415161718192021222324"
		"25262728293031323334353637383940414243444546474849"
		"50515253545556575859606162636465666768697071727374"
		"75767778798081828384858687888990919293949596979899";
	char *p = end;

	while (v >= 100) {
		unsigned d = (unsigned)(v % 100) * 2;

		v /= 100;
		*--p = two[d + 1];
		*--p = two[d];
	}
	if (v >= 10) {
		*--p = two[v * 2 + 1];
		*--p = two[v * 2];
	} else {
		*--p = (char)('0' + v);
	}
	while (end - p < min)
		*--p = '0';
	return p;
}

void jsonw_uint(struct jsonw *w, uint64_t v)
{
	char b[24], *p;
	size_t n = 1;

	if (w->cap - w->len >= 20) {	/* in place: no copy */
		for (uint64_t x = v; x >= 10; x /= 10)
			n++;
		jsonw_digits(v, 1, w->buf + w->len + n);
		w->len += n;
	} else {
		p = jsonw_digits(v, 1, b + sizeof(b));
		put(w, p, (size_t)(b + sizeof(b) - p));
	}
	w->comma = 1;
}

void jsonw_int(struct jsonw *w, int64_t v)
{
	if (v < 0) {
		putc_(w, '-');
		jsonw_uint(w, (uint64_t)-(v + 1) + 1);
	} else {
		jsonw_uint(w, (uint64_t)v);
	}
}

void jsonw_fixed(struct jsonw *w, int64_t v, int decimals)
{
	uint64_t scale = 1, a;
	char b[32], *p;

	for (int i = 0; i < decimals; i++)
		scale *= 10;
	if (v < 0)
		putc_(w, '-');
	a = v < 0 ? (uint64_t)-(v + 1) + 1 : (uint64_t)v;
	p = jsonw_digits(a / scale, 1, b + sizeof(b));
	put(w, p, (size_t)(b + sizeof(b) - p));
	if (decimals > 0) {
		putc_(w, '.');
		p = jsonw_digits(a % scale, decimals, b + sizeof(b));
		put(w, p, (size_t)(b + sizeof(b) - p));
	}
	w->comma = 1;
}

void jsonw_bool(struct jsonw *w, int b)
{
	put(w, b ? "true" : "false", b ? 4 : 5);
	w->comma = 1;
}

void jsonw_null(struct jsonw *w)
{
	put(w, "null", 4);
	w->comma = 1;
}

void jsonw_words(struct jsonw *w, const char *s)
{
	putc_(w, '[');
	while (*s) {
		const char *e = strchr(s, ' ');
		size_t n = e ? (size_t)(e - s) : strlen(s);

		jsonw_strn(w, s, n);
		s += n + (e != NULL);
		if (*s)
			putc_(w, ',');
	}
	putc_(w, ']');
}
