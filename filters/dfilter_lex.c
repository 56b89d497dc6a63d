/*
 * dfilter_lex.c - the display filter's tokens (dfilter_int.h): operators,
 * parentheses and braces, quoted strings, and words: anything else up to
 * a blank or one of ( ) { } , = ! < > ~ & | " ' (so 10.0.0.0/8, fe80::1,
 * 250ms, 1.5K and listening-idle are words).  and, or, not, in and
 * contains are keywords in any case.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "dfilter_int.h"

static void lex_error(struct df_error *err, int col, const char *msg)
{
	err->col = col;
	snprintf(err->msg, sizeof(err->msg), "%s", msg);
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	       c == '\f' || c == '\v';
}

static int ends_word(char c)
{
	return !c || is_blank(c) || strchr("(){},=!<>~&|\"'", c);
}

int df_spells(const char *p, int len, const char *name)
{
	return (size_t)len == strlen(name) && !strncasecmp(p, name, (size_t)len);
}

int df_word_is(const struct df_token *t, const char *w)
{
	return t->t == TK_WORD && df_spells(t->p, t->len, w);
}

/* A word, or the keyword it spells. */
static void word(struct df_lexer *lx)
{
	static const struct { const char *w; enum df_tok t; } kw[] = {
		{ "and", TK_AND }, { "or", TK_OR }, { "not", TK_NOT },
		{ "in", TK_IN }, { "contains", TK_CONTAINS },
	};
	struct df_token *t = &lx->tok;

	while (!ends_word(lx->s[lx->pos]))
		lx->pos++;
	t->t = TK_WORD;
	t->len = lx->pos - (int)(t->p - lx->s);
	for (size_t i = 0; i < sizeof(kw) / sizeof(kw[0]); i++)
		if (df_word_is(t, kw[i].w))
			t->t = kw[i].t;
}

/* A quoted string: its text between the quotes, escapes kept. */
static int string(struct df_lexer *lx, struct df_error *err)
{
	char q = lx->s[lx->pos++];
	struct df_token *t = &lx->tok;

	t->t = TK_STRING;
	t->p = lx->s + lx->pos;
	for (;;) {
		char c = lx->s[lx->pos];

		if (!c) {
			lex_error(err, t->col, q == '"' ?
				  "this string has no closing \"" :
				  "this string has no closing '");
			return -1;
		}
		if (c == q)
			break;
		lx->pos += c == '\\' && lx->s[lx->pos + 1] ? 2 : 1;
	}
	t->len = lx->pos++ - (int)(t->p - lx->s);
	return 0;
}

/* An operator of one or two characters; 0, or -1 for a lone & or |. */
static int op(struct df_lexer *lx, struct df_error *err)
{
	static const struct { const char *s; enum df_tok t; } ops[] = {
		{ "==", TK_EQ }, { "!=", TK_NE }, { "<=", TK_LE },
		{ ">=", TK_GE }, { "&&", TK_AND }, { "||", TK_OR },
		{ "=", TK_EQ }, { "!", TK_NOT }, { "<", TK_LT }, { ">", TK_GT },
		{ "~", TK_CONTAINS }, { "(", TK_LPAREN }, { ")", TK_RPAREN },
		{ "{", TK_LBRACE }, { "}", TK_RBRACE }, { ",", TK_COMMA },
	};
	const char *p = lx->s + lx->pos;

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		size_t n = strlen(ops[i].s);

		if (!strncmp(p, ops[i].s, n)) {
			lx->tok.t = ops[i].t;
			lx->tok.len = (int)n;
			lx->pos += (int)n;
			return 0;
		}
	}
	lex_error(err, lx->tok.col, *p == '&' ? "a lone &: write and (or &&)"
					      : "a lone |: write or (or ||)");
	return -1;
}

int df_lex_next(struct df_lexer *lx, struct df_error *err)
{
	struct df_token *t = &lx->tok;
	char c;

	while (is_blank(lx->s[lx->pos]))
		lx->pos++;
	c = lx->s[lx->pos];
	t->col = lx->pos + 1;
	t->p = lx->s + lx->pos;
	t->len = 0;
	if (!c) {
		t->t = TK_END;
		return 0;
	}
	if (c == '"' || c == '\'')
		return string(lx, err);
	if (ends_word(c))
		return op(lx, err);
	word(lx);
	return 0;
}

int df_lex_start(struct df_lexer *lx, const char *s, struct df_error *err)
{
	lx->s = s;
	lx->pos = 0;
	return df_lex_next(lx, err);
}

const char *df_tok_text(const struct df_token *t, char *buf, size_t len)
{
	int n = t->len > 40 ? 40 : t->len;	/* a message is one line */

	if (t->t == TK_END)
		return "the end";
	snprintf(buf, len, "\"%.*s\"", n, t->p);
	for (char *p = buf; *p; p++)	/* a string may hold a newline */
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return buf;
}
