/*
 * row_filter.c - the display filter's schemas of the report rows (see
 * row_filter.h): fields from each kind's keys (rows_fields.c: names and
 * kinds), values from its cells, as rows.c writes them.
 *
 * A match turns the row into its keyed cells once (rows_kind's cells(),
 * the writers' own function) and the filter reads them by index.
 */
#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "row_filter.h"
#include "rows_fields.h"

/* The aliases of each kind (dfilter.h: any of the fields). */
static const struct df_alias flow_aliases[] = {
	{ "host", "orig_h|resp_h" }, { "net", "orig_h|resp_h" },
	{ "port", "orig_p|resp_p" }, { "process", "orig_comm|resp_comm" },
	{ "comm", "orig_comm|resp_comm" }, { "pid", "orig_pid|resp_pid" },
	{ "user", "orig_uid|resp_uid" }, { "cgroup", "orig_cgroup|resp_cgroup" },
	{ "retrans", "orig_retrans|resp_retrans" }, { "state", "conn_state" },
};
static const struct df_alias comm_alias[] = { { "process", "comm" } };

/* What a bare word searches: cells by name, ':' joining a cell to the one
 * before it (left out with it when null), as the view's / filter wrote
 * the row. */
static const char *const search_text[] = {
	[REP_FLOWS] = ("proto orig_h:orig_p resp_h:resp_p orig_comm orig_pid "
		       "resp_comm resp_pid"),
	[REP_PORTS] = "proto port comm pid",
	[REP_PROCS] = "pid comm",
};

#define SEARCH_MAX 12	/* cells in a search text */
#define NAMES_MAX 8	/* protocols with a name */

struct rep_filter {
	const struct rows_kind *k;
	struct df_field fields[ROWS_MAXCELLS];
	struct df_name protos[NAMES_MAX];
	struct df_schema schema;
	struct search_cell {
		int cell;
		char sep;	/* before it: ' ', ':', or none */
	} search[SEARCH_MAX];
	int nsearch;
	struct df_prog *prog;
};

/* A row being matched: its cells. */
struct cells {
	const struct rep_filter *f;
	const struct cell *c;
};

static void get(const void *row, int field, struct df_value *v)
{
	const struct cell *c = &((const struct cells *)row)->c[field];

	switch (c->type) {
	case CELL_STR:
	case CELL_LIST:	/* its words, as one text: ~ finds one */
		*v = (struct df_value){ c->s ? DFV_TEXT : DFV_NULL, 0, c->s };
		break;
	case CELL_INT:	/* a negative one is written null */
		*v = (struct df_value){ c->i < 0 ? DFV_NULL : DFV_INT, c->i,
					NULL };
		break;
	case CELL_BOOL:
	case CELL_USEC:
		*v = (struct df_value){ DFV_INT, c->i, NULL };
		break;
	default:
		*v = (struct df_value){ DFV_NULL, 0, NULL };
	}
}

static void text(const void *row, char *buf, size_t len)
{
	const struct cells *r = row;
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i < r->f->nsearch && n < len; i++) {
		const struct search_cell *sc = &r->f->search[i];
		const char *sp = n && sc->sep ? (sc->sep == ':' ? ":" : " ") : "";
		struct df_value v;

		get(row, sc->cell, &v);
		if (v.kind == DFV_TEXT)
			n += (size_t)snprintf(buf + n, len - n, "%s%s", sp, v.s);
		else if (v.kind == DFV_INT)
			n += (size_t)snprintf(buf + n, len - n, "%s%" PRId64, sp,
					      v.i);
	}
}

/* The index of the keyed cell called name (n characters). */
static int key_index(const struct rows_kind *k, const char *name, size_t n)
{
	for (int i = 0; i < k->nkeys; i++)
		if (strlen(k->keys[i].name) == n &&
		    !strncmp(k->keys[i].name, name, n))
			return i;
	assert(!"a search text names a cell the kind does not have");
	return 0;
}

static void search_cells(struct rep_filter *f, const char *spec)
{
	char sep = '\0';

	while (*spec && f->nsearch < SEARCH_MAX) {
		size_t n = strcspn(spec, " :");

		f->search[f->nsearch].cell = key_index(f->k, spec, n);
		f->search[f->nsearch++].sep = sep;
		spec += n;
		sep = *spec;
		spec += *spec != '\0';
	}
}

/* Each field's type from its kind (rows_fields.h). */
static void field_types(struct rep_filter *f)
{
	static const struct { enum df_type t; enum df_unit u; } of[] = {
		[K_INT] = { DF_INT, DF_UNIT_NONE },
		[K_BYTES] = { DF_INT, DF_UNIT_BYTES },
		[K_TEXT] = { DF_TEXT, DF_UNIT_NONE },
		[K_ADDR] = { DF_ADDR, DF_UNIT_NONE },
		[K_PROTO] = { DF_TEXT, DF_UNIT_NONE },
		[K_TIME] = { DF_TIME, DF_UNIT_S },
		[K_US] = { DF_TIME, DF_UNIT_US },
		[K_FRACTION] = { DF_FRACTION, DF_UNIT_NONE },
		[K_BOOL] = { DF_BOOL, DF_UNIT_NONE },
	};
	int nprotos = 0;

	/* protocols by name: proto == 6 is proto == tcp */
	for (int p = 0; p < 256 && nprotos < NAMES_MAX; p++)
		if (rep_proto_name((uint8_t)p))
			f->protos[nprotos++] = (struct df_name){
				rep_proto_name((uint8_t)p), p };
	for (int i = 0; i < f->k->nkeys; i++) {
		enum key_kind kk = f->k->keys[i].kind;

		f->fields[i] = (struct df_field){ f->k->keys[i].name, of[kk].t,
						  of[kk].u, NULL, 0 };
		if (kk == K_PROTO) {
			f->fields[i].names = f->protos;
			f->fields[i].nnames = nprotos;
		}
	}
}

struct rep_filter *rep_filter_compile(enum rep_kind kind, const char *text_,
				      struct df_error *err)
{
	static const char *const rows[] = { [REP_FLOWS] = "flows",
		[REP_PORTS] = "ports", [REP_PROCS] = "procs" };
	struct rep_filter *f = calloc(1, sizeof(*f));

	if (!f) {
		*err = (struct df_error){ 0, "out of memory" };
		return NULL;
	}
	f->k = rows_kind(kind);
	field_types(f);
	search_cells(f, search_text[kind]);
	f->schema = (struct df_schema){
		.rows = rows[kind], .fields = f->fields,
		.nfields = f->k->nkeys,
		.aliases = kind == REP_FLOWS ? flow_aliases : comm_alias,
		.naliases = kind == REP_FLOWS ?
			(int)(sizeof(flow_aliases) / sizeof(flow_aliases[0])) :
			1,
		.get = get, .text = text,
	};
	if (!(f->prog = df_compile(&f->schema, text_, err))) {
		free(f);
		return NULL;
	}
	return f;
}

int rep_filter_match(const struct rep_filter *f, const void *row)
{
	struct cell c[ROWS_MAXCELLS];
	struct cell_room room;
	struct cells r = { f, c };

	if (!f)
		return 1;
	f->k->cells(row, c, 0, &room);
	return df_match(f->prog, &r);
}

void rep_filter_free(struct rep_filter *f)
{
	if (f) {
		df_free(f->prog);
		free(f);
	}
}
