/*
 * rules_int.h - the rules reader's parts: the YAML document and its
 * messages (rules_yaml.c), one check's mapping (rules_check.c) and its
 * values (rules_value.c), over the document's nodes (rules_node.c).  Private to rules/rules_*.c.
 */
#ifndef PORTTOP_RULES_INT_H
#define PORTTOP_RULES_INT_H

#include <yaml.h>

#include "rules.h"

/* A file being read: its name for messages, the document, the error. */
struct rules_ld {
	const char *path;
	yaml_document_t *doc;
	char *err;
	size_t errlen;
};

/* rules_fail: set L->err to "PATH:LINE:COL: message" at node n (NULL:
 * 1:1), coloff characters right of its start; control characters in the
 * message become spaces (one line).  Returns -1. */
__attribute__((format(printf, 4, 5)))
int rules_fail(struct rules_ld *L, const yaml_node_t *n, int coloff,
	       const char *fmt, ...);

/* rules_scalar: n's text when it is a scalar, else NULL. */
const char *rules_scalar(const yaml_node_t *n);

/* rules_node: the node of item i. */
yaml_node_t *rules_node(struct rules_ld *L, yaml_node_item_t i);

/* rules_check: a check's mapping c into *r.  0, or -1 with L->err set
 * (r then holds what was read, for rules_free). */
int rules_check(struct rules_ld *L, yaml_node_t *c, struct rule *r);

/* rules_filter: the display filter in scalar n over kind's rows into *f
 * ("" or null: NULL, every row).  0, or -1 with L->err at the token. */
int rules_filter(struct rules_ld *L, yaml_node_t *n, enum rep_kind kind,
		 struct rep_filter **f);

/* rules_bound: scalar n as a number of type ft into *v.  0, or -1. */
int rules_bound(struct rules_ld *L, yaml_node_t *n,
		const struct df_field *ft, int64_t *v);

/* rules_port: scalar n as PROTO/PORT ("tcp/8000") into *p.  0, or -1. */
int rules_port(struct rules_ld *L, yaml_node_t *n, struct rule_port *p);

/* rules_agg: scalar n as an aggregate of kind's rows into r (agg, field,
 * ftype).  0, or -1. */
int rules_agg(struct rules_ld *L, yaml_node_t *n, enum rep_kind kind,
	      struct rule *r);

#endif
