/*
 * rows_fields.h - what the row writer (rows.c) writes of each report kind,
 * one table per kind (rows_fields.c): the row's values ("cells") in JSON
 * key order, which is also the CSV column order, then the values only the
 * text columns show; and the text columns, which show cells by name.
 * Private to rows.c, rows_fields.c and row_filter.c (the display filter
 * reads the same cells, by the same names).
 */
#ifndef PORTTOP_ROWS_FIELDS_H
#define PORTTOP_ROWS_FIELDS_H

#include <stdint.h>

#include "../lib/jsonw.h"
#include "names.h"
#include "rows.h"

#define US_PER_S 1000000	/* microseconds per second */

/* One value of a row. */
enum cell_type {
	CELL_NULL,
	CELL_INT,	/* i; a negative one is null (the counters never are) */
	CELL_STR,	/* s; NULL is null */
	CELL_BOOL,	/* i: 0 or 1 */
	CELL_USEC,	/* i microseconds (a time or a duration), written as
			   seconds with 6 decimals */
	CELL_LIST,	/* s: words separated by single spaces, a JSON array
			   of strings (text and CSV: as it is); NULL is null */
};

struct cell {
	enum cell_type type;
	const char *s;
	int64_t i;
};

/* How a text column writes its cell.  Null is "-" in every one. */
enum text_how {
	TXT_PLAIN,	/* as in CSV */
	TXT_DASH,	/* as in CSV, and "-" for an empty string too */
	TXT_HUMAN,	/* a byte count: rep_human (1023, 1.0K, 12.3M) */
	TXT_UTC,	/* epoch microseconds: rep_utc_time */
	TXT_SECS,	/* microseconds as seconds, "%3d.%06d" (10 wide) */
	TXT_MS,		/* microseconds as milliseconds, 3 decimals */
};

#define TXT_OPTIONAL 2

/* A text column: its title and value, padded to width. */
struct text_col {
	const char *title;
	const char *cell;	/* the name of the cell it shows */
	int width;		/* characters at least; negative: left-aligned
				   (printf's "%-*s") */
	enum text_how how;
	int fit;		/* 1: as wide as the widest value of the rows;
				   TXT_OPTIONAL: a last column (width 0),
				   shown only when some row has a value (the
				   names of issue 17: a report without any
				   keeps its old columns) */
};

/* Room for the strings a row's cells point to when the row does not hold
 * them: addresses, endpoints, an owner. */
struct cell_room {
	struct rep_ends e;
	char orig[64], resp[64];
	char owner[64];
	char uid[FT_UID_TEXT];
	char tunnel[DEC_MAX_CHAIN * 8];
	char parents[FT_MAX_PARENTS * FT_UID_TEXT];
	char who[13];		/* a container id's first 12 digits */
};

/* What a keyed cell holds, for code that compares values rather than
 * writing them (row_filter.c: each field's type in the display filter). */
enum key_kind {
	K_INT,		/* a count, an id, a port (CELL_INT) */
	K_BYTES,	/* a count of bytes (CELL_INT) */
	K_TEXT,		/* CELL_STR */
	K_ADDR,		/* an IPv4 or IPv6 address (CELL_STR) */
	K_PROTO,	/* a protocol: its name (CELL_STR) or, when it has
			   none, its number (CELL_INT) */
	K_TIME,		/* a time or a duration (CELL_USEC) */
	K_US,		/* microseconds, a "_us" field (CELL_INT) */
	K_FRACTION,	/* a share in millionths (CELL_USEC) */
	K_BOOL,		/* CELL_BOOL */
};

/* A keyed cell: its name (the JSON key, the CSV column), kind, the
 * name's length, and its JSON member text ',"name":null' (jsonw_member:
 * JSON rows write a key per cell, 86M in a flows report of 1.1M flows). */
struct row_key {
	const char *name;
	enum key_kind kind;
	unsigned char len;
	char member[JSONW_MEMBER + 1];
};
/* (a key too long for member[] fails to compile: an array of size -1) */
#define KEY(name, kind) \
	{ name, kind, \
	  sizeof(name) - 1 + 0 * sizeof(char[sizeof(",\"" name "\":null") <= \
					     JSONW_MEMBER + 1 ? 1 : -1]), \
	  ",\"" name "\":null" }

#define ROWS_MAXCELLS 96

/* A report kind.  Its cells are named by keys[] (the JSON keys, in JSON
 * order; the CSV header) then extra[] (values only text columns show), in
 * the order cells() fills them. */
struct rows_kind {
	const struct row_key *keys;
	int nkeys;
	const char *const *extra;
	int nextra;
	const struct text_col *cols;
	int ncols;
	/* cells: row's values into c[]: the keyed ones, and with text also
	 * the extra ones; strings point into the row or into room.  Returns
	 * the cell after the last. */
	struct cell *(*cells)(const void *row, struct cell *c, int text,
			      struct cell_room *room);
};

/* rows_kind: the table of kind (enum rep_kind). */
const struct rows_kind *rows_kind(enum rep_kind kind);

#endif
