/*
 * rows.c - the row writer: any report kind in any format, driven by the
 * kind's table (rows_fields.h).  A row is turned into cells once; JSON and
 * CSV write the keyed cells in key order, text writes the columns, each
 * showing one cell its own way.
 *
 * JSON goes through jansson.  One row object is built once and its values
 * are updated in place for every row (json_integer_set and friends), so a
 * million rows cost no million allocations; jansson keeps keys in insertion
 * order, which is the documented field order.
 */
#include <assert.h>
#include <inttypes.h>
#include <jansson.h>
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
 * end; digits at least (zeros in front).  Returns the first character.
 * Counters are most of what CSV writes, and snprintf's parsing and stream
 * set-up cost several times this. */
static char *dec(int64_t v, char *end, int digits)
{
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
	} while (--digits > 0 || v);
	return end;
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

	if (sep)
		line_put(l, &sep, 1);
	if (width > 0)
		line_put(l, NULL, pad);
	line_put(l, s, len);
	if (width < 0)
		line_put(l, NULL, pad);
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
		if (!strcmp(k->keys[i], name))
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
		line_col(&l, i ? ' ' : '\0', k->cols[i].title, t->width[i]);
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
		const char *s = cell_text(&c[t->cell[i]], k->cols[i].how, buf,
					  sizeof(buf));

		line_col(&l, i ? ' ' : '\0', s ? s : "-", t->width[i]);
	}
	return line_end(&l);
}

static int write_text(FILE *out, enum rep_kind kind,
		      const void *const *rows, uint64_t n)
{
	const struct rows_kind *k = rows_kind(kind);
	struct rep_table t;
	int fit = 0, rc;

	rep_table_init(&t, kind);
	for (int i = 0; i < k->ncols; i++)
		fit |= k->cols[i].fit;
	/* a first pass for the widths, only when some column needs one */
	for (uint64_t i = 0; fit && i < n; i++)
		rep_table_fit(&t, rows[i]);
	rc = rep_text_header(out, &t);
	for (uint64_t i = 0; i < n && rc == 0; i++)
		rc = rep_text_row(out, &t, rows[i]);
	return rc;
}

/* ---- CSV ------------------------------------------------------------------- */

/* CSV (RFC 4180): our strings never hold commas, quotes or newlines
 * (addresses, names, history letters), so no quoting is needed; null is
 * an empty field. */
static int write_csv(FILE *out, enum rep_kind kind,
		     const void *const *rows, uint64_t n)
{
	const struct rows_kind *k = rows_kind(kind);
	struct cell c[ROWS_MAXCELLS];
	struct cell_room room;
	struct line l = { .out = out };
	char buf[64];
	int rc;

	for (int i = 0; i < k->nkeys; i++)
		line_col(&l, i ? ',' : '\0', k->keys[i], 0);
	rc = line_end(&l);
	for (uint64_t r = 0; r < n && rc == 0; r++) {
		row_cells(k, rows[r], c, 0, &room);
		for (int i = 0; i < k->nkeys; i++) {
			const char *v = cell_text(&c[i], TXT_PLAIN, buf,
						  sizeof(buf));

			line_col(&l, i ? ',' : '\0', v ? v : "", 0);
		}
		rc = line_end(&l);
	}
	return rc;
}

/* ---- JSON ------------------------------------------------------------------ */

static json_t *json_template(const struct rows_kind *k)
{
	json_t *o = json_object();

	for (int i = 0; o && i < k->nkeys; i++)
		json_object_set_new(o, k->keys[i], json_null());
	return o;
}

/* A CELL_LIST's words as a JSON array of strings. */
static json_t *json_words(const char *s)
{
	json_t *a = json_array();

	while (a && *s) {
		const char *e = strchr(s, ' ');
		size_t n = e ? (size_t)(e - s) : strlen(s);

		json_array_append_new(a, json_stringn(s, n));
		s += n + (e != NULL);
	}
	return a;
}

/* Put one cell into the template object, reusing its value objects. */
static void json_cell(json_t *o, const char *key, const struct cell *c)
{
	json_t *v = json_object_get(o, key);

	if (c->type == CELL_BOOL) {
		json_object_set_new(o, key, json_boolean(c->i));
	} else if (c->type == CELL_LIST && c->s) {
		json_object_set_new(o, key, json_words(c->s));
	} else if (c->type == CELL_STR && c->s) {
		if (json_is_string(v))
			json_string_set(v, c->s);
		else
			json_object_set_new(o, key, json_string(c->s));
	} else if (c->type == CELL_USEC) {
		double s = (double)c->i / 1e6;

		if (json_is_real(v))
			json_real_set(v, s);
		else
			json_object_set_new(o, key, json_real(s));
	} else if (c->type != CELL_INT || c->i < 0) {
		json_object_set_new(o, key, json_null());
	} else if (json_is_integer(v)) {
		json_integer_set(v, c->i);
	} else {
		json_object_set_new(o, key, json_integer(c->i));
	}
}

/* row's fields into *o, the kind's template (made on first use). */
static json_t *json_fill(json_t **o, enum rep_kind kind, const void *row)
{
	const struct rows_kind *k = rows_kind(kind);
	struct cell c[ROWS_MAXCELLS];
	struct cell_room room;

	if (!*o && !(*o = json_template(k)))
		return NULL;
	row_cells(k, row, c, 0, &room);
	for (int i = 0; i < k->nkeys; i++)
		json_cell(*o, k->keys[i], &c[i]);
	return *o;
}

int rep_json_write(FILE *out, json_t *o)
{
	/* Dump into a buffer, then write once: json_dumpf would call fwrite
	 * for every token.  16 significant digits: epoch seconds with
	 * microseconds. */
	char buf[4096];
	size_t len = json_dumpb(o, buf, sizeof(buf) - 1,
				JSON_COMPACT | JSON_REAL_PRECISION(16));
	if (len == 0 || len >= sizeof(buf) - 1)
		return -1;	/* rows are a few hundred bytes */
	buf[len++] = '\n';
	return fwrite(buf, 1, len, out) == len ? 0 : -1;
}

static int write_json(FILE *out, enum rep_kind kind,
		      const void *const *rows, uint64_t n)
{
	json_t *o = NULL;
	int rc = 0;

	for (uint64_t i = 0; i < n && rc == 0; i++)
		rc = json_fill(&o, kind, rows[i]) ? rep_json_write(out, o) : -1;
	json_decref(o);
	return rc;
}

json_t *rep_json_flow(json_t **o, const struct flow_rec *f)
{
	return json_fill(o, REP_FLOWS, f);
}

json_t *rep_json_port(json_t **o, const struct port_row *p)
{
	return json_fill(o, REP_PORTS, p);
}

json_t *rep_json_proc(json_t **o, const struct rep_proc *p)
{
	return json_fill(o, REP_PROCS, p);
}

/* ---- any kind, any format -------------------------------------------------- */

int rep_write(FILE *out, enum rep_kind kind, enum rep_fmt fmt,
	      const void *const *rows, uint64_t n)
{
	int rc = fmt == REP_TEXT ? write_text(out, kind, rows, n) :
		 fmt == REP_CSV ? write_csv(out, kind, rows, n) :
		 write_json(out, kind, rows, n);

	return rc || ferror(out) ? -1 : 0;
}
