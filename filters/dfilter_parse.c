/*
 * dfilter_parse.c - df_compile (dfilter.h): a recursive descent over the
 * tokens (dfilter_lex.c) that emits the program dfilter_eval.c runs.
 *
 * "a or b" becomes [a] JT end [b], "a and b" [a] JF end [b], "not a"
 * [a] NOT: the value left by a test or a jump is the value of the whole
 * and/or at its end, so a chain of any length runs in one loop with one
 * truth value.  Only parentheses and nots recurse, at most DF_MAX_DEPTH
 * deep.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/grow.h"
#include "dfilter_int.h"

struct parser {
	struct df_lexer lx;
	struct df_prog *p;
	const struct df_schema *s;
	struct df_error *err;
	char *pool;		/* where the next string goes */
	int depth;
};

/* What a name stands for: a field, or the fields of an alias. */
struct target {
	int n;
	int field[DF_ALIAS_MAX];
	const struct df_token *name;
};

static int fail(struct parser *ps, int col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct parser *ps, int col, const char *fmt, ...)
{
	va_list ap;

	ps->err->col = col;
	va_start(ap, fmt);
	vsnprintf(ps->err->msg, sizeof(ps->err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

static int next(struct parser *ps)
{
	return df_lex_next(&ps->lx, ps->err);
}

/* The current token as messages quote it. */
static const char *cur(struct parser *ps, char *buf, size_t len)
{
	return df_tok_text(&ps->lx.tok, buf, len);
}

static int nomem(struct parser *ps)
{
	return fail(ps, 0, "out of memory");
}

/* ---- names -------------------------------------------------------------- */

static int find_field(const struct df_schema *s, const char *p, int len)
{
	for (int i = 0; i < s->nfields; i++)
		if (df_spells(p, len, s->fields[i].name))
			return i;
	return -1;
}

/* The alias's fields into tg; -1 when the schema is wrong. */
static int alias_fields(struct parser *ps, const struct df_alias *a,
			struct target *tg)
{
	const char *f = a->fields;

	for (tg->n = 0; *f; tg->n++) {
		int len = (int)strcspn(f, "|"), i = find_field(ps->s, f, len);
		const struct df_field *fi = &ps->s->fields[i < 0 ? 0 : i];
		const struct df_field *first = &ps->s->fields[tg->field[0]];

		/* an alias's fields are of one type: its values are read once */
		if (i < 0 || tg->n == DF_ALIAS_MAX ||
		    (tg->n && (fi->type != first->type ||
			       fi->unit != first->unit)))
			return fail(ps, tg->name->col, "the %s schema's alias "
				    "%s is wrong at \"%.*s\"", ps->s->rows,
				    a->name, len, f);
		tg->field[tg->n] = i;
		f += len + (f[len] == '|');
	}
	return tg->n ? 0 : fail(ps, tg->name->col, "the %s schema's alias %s "
				"names no field", ps->s->rows, a->name);
}

/* 1 when name t is a field or an alias (into tg), 0 when it is neither,
 * -1 on a schema error. */
static int resolve(struct parser *ps, const struct df_token *t,
		   struct target *tg)
{
	int i = find_field(ps->s, t->p, t->len);

	tg->name = t;
	if (t->t != TK_WORD)
		return 0;
	if (i >= 0) {
		tg->n = 1;
		tg->field[0] = i;
		return 1;
	}
	for (i = 0; i < ps->s->naliases; i++) {
		const struct df_alias *a = &ps->s->aliases[i];

		if (df_spells(t->p, t->len, a->name))
			return alias_fields(ps, a, tg) < 0 ? -1 : 1;
	}
	return 0;
}

/* Edit distance (adjacent transpositions count one) of a (n characters)
 * and b, or 99 when either is long. */
static int distance(const char *a, int n, const char *b)
{
	int m = (int)strlen(b), d[3][33];

	if (n > 32 || m > 32)
		return 99;
	for (int j = 0; j <= m; j++)
		d[0][j] = j;
	for (int i = 1; i <= n; i++) {
		int *r = d[i % 3], *p = d[(i + 2) % 3], *pp = d[(i + 1) % 3];

		r[0] = i;
		for (int j = 1; j <= m; j++) {
			int c = (a[i - 1] | 32) != (b[j - 1] | 32), v = p[j] + 1;

			if (r[j - 1] + 1 < v)
				v = r[j - 1] + 1;
			if (p[j - 1] + c < v)
				v = p[j - 1] + c;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && pp[j - 2] + 1 < v)
				v = pp[j - 2] + 1;
			r[j] = v;
		}
	}
	return d[n % 3][m];
}

/* The field or alias name closest to t's text, if close enough. */
static const char *suggest(const struct df_schema *s, const struct df_token *t)
{
	const char *best = NULL;
	int bd = t->len <= 4 ? 2 : 3;

	for (int i = 0; i < s->nfields + s->naliases; i++) {
		const char *n = i < s->nfields ? s->fields[i].name :
				s->aliases[i - s->nfields].name;
		int d = distance(t->p, t->len, n);

		if (d < bd) {
			bd = d;
			best = n;
		}
	}
	return best;
}

static int unknown_field(struct parser *ps, const struct df_token *t)
{
	const char *near = suggest(ps->s, t);
	char b[64];

	df_tok_text(t, b, sizeof(b));
	if (near)
		return fail(ps, t->col, "unknown field %s (did you mean %s?)", b,
			    near);
	return fail(ps, t->col, "unknown field %s: %s rows have none of that "
		    "name", b, ps->s->rows);
}

/* ---- the program -------------------------------------------------------- */

static int emit(struct parser *ps, int op, int arg)
{
	struct df_prog *p = ps->p;

	if (grow_array((void **)&p->code, &p->capcode, p->ncode + 1,
		       sizeof(*p->code)) < 0)
		return nomem(ps);
	p->code[p->ncode] = (struct df_insn){ op, arg };
	return (int)p->ncode++;
}

/* A new test of tg (op, negate), its values to follow; NULL when memory
 * is short. */
static struct df_test *new_test(struct parser *ps, const struct target *tg,
				int op, int negate)
{
	struct df_prog *p = ps->p;
	struct df_test *t;

	if (grow_array((void **)&p->tests, &p->captests, p->ntests + 1,
		       sizeof(*p->tests)) < 0 ||
	    emit(ps, I_TEST, (int)p->ntests) < 0) {
		nomem(ps);
		return NULL;
	}
	t = &p->tests[p->ntests++];
	memset(t, 0, sizeof(*t));
	t->op = (uint8_t)op;
	t->negate = (uint8_t)negate;
	t->lit = (int)p->nlits;
	t->nfields = (uint8_t)tg->n;
	memcpy(t->field, tg->field, sizeof(t->field));
	t->type = (uint8_t)(tg->n ? ps->s->fields[tg->field[0]].type : DF_TEXT);
	return t;
}

/* Token v as a value of t's fields; `range`: LO..HI allowed. */
static int add_value(struct parser *ps, const struct target *tg,
		     struct df_test *t, const struct df_token *v, int range)
{
	static const struct df_field text = { "", DF_TEXT, DF_UNIT_NONE,
					      NULL, 0 };
	struct df_prog *p = ps->p;
	const struct df_field *f = tg->n ? &ps->s->fields[tg->field[0]] : &text;
	char b[64];

	if (grow_array((void **)&p->lits, &p->caplits, p->nlits + 1,
		       sizeof(*p->lits)) < 0)
		return nomem(ps);
	if (df_lit_make(f, v, &ps->pool, &p->lits[p->nlits], range,
			t->op == OP_CONTAINS || t->op == OP_SEARCH) < 0)
		return fail(ps, v->col, "expected %s for %.*s, got %s",
			    df_lit_expect(f), tg->name->len, tg->name->p,
			    df_tok_text(v, b, sizeof(b)));
	if (p->lits[p->nlits].kind == LIT_NULL && t->op != OP_EQ)
		return fail(ps, v->col, "null compares only with ==, != and "
			    "in");
	p->nlits++;
	t->nlits++;
	return 0;
}

/* The current token as a value of t's fields, then the next token. */
static int value(struct parser *ps, const struct target *tg,
		 struct df_test *t, int range)
{
	return add_value(ps, tg, t, &ps->lx.tok, range) < 0 ? -1 : next(ps);
}

/* ---- tests -------------------------------------------------------------- */

static const char *const type_noun[] = {
	[DF_INT] = "a number", [DF_TEXT] = "text", [DF_ADDR] = "an address",
	[DF_TIME] = "a time", [DF_BOOL] = "a boolean",
	[DF_FRACTION] = "a fraction",
};

/* { VALUE [,] VALUE ... } after in. */
static int value_list(struct parser *ps, const struct target *tg,
		      struct df_test *t)
{
	int open = ps->lx.tok.col, numeric = t->type == DF_INT ||
		   t->type == DF_TIME || t->type == DF_FRACTION;
	char b[64];

	if (ps->lx.tok.t != TK_LBRACE)
		return fail(ps, ps->lx.tok.col, "expected { after in, got %s",
			    cur(ps, b, sizeof(b)));
	if (next(ps) < 0)
		return -1;
	while (ps->lx.tok.t != TK_RBRACE) {
		if (ps->lx.tok.t != TK_WORD && ps->lx.tok.t != TK_STRING)
			return fail(ps, ps->lx.tok.col, ps->lx.tok.t == TK_END ?
				    "expected } to close the { at column %d, "
				    "got %s" : "expected a value in the { at "
				    "column %d, got %s", open,
				    cur(ps, b, sizeof(b)));
		if (value(ps, tg, t, numeric) < 0 ||
		    (ps->lx.tok.t == TK_COMMA && next(ps) < 0))
			return -1;
	}
	if (!t->nlits)
		return fail(ps, ps->lx.tok.col, "expected a value in {}");
	return next(ps);
}

/* NAME OP VALUE or NAME [not] in {...}: the current token is OP. */
static int compare(struct parser *ps, const struct target *tg)
{
	struct df_token opt = ps->lx.tok;
	enum df_tok op = opt.t;
	int col = opt.col;
	int type = ps->s->fields[tg->field[0]].type;
	int ordered = op == TK_LT || op == TK_LE || op == TK_GT || op == TK_GE;
	struct df_test *t;
	char b[64];

	if (ordered && type != DF_INT && type != DF_TIME && type != DF_FRACTION)
		return fail(ps, col, "%.*s compares numbers and times, and "
			    "%.*s is %s (use ==, != or in)", ps->lx.tok.len,
			    ps->lx.tok.p, tg->name->len, tg->name->p,
			    type_noun[type]);
	if (op == TK_CONTAINS && type != DF_TEXT && type != DF_ADDR)
		return fail(ps, col, "~ searches text and addresses, and %.*s "
			    "is %s", tg->name->len, tg->name->p,
			    type_noun[type]);
	t = new_test(ps, tg, op == TK_LT ? OP_LT : op == TK_LE ? OP_LE :
			     op == TK_GT ? OP_GT : op == TK_GE ? OP_GE :
			     op == TK_CONTAINS ? OP_CONTAINS : OP_EQ,
		     op == TK_NE || op == TK_NOT);
	if (!t || next(ps) < 0)
		return -1;
	if (op == TK_NOT) {
		if (ps->lx.tok.t != TK_IN)
			return fail(ps, ps->lx.tok.col, "expected in after "
				    "not, got %s", cur(ps, b, sizeof(b)));
		if (next(ps) < 0)
			return -1;
	}
	if (op == TK_IN || op == TK_NOT)
		return value_list(ps, tg, t);
	if (ps->lx.tok.t != TK_WORD && ps->lx.tok.t != TK_STRING)
		return fail(ps, ps->lx.tok.col, "expected %s after %.*s %.*s, "
			    "got %s", df_lit_expect(&ps->s->fields[tg->field[0]]),
			    tg->name->len, tg->name->p, opt.len, opt.p,
			    cur(ps, b, sizeof(b)));
	return value(ps, tg, t, 0);
}

/* A test: the current token is its first. */
static int test(struct parser *ps)
{
	struct df_token name = ps->lx.tok;
	struct target tg = { 0 };
	struct df_test *t;
	enum df_tok nx;
	int found;
	char b[64];

	if (name.t != TK_WORD && name.t != TK_STRING)
		return fail(ps, name.col, "expected a field, a word or (, got "
			    "%s", cur(ps, b, sizeof(b)));
	if ((found = resolve(ps, &name, &tg)) < 0 || next(ps) < 0)
		return -1;
	nx = ps->lx.tok.t;
	if (nx == TK_EQ || nx == TK_NE || nx == TK_LT || nx == TK_LE ||
	    nx == TK_GT || nx == TK_GE || nx == TK_CONTAINS || nx == TK_IN ||
	    nx == TK_NOT)
		return found ? compare(ps, &tg) : unknown_field(ps, &name);
	if (nx == TK_WORD || nx == TK_STRING) {	/* tcpdump's "port 53" */
		if (found)
			return (t = new_test(ps, &tg, OP_EQ, 0)) ?
			       value(ps, &tg, t, 0) : -1;
		return unknown_field(ps, &name);
	}
	if (found)	/* a field alone: true, or not null */
		return new_test(ps, &tg, OP_PRESENT, 0) ? 0 : -1;
	if (!ps->s->text)
		return unknown_field(ps, &name);
	/* a bare word: search the row's text (the word is the value) */
	return (t = new_test(ps, &tg, OP_SEARCH, 0)) ?
	       add_value(ps, &tg, t, &name, 0) : -1;
}

/* ---- and, or, not, parentheses ------------------------------------------ */

static int chain(struct parser *ps, int ors);

/* Point the chain of jumps that ends at j (linked through their targets)
 * at the next instruction. */
static void land(struct parser *ps, int j)
{
	while (j >= 0) {
		int prev = ps->p->code[j].arg;

		ps->p->code[j].arg = (int)ps->p->ncode;
		j = prev;
	}
}

/* not TERM, ( EXPR ), or a test. */
static int term(struct parser *ps)
{
	struct df_token t = ps->lx.tok;
	char b[64];

	if (t.t != TK_NOT && t.t != TK_LPAREN)
		return test(ps);
	if (++ps->depth > DF_MAX_DEPTH)
		return fail(ps, t.col, "nested more than %d deep (parentheses "
			    "and nots)", DF_MAX_DEPTH);
	if (next(ps) < 0)
		return -1;
	if (t.t == TK_NOT) {
		if (term(ps) < 0 || emit(ps, I_NOT, 0) < 0)
			return -1;
	} else {
		if (chain(ps, 1) < 0)
			return -1;
		if (ps->lx.tok.t != TK_RPAREN)
			return fail(ps, ps->lx.tok.col, "expected ) to close "
				    "the ( at column %d, got %s", t.col,
				    cur(ps, b, sizeof(b)));
		if (next(ps) < 0)
			return -1;
	}
	ps->depth--;
	return 0;
}

/* TERM and TERM ... (ors 0: a false term jumps to the end, false), or
 * CONJ or CONJ ... (ors 1: a true conjunction jumps to the end, true). */
static int chain(struct parser *ps, int ors)
{
	int last = -1;

	if ((ors ? chain(ps, 0) : term(ps)) < 0)
		return -1;
	while (ps->lx.tok.t == (ors ? TK_OR : TK_AND)) {
		int j = emit(ps, ors ? I_JT : I_JF, last);

		if (j < 0 || next(ps) < 0 || (ors ? chain(ps, 0) : term(ps)) < 0)
			return -1;
		last = j;
	}
	land(ps, last);
	return 0;
}

/* The whole text: an expression, or nothing. */
static int whole(struct parser *ps, const char *text)
{
	char b[64];

	if (df_lex_start(&ps->lx, text, ps->err) < 0)
		return -1;
	if (ps->lx.tok.t == TK_END)
		return 0;	/* nothing: every row */
	if (chain(ps, 1) < 0)
		return -1;
	if (ps->lx.tok.t == TK_RPAREN)
		return fail(ps, ps->lx.tok.col, "a ) without its (");
	if (ps->lx.tok.t != TK_END)
		return fail(ps, ps->lx.tok.col, "expected and, or or the end, "
			    "got %s", cur(ps, b, sizeof(b)));
	return 0;
}

struct df_prog *df_compile(const struct df_schema *s, const char *text,
			   struct df_error *err)
{
	size_t len = strlen(text);
	struct parser ps = { .s = s, .err = err };

	err->col = 0;
	err->msg[0] = '\0';
	if (len > DF_MAX_TEXT) {
		fail(&ps, DF_MAX_TEXT + 1, "longer than %d characters",
		     DF_MAX_TEXT);
		return NULL;
	}
	/* each string is kept once, never longer than typed, with its NUL:
	 * len + 1 would do; twice is a margin */
	ps.p = calloc(1, sizeof(*ps.p));
	if (!ps.p || !(ps.p->pool = ps.pool = malloc(2 * len + 2))) {
		free(ps.p);
		nomem(&ps);
		return NULL;
	}
	ps.p->schema = s;
	if (whole(&ps, text) < 0) {
		df_free(ps.p);
		return NULL;
	}
	return ps.p;
}

void df_free(struct df_prog *p)
{
	if (!p)
		return;
	free(p->code);
	free(p->tests);
	free(p->lits);
	free(p->pool);
	free(p);
}
