/*
 * rules_yaml.c - reading a rules file (rules.h) with libyaml: the file is
 * loaded as a document (nodes with their marks), then each check's
 * mapping is read key by key into a struct rule (rules_check.c), so that
 * every error can name the line and column of the node at fault.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "rules_int.h"

#define MAX_FILE (1 << 20)	/* a rules file is a page or two */

/* The "checks" sequence of the top mapping, or NULL (L->err set). */
static yaml_node_t *checks_node(struct rules_ld *L)
{
	yaml_node_t *root = yaml_document_get_root_node(L->doc), *seq = NULL;

	if (!root || root->type != YAML_MAPPING_NODE) {
		rules_fail(L, root, 0, "expected a mapping with \"checks:\", "
			   "a list of checks");
		return NULL;
	}
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
	     p < root->data.mapping.pairs.top; p++) {
		yaml_node_t *k = rules_node(L, p->key);
		const char *ks = rules_scalar(k);

		if (!ks || strcmp(ks, "checks")) {
			rules_fail(L, k, 0, "unknown key \"%s\" (a rules file "
				   "has \"checks:\" only)", ks ? ks : "?");
			return NULL;
		}
		seq = rules_node(L, p->value);
	}
	if (!seq || seq->type != YAML_SEQUENCE_NODE) {
		rules_fail(L, seq ? seq : root, 0, "expected \"checks:\" with "
			   "a list of checks (\"- name: ...\")");
		return NULL;
	}
	return seq;
}

/* Every check of the sequence into rs. */
static int read_checks(struct rules_ld *L, struct rules *rs)
{
	yaml_node_t *seq = checks_node(L);
	size_t n;

	if (!seq)
		return -1;
	n = (size_t)(seq->data.sequence.items.top -
		     seq->data.sequence.items.start);
	if (n > RULES_MAX)
		return rules_fail(L, seq, 0, "%zu checks, at most %d", n,
				  RULES_MAX);
	rs->r = calloc(n ? n : 1, sizeof(*rs->r));
	if (!rs->r)
		return rules_fail(L, NULL, 0, "out of memory");
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *c = rules_node(L, seq->data.sequence.items.start[i]);

		int rc = rules_check(L, c, &rs->r[rs->n]);

		rs->n++;	/* rules_free releases a half-read one too */
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* libyaml's own words for a file that is no YAML. */
static void yaml_error(struct rules_ld *L, const yaml_parser_t *p)
{
	const yaml_mark_t *m = p->problem ? &p->problem_mark : &p->mark;

	snprintf(L->err, L->errlen, "%s:%zu:%zu: %s%s%s", L->path,
		 m->line + 1, m->column + 1,
		 p->problem ? p->problem : "not YAML",
		 p->context ? " " : "", p->context ? p->context : "");
}

struct rules *rules_from_text(const char *path, const unsigned char *text,
			      size_t len, char *err, size_t errlen)
{
	struct rules_ld L = { .path = path, .err = err, .errlen = errlen };
	struct rules *rs = calloc(1, sizeof(*rs));
	yaml_parser_t p;
	yaml_document_t doc;
	int rc = -1;

	if (!rs || !(rs->path = strdup(path))) {
		snprintf(err, errlen, "%s: out of memory", path);
		free(rs);
		return NULL;
	}
	if (!yaml_parser_initialize(&p)) {
		snprintf(err, errlen, "%s: out of memory", path);
		rules_free(rs);
		return NULL;
	}
	yaml_parser_set_input_string(&p, text, len);
	if (!yaml_parser_load(&p, &doc)) {
		yaml_error(&L, &p);
	} else {
		L.doc = &doc;
		rc = read_checks(&L, rs);
		yaml_document_delete(&doc);
	}
	yaml_parser_delete(&p);
	if (rc < 0) {
		rules_free(rs);
		return NULL;
	}
	return rs;
}

struct rules *rules_load(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	struct rules *rs = NULL;
	size_t n;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	buf = malloc(MAX_FILE + 1);
	if (!buf) {
		snprintf(err, errlen, "%s: out of memory", path);
	} else if ((n = fread(buf, 1, MAX_FILE + 1, f)) > MAX_FILE) {
		snprintf(err, errlen, "%s: longer than %d bytes", path,
			 MAX_FILE);
	} else if (ferror(f)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
	} else {
		rs = rules_from_text(path, buf, n, err, errlen);
	}
	free(buf);
	fclose(f);
	return rs;
}

unsigned rules_kinds(const struct rules *rs)
{
	unsigned k = 0;

	for (int i = 0; i < rs->n; i++)
		k |= 1u << rs->r[i].rows;
	return k;
}

void rules_free(struct rules *rs)
{
	if (!rs)
		return;
	for (int i = 0; i < rs->n; i++) {
		free(rs->r[i].name);
		free(rs->r[i].pred_text);
		rep_filter_free(rs->r[i].select);
		rep_filter_free(rs->r[i].pred);
	}
	free(rs->r);
	free(rs->path);
	free(rs);
}
