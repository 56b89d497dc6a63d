/*
 * rules_check.c - one check of a rules file (rules.h): its mapping's keys,
 * which rows it chooses and its one assertion.
 */
#include <stdlib.h>
#include <string.h>

#include "rules_int.h"

enum key {
	K_NAME, K_FLOWS, K_PORTS, K_PROCS, K_SERVICES, K_COUNT, K_EACH, K_AGG, K_MIN,
	K_MAX, K_PORT, K_STATE, K_LISTENERS, NKEYS
};
static const char *const key_names[NKEYS] = {
	"name", "flows", "ports", "procs", "services", "count", "each",
	"aggregate",
	"min", "max", "port", "state", "listeners",
};
#define KEY_LIST ("name, flows, ports, procs, services, count, each, " \
		  "aggregate, min, max, port, state, listeners")

/* The rows keys, in enum rep_kind order. */
static const enum key row_keys[] = { K_FLOWS, K_PORTS, K_PROCS,
				      K_SERVICES };
/* The assertions, in enum rule_kind order. */
static const enum key assert_keys[] = { K_COUNT, K_EACH, K_AGG, K_PORT,
					K_LISTENERS };

/* The values of c's keys into v[] (NULL: not given). */
static int read_keys(struct rules_ld *L, yaml_node_t *c, yaml_node_t **v)
{
	for (yaml_node_pair_t *p = c->data.mapping.pairs.start;
	     p < c->data.mapping.pairs.top; p++) {
		yaml_node_t *k = rules_node(L, p->key);
		const char *ks = rules_scalar(k);
		int i = 0;

		while (ks && i < NKEYS && strcmp(ks, key_names[i]))
			i++;
		if (!ks || i == NKEYS)
			return rules_fail(L, k, 0, "unknown key \"%s\" (a check "
					  "has %s)", ks ? ks : "?", KEY_LIST);
		if (v[i])
			return rules_fail(L, k, 0, "\"%s\" given twice",
					  key_names[i]);
		v[i] = rules_node(L, p->value);
	}
	return 0;
}

/* The check's name: one line of text. */
static int read_name(struct rules_ld *L, yaml_node_t *c, yaml_node_t *n,
		     struct rule *r)
{
	const char *s = rules_scalar(n);

	if (!n)
		return rules_fail(L, c, 0, "a check needs a name: (one line "
				  "saying what must hold)");
	if (!s || !*s || strchr(s, '\n'))
		return rules_fail(L, n, 0, "expected the check's name: one "
				  "line of text");
	if (!(r->name = strdup(s)))
		return rules_fail(L, n, 0, "out of memory");
	return 0;
}

/* Exactly one of keys[0 .. n-1] in v[]: its index, or -1 for none, -2
 * for several (*second: the second one given). */
static int one_of(yaml_node_t **v, const enum key *keys, int n,
		  int *second)
{
	int found = -1;

	for (int i = 0; i < n; i++)
		if (v[keys[i]]) {
			if (found >= 0) {
				*second = i;
				return -2;
			}
			found = i;
		}
	return found;
}

/* count: N, or {min: N, max: N}. */
static int read_count(struct rules_ld *L, yaml_node_t *n, struct rule *r)
{
	r->ftype = (struct df_field){ "count", DF_INT, DF_UNIT_NONE, NULL, 0 };
	if (n->type == YAML_SCALAR_NODE) {
		r->has_min = r->has_max = 1;
		if (rules_bound(L, n, &r->ftype, &r->min) < 0)
			return -1;
		r->max = r->min;
		return 0;
	}
	if (n->type != YAML_MAPPING_NODE)
		return rules_fail(L, n, 0, "expected count: N or count: {min: "
				  "N, max: N}");
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
	     p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = rules_node(L, p->key);
		const char *ks = rules_scalar(k);
		int is_min = ks && !strcmp(ks, "min");

		if (!ks || (!is_min && strcmp(ks, "max")))
			return rules_fail(L, k, 0, "unknown key \"%s\" (count "
					  "has min and max)", ks ? ks : "?");
		if (rules_bound(L, rules_node(L, p->value), &r->ftype,
				is_min ? &r->min : &r->max) < 0)
			return -1;
		*(is_min ? &r->has_min : &r->has_max) = 1;
	}
	return 0;
}

/* aggregate: AGG with min: and/or max:. */
static int read_agg(struct rules_ld *L, yaml_node_t *c, yaml_node_t **v,
		    struct rule *r)
{
	if (rules_agg(L, v[K_AGG], r->rows, r) < 0)
		return -1;
	if (!v[K_MIN] && !v[K_MAX])
		return rules_fail(L, c, 0, "aggregate: needs a bound: min:, "
				  "max: or both");
	if ((r->has_min = v[K_MIN] != NULL) &&
	    rules_bound(L, v[K_MIN], &r->ftype, &r->min) < 0)
		return -1;
	if ((r->has_max = v[K_MAX] != NULL) &&
	    rules_bound(L, v[K_MAX], &r->ftype, &r->max) < 0)
		return -1;
	return 0;
}

