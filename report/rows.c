/*
 * rows.c - the row writer: any report kind in any format, driven by the
 * kind's table (rows_fields.h).  A row is turned into cells once; JSON and
 * CSV write the keyed cells in key order, text writes the columns, each
 * showing one cell its own way.
 *
 * JSON is written by lib/jsonw.h, key by key in the documented order;
 * times with the same six decimals CSV prints, so the two agree digit for
 * digit (a double through jansson printed 0.07600999999999999).
 */
#include <assert.h>
#include <inttypes.h>
#include <string.h>

#include "rows_fields.h"

/* row's cells: the keyed ones, and with text the extra ones too. */
static void row_cells(const struct rows_kind *k, const void *row,
		      struct cell *c, int text, struct cell_room *room)
{
	struct cell *end = k->cells(row, c, text, room);

	/* a table whose names and cells disagree writes wrong fields */
	assert(end - c == k->nkeys + (text ? k->nextra : 0));
	(void)end;
}

/* v >= 0 in decimal, as "%" PRId64 writes it, in the characters before
 * end; digits at least (zeros in front).  Returns the first character. */
static char *dec(int64_t v, char *end, int digits)
{
	return jsonw_digits((uint64_t)v, digits, end);
}

/* A number as CSV writes it, in buf (len bytes): an integer (NULL when
 * negative: null), or microseconds as seconds with 6 decimals. */
static const char *num_text(const struct cell *c, char *buf, size_t len)
{
	int64_t i = c->i;
	char *p = buf + len - 1;

	*p = '\0';
	if (c->type == CELL_INT)
		return i < 0 ? NULL : dec(i, p, 1);
	if (i < 0) {	/* a negative time: "-1.-500000", as printf has it */
		snprintf(buf, len, "%" PRId64 ".%06" PRId64, i / US_PER_S,
			 i % US_PER_S);
		return buf;
	}
	p = dec(i % US_PER_S, p, 6);
	*--p = '.';
	return dec(i / US_PER_S, p, 1);
}

/* A cell's text as `how` writes it, in buf (len bytes) or a constant
 * string; NULL for null. */
static const char *cell_text(const struct cell *c, enum text_how how,
			     char *buf, size_t len)
{
	int64_t i = c->i;

	switch (c->type) {
	case CELL_NULL:
		return NULL;
	case CELL_STR:
	case CELL_LIST:
		return how == TXT_DASH && c->s && !c->s[0] ? NULL : c->s;
	case CELL_BOOL:
		return i ? "true" : "false";
	default:
		break;
	}
	switch (how) {
	case TXT_HUMAN:
		return rep_human((uint64_t)i, buf, len);
	case TXT_UTC:
		rep_utc_time(i, buf, len);
		return buf;
	case TXT_SECS:
		snprintf(buf, len, "%3" PRId64 ".%06" PRId64, i / US_PER_S,
			 i % US_PER_S);
		return buf;
	case TXT_MS:
		if (i < 0)
			return NULL;
		snprintf(buf, len, "%" PRId64 ".%03" PRId64, i / 1000,
			 i % 1000);
		return buf;
	default:
		return num_text(c, buf, len);
	}
}

/* ---- lines of text and CSV ------------------------------------------------ */

/* A line is gathered here and written in one fwrite: a stdio call per
 * field (each takes the stream's lock) costs more than the copying.  A
 * line longer than b (text widths set by hand) is written in pieces. */
struct line {
	FILE *out;
	size_t n;
	int err;
	char b[1024];
};

static void line_flush(struct line *l)
{
	l->err |= fwrite(l->b, 1, l->n, l->out) != l->n;
	l->n = 0;
}

/* len characters of s, or len spaces when s is NULL. */
static void line_put(struct line *l, const char *s, size_t len)
{
	while (len > 0) {
		size_t m = sizeof(l->b) - l->n;

		if (m > len)
			m = len;
		if (s) {
			memcpy(l->b + l->n, s, m);
			s += m;
		} else {
			memset(l->b + l->n, ' ', m);
		}
		l->n += m;
		len -= m;
		if (l->n == sizeof(l->b))
			line_flush(l);
	}
}

/* A field of a line: sep (none when '\0'), then s padded to width
 * (negative: left-aligned). */
static void line_col(struct line *l, char sep, const char *s, int width)
{
	size_t len = strlen(s), w = (size_t)(width < 0 ? -width : width);
	size_t pad = w > len ? w - len : 0;

	if (l->n + 1 + pad + len < sizeof(l->b)) {
		/* it fits (nearly always): written in place */
		char *p = l->b + l->n;

		if (sep)
			*p++ = sep;
		if (width > 0)
			p = (char *)memset(p, ' ', pad) + pad;
		p = (char *)memcpy(p, s, len) + len;
		if (width < 0)
			p = (char *)memset(p, ' ', pad) + pad;
		l->n = (size_t)(p - l->b);
		return;
	}
	if (sep)
		line_put(l, &sep, 1);
	if (width > 0)
		line_put(l, NULL, pad);
	line_put(l, s, len);
	if (width < 0)
		line_put(l, NULL, pad);
}

