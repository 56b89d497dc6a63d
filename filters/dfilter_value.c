/*
 * dfilter_value.c - the display filter's values (dfilter_int.h): a word
 * or a string read as its field's type (numbers with size or time units,
 * fractions, addresses and networks, booleans, text and the numbers names
 * stand for), and the comparisons that need more than an integer compare.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "dfilter_int.h"

#define MAX_EXACT 9.0e18	/* below INT64_MAX, exact enough in a double */

/* A token's text into *pool, strings unescaped; returns it. */
static const char *unescape(const struct df_token *t, char **pool)
{
	char *start = *pool, *d = start;

	for (int i = 0; i < t->len; i++) {
		char c = t->p[i];

		if (t->t == TK_STRING && c == '\\' && i + 1 < t->len)
			c = t->p[++i];
		*d++ = c;
	}
	*d++ = '\0';
	*pool = d;
	return start;
}

/* ---- numbers ------------------------------------------------------------ */

struct unit {
	const char *name;
	double mult;
};

static const struct unit size_units[] = {
	{ "", 1 }, { "b", 1 },
	{ "k", 1024.0 }, { "kb", 1024.0 }, { "kib", 1024.0 },
	{ "m", 1048576.0 }, { "mb", 1048576.0 }, { "mib", 1048576.0 },
	{ "g", 1073741824.0 }, { "gb", 1073741824.0 }, { "gib", 1073741824.0 },
	{ "t", 1099511627776.0 }, { "tb", 1099511627776.0 },
	{ "tib", 1099511627776.0 },
};

/* microseconds; "" is the field's own unit, set by the caller */
static const struct unit time_units[] = {
	{ "us", 1 }, { "ms", 1e3 }, { "s", 1e6 }, { "m", 60e6 },
	{ "min", 60e6 }, { "h", 3600e6 }, { "d", 86400e6 },
};

/* s (n characters): a decimal number ("12", "1.5"), then one of units
 * (ASCII case ignored when `nocase`), or nothing, worth `bare`.  0 with
 * *v rounded to a whole number of the field's unit, or -1. */
static int scaled(const char *s, int n, const struct unit *units,
		  size_t nunits, int nocase, double bare, int64_t *v)
{
	double x = 0, scale = 1;
	int i = 0, digits = 0, dot = 0;

	for (; i < n && (isdigit((unsigned char)s[i]) || (s[i] == '.' && !dot));
	     i++) {
		if (s[i] == '.') {
			dot = 1;
			continue;
		}
		digits++;
		if (dot)
			scale /= 10;
		x = x * (dot ? 1 : 10) + (s[i] - '0') * (dot ? scale : 1);
	}
	if (!digits || x > MAX_EXACT)
		return -1;
	for (size_t u = 0; u <= nunits; u++) {
		const char *name = u < nunits ? units[u].name : "";
		size_t len = strlen(name);
		double m = u < nunits ? units[u].mult : bare;

		if (len != (size_t)(n - i) ||
		    (nocase ? strncasecmp(s + i, name, len) :
			      strncmp(s + i, name, len)))
			continue;
		if (!(x * m <= MAX_EXACT))
			return -1;
		*v = (int64_t)(x * m + 0.5);
		return 0;
	}
	return -1;
}

/* An integer with nothing after it, exactly. */
static int integer(const char *s, int n, int64_t *v)
{
	uint64_t x = 0;

	if (n < 1)
		return -1;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]) ||
		    x > (INT64_MAX - 9) / 10)
			return -1;
		x = x * 10 + (uint64_t)(s[i] - '0');
	}
	*v = (int64_t)x;
	return 0;
}

/* The names f gives a number: the index of s (n characters, ASCII case
 * ignored), or -1. */
static int name_index(const struct df_field *f, const char *s, int n)
{
	for (int i = 0; i < f->nnames; i++)
		if (df_spells(s, n, f->names[i].name))
			return i;
	return -1;
}

/* A number of f's type in s (n characters). */
static int num_of(const struct df_field *f, const char *s, int n, int64_t *v)
{
	int k;

	switch (f->type) {
	case DF_TIME:
		return scaled(s, n, time_units, sizeof(time_units) /
			      sizeof(time_units[0]), 0,
			      f->unit == DF_UNIT_US ? 1 : 1e6, v);
	case DF_FRACTION:
		return scaled(s, n, &(struct unit){ "%", 1e4 }, 1, 0, 1e6, v);
	case DF_BOOL:
		if (n == 1 && (*s == '0' || *s == '1'))
			*v = *s - '0';
		else if (df_spells(s, n, "true") || df_spells(s, n, "false"))
			*v = n == 4;
		else
			return -1;
		return 0;
	default:
		if ((k = name_index(f, s, n)) >= 0) {
			*v = f->names[k].value;
			return 0;
		}
		if (f->unit == DF_UNIT_BYTES)
			return scaled(s, n, size_units, sizeof(size_units) /
				      sizeof(size_units[0]), 1, 1, v);
		return integer(s, n, v);
	}
}

/* A number, or with `range` LO..HI, into l. */
static int num_lit(const struct df_field *f, const struct df_token *t,
		   struct df_lit *l, int range)
{
	const char *dots = NULL;

