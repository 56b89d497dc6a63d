/*
 * dfilter_eval.c - df_match (dfilter.h): runs a compiled program on one
 * row.  One truth value, tests and jumps (dfilter_int.h); the row's text
 * for bare words is asked for once, on the stack, only when a bare word
 * is reached.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "dfilter_int.h"

/* A row being matched, and its text once asked for. */
struct match {
	const struct df_prog *p;
	const void *row;
	int have_text;
	char text[DF_TEXT_MAX];
};

/* Value v equals l (or is within it: a range, a network). */
static int equals(const struct df_value *v, const struct df_lit *l)
{
	if (l->kind == LIT_NULL || v->kind == DFV_NULL)
		return l->kind == LIT_NULL && v->kind == DFV_NULL;
	switch (l->kind) {
	case LIT_NUM:
		return v->kind == DFV_INT && v->i >= l->lo && v->i <= l->hi;
	case LIT_ADDR:
		return v->kind == DFV_TEXT && df_addr_within(l, v->s);
	default:	/* text; a number when the field gave one */
		if (v->kind == DFV_INT)
			return l->has_num && v->i == l->lo;
		return !strcmp(v->s, l->s);
	}
}

/* Value v passes t against its values. */
static int passes(const struct df_test *t, const struct df_value *v,
		  const struct df_lit *l)
{
	char num[24];
	const char *s = v->s;

	if (t->op == OP_PRESENT)
		return v->kind != DFV_NULL &&
		       (t->type != DF_BOOL || v->kind != DFV_INT || v->i);
	if (t->op == OP_EQ) {
		for (int i = 0; i < t->nlits; i++)
			if (equals(v, &l[i]))
				return 1;
		return 0;
	}
	if (t->op == OP_CONTAINS) {
		if (v->kind == DFV_INT) {	/* a protocol's number */
			snprintf(num, sizeof(num), "%" PRId64, v->i);
			s = num;
		}
		return v->kind != DFV_NULL && df_contains(s, l->s);
	}
	if (v->kind != DFV_INT)
		return 0;	/* null is neither more nor less */
	switch (t->op) {
	case OP_LT: return v->i < l->lo;
	case OP_LE: return v->i <= l->hi;
	case OP_GT: return v->i > l->hi;
	default: return v->i >= l->lo;
	}
}

static int run_test(struct match *m, const struct df_test *t)
{
	const struct df_schema *s = m->p->schema;
	/* a field alone has no values, and a program without any no array */
	const struct df_lit *l = t->nlits ? &m->p->lits[t->lit] : NULL;
	int any = 0;

	if (t->op == OP_SEARCH) {
		if (!m->have_text) {
			m->text[0] = '\0';
			s->text(m->row, m->text, sizeof(m->text));
			m->text[sizeof(m->text) - 1] = '\0';
			m->have_text = 1;
		}
		return df_contains(m->text, l->s);
	}
	for (int i = 0; i < t->nfields && !any; i++) {
		struct df_value v = { DFV_NULL, 0, NULL };

		s->get(m->row, t->field[i], &v);
		if (v.kind == DFV_TEXT && !v.s)
			v.kind = DFV_NULL;
		any = passes(t, &v, l);
	}
	return t->negate ? !any : any;
}

int df_match(const struct df_prog *p, const void *row)
{
	struct match m;
	int acc = 1;

	m.p = p;
	m.row = row;
	m.have_text = 0;
	for (size_t pc = 0; pc < p->ncode; pc++) {
		const struct df_insn *in = &p->code[pc];

		switch (in->op) {
		case I_TEST:
			acc = run_test(&m, &p->tests[in->arg]);
			break;
		case I_NOT:
			acc = !acc;
			break;
		case I_JF:
		case I_JT:
			if (acc == (in->op == I_JT))
				pc = (size_t)in->arg - 1;	/* then ++ */
			break;
		}
	}
	return acc;
}