/* line_col for a left-aligned field (width <= 0, as every CSV field):
 * s copied as it is scanned, then the padding (a strlen and a copy a
 * field were a quarter of a flows CSV report's time: 86M fields). */
static inline void line_left(struct line *l, char sep, const char *s,
			     int width)
{
	char *p = l->b + l->n, *end = l->b + sizeof(l->b) - 1, *start;
	const char *q = s;
	size_t w = (size_t)-width, len;

	if (p == end) {
		line_col(l, sep, s, width);
		return;
	}
	if (sep)
		*p++ = sep;
	start = p;
	while (*q && p < end)
		*p++ = *q++;
	if (*q) {	/* near the end of b: the long way, from the start */
		line_col(l, sep, s, width);
		return;
	}
	if (w > (len = (size_t)(p - start))) {
		if ((size_t)(end - p) < w - len) {
			line_col(l, sep, s, width);
			return;
		}
		p = (char *)memset(p, ' ', w - len) + (w - len);
	}
	l->n = (size_t)(p - l->b);
}

/* End the line and write it; the line is empty again.  0, or -1 when the
 * stream failed. */
static int line_end(struct line *l)
{
	line_put(l, "\n", 1);
	line_flush(l);
	return l->err ? -1 : 0;
}

/* ---- text ------------------------------------------------------------------ */

/* The index of the cell called name: a key or an extra. */
static int cell_index(const struct rows_kind *k, const char *name)
{
	for (int i = 0; i < k->nkeys; i++)
		if (!strcmp(k->keys[i].name, name))
			return i;
	for (int i = 0; i < k->nextra; i++)
		if (!strcmp(k->extra[i], name))
			return k->nkeys + i;
	assert(!"a text column shows a cell the kind does not have");
	return 0;
}

void rep_table_init(struct rep_table *t, enum rep_kind kind)
{
	const struct rows_kind *k = rows_kind(kind);

	t->kind = kind;
	t->ncols = k->ncols;
	for (int i = 0; i < k->ncols; i++) {
		t->width[i] = k->cols[i].width;
		t->cell[i] = cell_index(k, k->cols[i].cell);
		t->shown[i] = k->cols[i].fit != TXT_OPTIONAL;
	}
}

void rep_table_fit(struct rep_table *t, const void *row)
{
	const struct rows_kind *k = rows_kind(t->kind);
	struct cell c[ROWS_MAXCELLS];
	struct cell_room room;
	char buf[64];

	row_cells(k, row, c, 1, &room);
	for (int i = 0; i < t->ncols; i++) {
		const char *s;
		int len, w = t->width[i];

		if (!k->cols[i].fit)
			continue;
		s = cell_text(&c[t->cell[i]], k->cols[i].how, buf, sizeof(buf));
		if (k->cols[i].fit == TXT_OPTIONAL) {	/* the last: not padded */
			t->shown[i] |= s != NULL;
			continue;
		}
		len = (int)strlen(s ? s : "-");
		if (len > (w < 0 ? -w : w))
			t->width[i] = w < 0 ? -len : len;
	}
}

int rep_text_header(FILE *out, const struct rep_table *t)
{
	const struct rows_kind *k = rows_kind(t->kind);
	struct line l = { .out = out };

	for (int i = 0; i < t->ncols; i++)
		if (t->shown[i])
			line_col(&l, i ? ' ' : '\0', k->cols[i].title,
				 t->width[i]);
	return line_end(&l);
}

int rep_text_row(FILE *out, const struct rep_table *t, const void *row)
{
	const struct rows_kind *k = rows_kind(t->kind);
	struct cell c[ROWS_MAXCELLS];
	struct cell_room room;
	struct line l = { .out = out };
	char buf[64];

	row_cells(k, row, c, 1, &room);
	for (int i = 0; i < t->ncols; i++) {
		if (!t->shown[i])
			continue;
		const char *s = cell_text(&c[t->cell[i]], k->cols[i].how, buf,
					  sizeof(buf));

		if (t->width[i] <= 0)
			line_left(&l, i ? ' ' : '\0', s ? s : "-",
				  t->width[i]);
		else
			line_col(&l, i ? ' ' : '\0', s ? s : "-",
				 t->width[i]);
	}
	return line_end(&l);
}

/* ---- CSV ------------------------------------------------------------------- */

/* CSV (RFC 4180): our strings never hold commas, quotes or newlines
 * (addresses, names, history letters), so no quoting is needed; null is
 * an empty field. */