/* port: PROTO/PORT with state: STATE. */
static int read_port(struct rules_ld *L, yaml_node_t *c, yaml_node_t **v,
		     struct rule *r)
{
	const char *s = rules_scalar(v[K_STATE]);

	if (rules_port(L, v[K_PORT], &r->port) < 0)
		return -1;
	if (!v[K_STATE])
		return rules_fail(L, c, 0, "port: needs state: open, closed, "
				  "filtered, unknown or listening-idle");
	for (r->state = 0; s && r->state <= REP_PS_LISTEN_IDLE; r->state++)
		if (!strcmp(s, rep_port_state_name(r->state)))
			return 0;
	return rules_fail(L, v[K_STATE], 0, "expected a port state: open, "
			  "closed, filtered, unknown or listening-idle");
}

/* listeners: [PROTO/PORT, ...] */
static int read_listeners(struct rules_ld *L, yaml_node_t *n, struct rule *r)
{
	if (n->type != YAML_SEQUENCE_NODE)
		return rules_fail(L, n, 0, "expected a list of ports: "
				  "[tcp/8000, udp/53]");
	for (yaml_node_item_t *i = n->data.sequence.items.start;
	     i < n->data.sequence.items.top; i++) {
		if (r->nallowed == RULE_MAX_PORTS)
			return rules_fail(L, rules_node(L, *i), 0, "at most "
					  "%d ports", RULE_MAX_PORTS);
		if (rules_port(L, rules_node(L, *i),
			       &r->allowed[r->nallowed++]) < 0)
			return -1;
	}
	return 0;
}

/* The keys that go with one assertion only. */
static int stray_keys(struct rules_ld *L, yaml_node_t **v, struct rule *r)
{
	yaml_node_t *rows = v[row_keys[r->rows]];

	if (r->kind != RULE_AGG && (v[K_MIN] || v[K_MAX]))
		return rules_fail(L, v[K_MIN] ? v[K_MIN] : v[K_MAX], 0,
				  "min: and max: go with aggregate: (count "
				  "takes {min: N, max: N})");
	if (r->kind != RULE_PORT && v[K_STATE])
		return rules_fail(L, v[K_STATE], 0, "state: goes with port:");
	if ((r->kind == RULE_PORT || r->kind == RULE_LISTENERS) && rows)
		return rules_fail(L, rows, 0, "port: and listeners: read the "
				  "ports report themselves: no rows to choose");
	return 0;
}

/* The assertion into r; its rows are chosen already. */
static int read_assert(struct rules_ld *L, yaml_node_t *c, yaml_node_t **v,
		       struct rule *r)
{
	switch (r->kind) {
	case RULE_COUNT:
		return read_count(L, v[K_COUNT], r);
	case RULE_EACH:
		if (!rules_scalar(v[K_EACH]) || !*rules_scalar(v[K_EACH]))
			return rules_fail(L, v[K_EACH], 0, "expected each: "
					  "EXPR, what every row must match");
		if (!(r->pred_text = strdup(rules_scalar(v[K_EACH]))))
			return rules_fail(L, v[K_EACH], 0, "out of memory");
		return rules_filter(L, v[K_EACH], r->rows, &r->pred);
	case RULE_AGG:
		return read_agg(L, c, v, r);
	case RULE_PORT:
		return read_port(L, c, v, r);
	default:
		return read_listeners(L, v[K_LISTENERS], r);
	}
}

int rules_check(struct rules_ld *L, yaml_node_t *c, struct rule *r)
{
	yaml_node_t *v[NKEYS] = { NULL };
	int rows, kind, second = 0;

	if (!c || c->type != YAML_MAPPING_NODE)
		return rules_fail(L, c, 0, "expected a check: a mapping with "
				  "name:, the rows (flows:, ports:, procs:, "
				  "services:) and "
				  "what must hold");
	r->line = (int)c->start_mark.line + 1;
	r->col = (int)c->start_mark.column + 1;
	if (read_keys(L, c, v) < 0 || read_name(L, c, v[K_NAME], r) < 0)
		return -1;
	if ((rows = one_of(v, row_keys, 4, &second)) == -2)
		return rules_fail(L, v[row_keys[second]], 0, "one of flows:, "
				  "ports:, procs: and services: per check");
	if ((kind = one_of(v, assert_keys, 5, &second)) < 0)
		return rules_fail(L, kind == -2 ? v[assert_keys[second]] : c, 0,
				  "a check says one thing: count:, each:, "
				  "aggregate:, port: or listeners:");
	r->kind = (enum rule_kind)kind;
	r->rows = rows >= 0 ? (enum rep_kind)rows : REP_PORTS;
	if (stray_keys(L, v, r) < 0)
		return -1;
	if (rows < 0 && kind <= RULE_AGG)
		return rules_fail(L, c, 0, "%s needs the rows it is about: "
				  "flows:, ports:, procs: or services: with a "
				  "display filter (\"\" for all)",
				  key_names[assert_keys[kind]]);
	if (rows >= 0 && rules_filter(L, v[row_keys[rows]], r->rows,
				      &r->select) < 0)
		return -1;
	return read_assert(L, c, v, r);
}
