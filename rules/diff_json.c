/*
 * diff_json.c - porttop diff --format json (diff_int.h: diff_json): one
 * JSON object a line per change, for jq and other tools, written with
 * the project's JSON writer (lib/jsonw.h).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/jsonw.h"
#include "diff_int.h"

#define LINE_MAX_ 2048	/* a line: a key and a few fields */

static const char *const obj_names[] = {
	[DOBJ_SERVICE] = "service", [DOBJ_PORT] = "port",
	[DOBJ_PROCESS] = "process", [DOBJ_LISTENER] = "listener",
};

/* "REJ:1 SF:2" as {"REJ":1,"SF":2}. */
static void states(struct jsonw *w, const char *s)
{
	jsonw_open(w);
	while (*s) {
		const char *colon = strchr(s, ':');
		char *end;
		long n;

		if (!colon)
			break;
		jsonw_keyn(w, s, (size_t)(colon - s));
		n = strtol(colon + 1, &end, 10);
		jsonw_int(w, n);
		s = end + strspn(end, " ");
	}
	jsonw_close(w);
}

/* One side's value of f: b the current side, else the baseline's. */
static void value(struct jsonw *w, const struct dfield *f, int b)
{
	const char *s = b ? f->sb : f->sa;

	if (!s)
		jsonw_int(w, b ? f->b : f->a);
	else if (!strcmp(f->name, "conn_state"))
		states(w, s);
	else
		jsonw_str(w, s);
}

/* A share with the digits it needs: 0.1, 0.25, 0. */
static void share(struct jsonw *w, double t)
{
	int64_t ppm = llround(t * 1e6);
	int d = 6;

	while (d > 0 && ppm % 10 == 0) {
		ppm /= 10;
		d--;
	}
	jsonw_fixed(w, ppm, d);
}

/* The object and its key: {"kind":...,"object":...,"proto":... */
static void head(struct jsonw *w, char kind, const struct dkey *k)
{
	jsonw_open(w);
	jsonw_key(w, "kind");
	jsonw_str(w, kind == '-' ? "disappeared" : kind == '+' ? "appeared" :
		  "changed");
	jsonw_key(w, "object");
	jsonw_str(w, obj_names[k->obj]);
	if (k->proto) {
		jsonw_key(w, "proto");
		jsonw_str(w, k->proto);
	}
	if (k->obj == DOBJ_SERVICE) {
		jsonw_key(w, "orig_h");
		jsonw_str(w, k->orig_h);
		jsonw_key(w, "resp_h");
		jsonw_str(w, k->resp_h);
	}
	if (k->resp_p >= 0) {
		jsonw_key(w, "resp_p");
		jsonw_int(w, k->resp_p);
	}
	if (k->comm) {
		jsonw_key(w, "comm");
		jsonw_str(w, k->comm);
	}
}

static void put(FILE *out, struct jsonw *w)
{
	jsonw_close(w);
	if (!w->full)
		fprintf(out, "%.*s\n", (int)w->len, w->buf);
}

/* An object that appeared or disappeared, its fields on the side that
 * has it. */
static void whole(FILE *out, char kind, const struct dkey *k,
		  const struct dfield *f, int n)
{
	char buf[LINE_MAX_];
	struct jsonw w;

	jsonw_init(&w, buf, sizeof(buf));
	head(&w, kind, k);
	jsonw_key(&w, "field");
	jsonw_null(&w);
	for (int side = 0; side < 2; side++) {
		jsonw_key(&w, side ? "current" : "baseline");
		if ((kind == '+') != side) {
			jsonw_null(&w);
			continue;
		}
		jsonw_open(&w);
		for (int i = 0; i < n; i++) {
			jsonw_key(&w, f[i].name);
			value(&w, &f[i], side);
		}
		jsonw_close(&w);
	}
	jsonw_key(&w, "tolerance");
	jsonw_null(&w);
	put(out, &w);
}

long diff_json(FILE *out, char kind, const struct dkey *k,
	       const struct dfield *f, int n)
{
	if (kind != '~') {
		whole(out, kind, k, f, n);
		return 1;
	}
	for (int i = 0; i < n; i++) {
		char buf[LINE_MAX_];
		struct jsonw w;

		jsonw_init(&w, buf, sizeof(buf));
		head(&w, kind, k);
		jsonw_key(&w, "field");
		jsonw_str(&w, f[i].name);
		jsonw_key(&w, "baseline");
		value(&w, &f[i], 0);
		jsonw_key(&w, "current");
		value(&w, &f[i], 1);
		jsonw_key(&w, "tolerance");
		if (f[i].tol < 0)
			jsonw_null(&w);
		else
			share(&w, f[i].tol);
		put(out, &w);
	}
	return n;
}