static int csv_header(FILE *out, const struct rows_kind *k)
{
	struct line l = { .out = out };

	for (int i = 0; i < k->nkeys; i++)
		line_col(&l, i ? ',' : '\0', k->keys[i].name, 0);
	return line_end(&l);
}

static int csv_row(FILE *out, const struct rows_kind *k, const void *row)
{
	struct cell c[ROWS_MAXCELLS];
	struct cell_room room;
	struct line l = { .out = out };
	char buf[64];

	row_cells(k, row, c, 0, &room);
	for (int i = 0; i < k->nkeys; i++) {
		const char *v = cell_text(&c[i], TXT_PLAIN, buf, sizeof(buf));

		line_left(&l, i ? ',' : '\0', v ? v : "", 0);
	}
	return line_end(&l);
}

/* ---- JSON ------------------------------------------------------------------ */

void rep_json_members(struct jsonw *w, enum rep_kind kind, const void *row)
{
	const struct rows_kind *k = rows_kind(kind);
	struct cell c[ROWS_MAXCELLS];
	struct cell_room room;

	row_cells(k, row, c, 0, &room);
	for (int i = 0; i < k->nkeys; i++) {
		const struct row_key *key = &k->keys[i];
		int null = c[i].type == CELL_NULL ||
			   (c[i].type == CELL_INT && c[i].i < 0) ||
			   ((c[i].type == CELL_STR || c[i].type == CELL_LIST) &&
			    !c[i].s);

		jsonw_member(w, key->member, key->len + 4u, null);
		if (null)
			continue;
		if (c[i].type == CELL_BOOL)
			jsonw_bool(w, (int)c[i].i);
		else if (c[i].type == CELL_STR)
			jsonw_str(w, c[i].s);
		else if (c[i].type == CELL_LIST)
			jsonw_words(w, c[i].s);
		else if (c[i].type == CELL_USEC)	/* the CSV's digits */
			jsonw_fixed(w, c[i].i, 6);
		else
			jsonw_uint(w, (uint64_t)c[i].i);
	}
}

int rep_json_line(FILE *out, struct jsonw *w)
{
	if (w->full || w->len == w->cap)
		return -1;	/* rows are a few hundred bytes */
	w->buf[w->len++] = '\n';
	return fwrite(w->buf, 1, w->len, out) == w->len ? 0 : -1;
}

static int json_row(FILE *out, enum rep_kind kind, const void *row)
{
	char buf[REP_JSON_MAX];
	struct jsonw w;

	jsonw_init(&w, buf, sizeof(buf));
	jsonw_open(&w);
	rep_json_members(&w, kind, row);
	jsonw_close(&w);
	return rep_json_line(out, &w);
}

/* ---- any kind, any format, row by row ---------------------------------------- */

void rep_out_init(struct rep_out *o, FILE *out, enum rep_kind kind,
		  enum rep_fmt fmt)
{
	const struct rows_kind *k = rows_kind(kind);

	o->out = out;
	o->kind = kind;
	o->fmt = fmt;
	o->started = 0;
	o->fit = 0;
	if (fmt != REP_TEXT)
		return;
	rep_table_init(&o->t, kind);
	for (int i = 0; i < k->ncols; i++)
		o->fit |= k->cols[i].fit != 0;
}

void rep_out_fit(struct rep_out *o, const void *row)
{
	if (o->fit && !o->started)
		rep_table_fit(&o->t, row);
}

/* The header line (text and CSV), once, before the first row. */
static int out_start(struct rep_out *o)
{
	if (o->started)
		return 0;
	o->started = 1;
	return o->fmt == REP_TEXT ? rep_text_header(o->out, &o->t) :
	       o->fmt == REP_CSV ? csv_header(o->out, rows_kind(o->kind)) : 0;
}

int rep_out_row(struct rep_out *o, const void *row)
{
	if (out_start(o) < 0)
		return -1;
	return o->fmt == REP_TEXT ? rep_text_row(o->out, &o->t, row) :
	       o->fmt == REP_CSV ? csv_row(o->out, rows_kind(o->kind), row) :
	       json_row(o->out, o->kind, row);
}

int rep_out_end(struct rep_out *o)
{
	return out_start(o) < 0 || ferror(o->out) ? -1 : 0;
}

int rep_write(FILE *out, enum rep_kind kind, enum rep_fmt fmt,
	      const void *const *rows, uint64_t n)
{
	struct rep_out o;
	int rc = 0;

	rep_out_init(&o, out, kind, fmt);
	/* text: a first pass for the widths, only when a column needs one */
	for (uint64_t i = 0; o.fit && i < n; i++)
		rep_out_fit(&o, rows[i]);
	for (uint64_t i = 0; i < n && rc == 0; i++)
		rc = rep_out_row(&o, rows[i]);
	return rc || rep_out_end(&o) ? -1 : 0;
}
