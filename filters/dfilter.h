/*
 * dfilter.h - the display-filter language: which rows to show, in words
 * Wireshark, tcpdump and htop users already know.  Shared by the reports
 * (-Y), the view's / filter and the rules of `porttop check`.
 *
 * The language knows no report.  The caller describes its rows with a
 * schema: the fields (a name and a type each), aliases ("host" is any of
 * orig_h and resp_h), a getter that reads one field of one row, and
 * optionally the row's text for bare words.  df_compile turns an
 * expression into a small program once; df_match runs it on a row without
 * allocating, in constant stack space.
 *
 *   expr    := conj { (or | ||) conj }
 *   conj    := term { (and | &&) term }     (not before and before or)
 *   term    := (not | !) term | ( expr ) | test
 *   test    := NAME OP VALUE            == (or =), !=, <, <=, >, >=
 *            | NAME ~ VALUE             contains (also "contains"),
 *                                       ignoring ASCII case
 *            | NAME [not] in { VALUE [,] VALUE ... }   a number range
 *                                       LO..HI is a value too
 *            | NAME VALUE               tcpdump's shorthand: NAME == VALUE
 *            | NAME                     a boolean field is true; any other
 *                                       field is not null
 *            | WORD | "TEXT"            not a field: the row's text
 *                                       contains it (ASCII case ignored)
 *
 * NAME is a field or an alias; an alias matches when any of its fields
 * does (!= and "not in": when none does).  Keywords (and, or, not, in,
 * contains, null, true, false) are case-insensitive; text comparisons
 * with == are exact.  VALUE is a bare word or a quoted string ("..." or
 * '...', with \" \' \\ escapes) read as the field's type:
 *   integer  1234; byte fields also 1.5K, 64M, 2G, 1T (powers of 1024,
 *            as the reports' human sizes; K, KB, KiB alike, any case)
 *   time     microseconds inside; a number with a unit: us, ms, s, m,
 *            min, h, d; a bare number in the field's own unit (seconds,
 *            or microseconds for fields counted so)
 *   fraction 0.05 or 5%
 *   address  IPv4 or IPv6, or a network ADDR/PREFIX (== is "within")
 *   boolean  true, false (1, 0)
 *   text     anything; a field may name numbers (proto tcp is 6)
 *   null     any field: == null, != null, in {null, ...}
 *
 * Bounds: an expression of at most DF_MAX_TEXT characters, nested at
 * most DF_MAX_DEPTH parentheses and nots deep.
 */
#ifndef PORTTOP_DFILTER_H
#define PORTTOP_DFILTER_H

#include <stddef.h>
#include <stdint.h>

#define DF_MAX_TEXT 8192	/* characters of an expression */
#define DF_MAX_DEPTH 64		/* parentheses and nots, nested */
#define DF_ALIAS_MAX 4		/* fields an alias stands for */
#define DF_TEXT_MAX 512		/* bytes of a row's text for bare words */

enum df_type {
	DF_INT,		/* a count, an id, a port */
	DF_TEXT,
	DF_ADDR,	/* an IPv4 or IPv6 address, read as text */
	DF_TIME,	/* microseconds: a time or a duration */
	DF_BOOL,
	DF_FRACTION,	/* millionths: 0.05 is 50000 */
};

/* How a bare number is read. */
enum df_unit {
	DF_UNIT_NONE,
	DF_UNIT_BYTES,	/* DF_INT: a byte count, size suffixes allowed */
	DF_UNIT_S,	/* DF_TIME: a bare number is seconds */
	DF_UNIT_US,	/* DF_TIME: a bare number is microseconds */
};

/* A symbolic value of a field: proto "tcp" is 6.  A DF_TEXT field
 * compares a number given by the filter as its name (proto == 6 is
 * proto == tcp); a DF_INT field reads a name as its number. */
struct df_name {
	const char *name;
	int64_t value;
};

struct df_field {
	const char *name;
	enum df_type type;
	enum df_unit unit;
	const struct df_name *names;	/* NULL when none */
	int nnames;
};

/* An alias: a name for any of some fields of one type, given by their
 * names separated by '|' ("orig_h|resp_h"), at most DF_ALIAS_MAX. */
struct df_alias {
	const char *name;
	const char *fields;
};

/* One field's value in one row, as the getter gives it.  A DF_ADDR
 * field's value is its text (inet_ntop's); a DF_TEXT field may give a
 * number instead (a protocol without a name). */
enum df_vkind { DFV_NULL, DFV_INT, DFV_TEXT };
struct df_value {
	enum df_vkind kind;
	int64_t i;		/* DFV_INT: DF_INT, DF_TIME (us), DF_BOOL (0,
				   1), DF_FRACTION (millionths) */
	const char *s;		/* DFV_TEXT */
};

struct df_schema {
	const char *rows;	/* what a row is, for messages: "flows" */
	const struct df_field *fields;
	int nfields;
	const struct df_alias *aliases;
	int naliases;
	/* get: field (an index into fields) of row into *v */
	void (*get)(const void *row, int field, struct df_value *v);
	/* text: the row's text that bare words search, NUL-terminated in
	 * buf (len bytes, DF_TEXT_MAX).  NULL: bare words are errors. */
	void (*text)(const void *row, char *buf, size_t len);
};

/* Why an expression did not compile: the column (1-based, in bytes) of
 * the token at fault and a one-line message saying what was expected.
 * Written as "column %d: %s". */
struct df_error {
	int col;
	char msg[192];
};

struct df_prog;

/* df_compile: text (NUL-terminated; empty or blank: every row matches)
 * against schema s, which must outlive the program.  NULL with *err set
 * when the text is no expression (or memory is short: col 0). */
struct df_prog *df_compile(const struct df_schema *s, const char *text,
			   struct df_error *err);

/* df_match: 1 when row matches p, else 0.  No allocation; reentrant. */
int df_match(const struct df_prog *p, const void *row);

/* df_number: text (NUL-terminated) as a number of field f's type, the way
 * a filter reads a value of f: a count, bytes with a size suffix, a time
 * (microseconds) with a unit, a fraction (millionths) with %, a boolean
 * (0, 1), or one of f's names.  0 with *v set; -1 when it is none (or f
 * is a text or address field): df_expect(f) says what would do ("a
 * number of bytes: 1500, 64K, 1.5M, 2G").  For bounds given beside
 * expressions (the rules of `porttop check`). */
int df_number(const struct df_field *f, const char *text, int64_t *v);
const char *df_expect(const struct df_field *f);

/* df_free: release p (NULL is ignored). */
void df_free(struct df_prog *p);

/* An address or a network, as the expressions and porttop diff's --map
 * write them: "ADDR" or "ADDR/PREFIX", IPv4 (inet_pton's dotted quad) or
 * IPv6. */
struct df_net {
	uint8_t family;		/* 4 or 6 */
	uint8_t prefix;		/* network bits: 32 or 128 for an address */
	uint8_t addr[16];	/* the bits after the prefix cleared */
};

/* df_net_parse: s (NUL-terminated) into *n.  0, or -1 when s is no
 * address or network (a prefix longer than the address, a bad digit). */
int df_net_parse(const char *s, struct df_net *n);

/* df_net_within: the address text s is n's address or within its
 * network (of the same family). */
int df_net_within(const struct df_net *n, const char *s);

#endif