	l->kind = LIT_NUM;
	for (int i = 0; range && t->t == TK_WORD && i + 1 < t->len; i++)
		if (t->p[i] == '.' && t->p[i + 1] == '.') {
			dots = t->p + i;
			break;
		}
	if (!dots) {
		if (num_of(f, t->p, t->len, &l->lo) < 0)
			return -1;
		l->hi = l->lo;
		return 0;
	}
	return num_of(f, t->p, (int)(dots - t->p), &l->lo) < 0 ||
	       num_of(f, dots + 2, t->len - (int)(dots - t->p) - 2,
		      &l->hi) < 0 || l->lo > l->hi ? -1 : 0;
}

/* ---- addresses ---------------------------------------------------------- */

/* s: an IPv4 or IPv6 address into a (16 bytes); its family, or 0. */
static int addr_parse(const char *s, uint8_t *a)
{
	if (inet_pton(AF_INET, s, a) == 1)
		return 4;
	return inet_pton(AF_INET6, s, a) == 1 ? 6 : 0;
}

int df_net_parse(const char *s, struct df_net *n)
{
	char buf[64];
	char *slash;
	int64_t bits;
	int max;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	if ((slash = strchr(buf, '/')))
		*slash++ = '\0';
	memset(n->addr, 0, sizeof(n->addr));
	if (!(n->family = (uint8_t)addr_parse(buf, n->addr)))
		return -1;
	max = n->family == 4 ? 32 : 128;
	bits = max;
	if (slash && (integer(slash, (int)strlen(slash), &bits) < 0 ||
		      bits > max))
		return -1;
	n->prefix = (uint8_t)bits;
	for (int b = (int)bits; b < max; b++)
		n->addr[b / 8] &= (uint8_t)~(0x80 >> (b % 8));
	return 0;
}

int df_net_within(const struct df_net *n, const char *s)
{
	uint8_t a[16];
	int bits = n->prefix;

	if (addr_parse(s, a) != n->family)
		return 0;
	if (memcmp(a, n->addr, (size_t)(bits / 8)))
		return 0;
	return bits % 8 == 0 ||
	       !((a[bits / 8] ^ n->addr[bits / 8]) & (0xff00 >> (bits % 8)));
}

/* ADDR or ADDR/PREFIX into l (df_net_parse). */
static int addr_lit(const struct df_token *t, struct df_lit *l)
{
	char buf[64];
	struct df_net n;

	if (t->len >= (int)sizeof(buf))
		return -1;
	memcpy(buf, t->p, (size_t)t->len);
	buf[t->len] = '\0';
	if (df_net_parse(buf, &n) < 0)
		return -1;
	l->kind = LIT_ADDR;
	l->family = n.family;
	l->prefix = n.prefix;
	memcpy(l->addr, n.addr, sizeof(l->addr));
	return 0;
}

int df_addr_within(const struct df_lit *l, const char *s)
{
	struct df_net n = { .family = l->family, .prefix = l->prefix };

	memcpy(n.addr, l->addr, sizeof(n.addr));
	return df_net_within(&n, s);
}

/* ---- any value ---------------------------------------------------------- */

/* Text into l; a number it names (or is) in l->lo, and a number given
 * for a named value becomes its name, unless raw. */
static void text_lit(const struct df_field *f, const struct df_token *t,
		     char **pool, struct df_lit *l, int raw)
{
	int k;

	l->kind = LIT_TEXT;
	l->s = unescape(t, pool);
	if (raw)
		return;
	if ((k = name_index(f, t->p, t->len)) >= 0) {
		l->s = f->names[k].name;
		l->lo = f->names[k].value;
		l->has_num = 1;
	} else if (t->t == TK_WORD && integer(t->p, t->len, &l->lo) == 0) {
		l->has_num = 1;
		for (k = 0; k < f->nnames; k++)
			if (f->names[k].value == l->lo)
				l->s = f->names[k].name;
	}
}

int df_lit_make(const struct df_field *f, const struct df_token *t,
		char **pool, struct df_lit *l, int range, int raw)
{
	memset(l, 0, sizeof(*l));
	if (t->t != TK_WORD && t->t != TK_STRING)
		return -1;
	if (df_word_is(t, "null")) {
		l->kind = LIT_NULL;
		return 0;
	}
	if (f->type == DF_TEXT || raw) {
		text_lit(f, t, pool, l, raw);
		return 0;
	}
	if (f->type == DF_ADDR)
		return addr_lit(t, l);
	return num_lit(f, t, l, range);
}

const char *df_lit_expect(const struct df_field *f)
{
	switch (f->type) {
	case DF_ADDR:
		return "an IPv4 or IPv6 address, or NET/PREFIX";
	case DF_TIME:
		return f->unit == DF_UNIT_US ?
		       "a time: microseconds, or 250us, 1.5ms, 2s" :
		       "a time: seconds, or 250ms, 1.5s, 5m, 1h";
	case DF_BOOL:
		return "true or false";
	case DF_FRACTION:
		return "a fraction: 0.05 or 5%";
	case DF_TEXT:
		return "a word or a quoted string";
	default:
		return f->unit == DF_UNIT_BYTES ?
		       "a number of bytes: 1500, 64K, 1.5M, 2G" :
		       "a whole number";
	}
}

int df_contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (!strncasecmp(hay, needle, n))
			return 1;
	return n == 0;
}

int df_number(const struct df_field *f, const char *text, int64_t *v)
{
	size_t n = strlen(text);

	if (f->type == DF_TEXT || f->type == DF_ADDR || n > DF_MAX_TEXT)
		return -1;
	return num_of(f, text, (int)n, v);
}

const char *df_expect(const struct df_field *f)
{
	return df_lit_expect(f);
}
