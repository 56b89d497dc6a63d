/*
 * dfilter_int.h - the display filter's parts (dfilter.h): the tokens
 * (dfilter_lex.c), the values (dfilter_value.c), the compiler
 * (dfilter_parse.c) and the program it makes, which dfilter_eval.c runs.
 * Private to filters/dfilter_*.c.
 */
#ifndef PORTTOP_DFILTER_INT_H
#define PORTTOP_DFILTER_INT_H

#include <stddef.h>
#include <stdint.h>

#include "dfilter.h"

/* ---- tokens ------------------------------------------------------------- */

enum df_tok {
	TK_END, TK_WORD, TK_STRING, TK_LPAREN, TK_RPAREN, TK_LBRACE,
	TK_RBRACE, TK_COMMA, TK_EQ, TK_NE, TK_LT, TK_LE, TK_GT, TK_GE,
	TK_CONTAINS, TK_AND, TK_OR, TK_NOT, TK_IN,
};

struct df_token {
	enum df_tok t;
	int col;		/* 1-based column of its first character */
	const char *p;		/* its text; a string's is inside the quotes,
				   escapes as typed */
	int len;
};

struct df_lexer {
	const char *s;
	int pos;
	struct df_token tok;	/* the current token */
};

/* df_lex_start: lx on s, its first token in lx->tok; df_lex_next: the
 * next.  0, or -1 with err set (a lone & or |, an unclosed string). */
int df_lex_start(struct df_lexer *lx, const char *s, struct df_error *err);
int df_lex_next(struct df_lexer *lx, struct df_error *err);

/* df_tok_text: a token as messages quote it, into buf: "the end",
 * "\"orgi_h\"", "{". */
const char *df_tok_text(const struct df_token *t, char *buf, size_t len);

/* df_spells: p (len characters) is name, ASCII case ignored;
 * df_word_is: t is the bare word w. */
int df_spells(const char *p, int len, const char *name);
int df_word_is(const struct df_token *t, const char *w);

/* ---- values ------------------------------------------------------------- */

enum df_lkind { LIT_NULL, LIT_NUM, LIT_TEXT, LIT_ADDR };

/* A value of the expression, read as its field's type. */
struct df_lit {
	uint8_t kind;		/* enum df_lkind */
	uint8_t has_num;	/* LIT_TEXT: num holds the number it names */
	uint8_t family;		/* LIT_ADDR: 4 or 6 */
	uint8_t prefix;		/* LIT_ADDR: network bits */
	int64_t lo, hi;		/* LIT_NUM: lo..hi; LIT_TEXT: lo, the number */
	const char *s;		/* LIT_TEXT */
	uint8_t addr[16];	/* LIT_ADDR, masked to prefix */
};

/* df_lit_make: token t (a word or a string) as a value of field f into
 * *l; strings are unescaped into *pool (advanced past them).  `range`:
 * LO..HI is allowed (lists); `raw`: text as typed, no names (~).
 * 0, or -1 when t is no value of f's type (df_lit_expect says what
 * would be). */
int df_lit_make(const struct df_field *f, const struct df_token *t,
		char **pool, struct df_lit *l, int range, int raw);
const char *df_lit_expect(const struct df_field *f);

/* df_addr_within: the address text s is l's address or within its
 * network. */
int df_addr_within(const struct df_lit *l, const char *s);

/* df_contains: needle is in hay, ASCII case ignored. */
int df_contains(const char *hay, const char *needle);

/* ---- the program -------------------------------------------------------- */

enum df_op {
	OP_EQ,		/* any value of lits (==, in) */
	OP_LT, OP_LE, OP_GT, OP_GE,
	OP_CONTAINS,	/* ~ */
	OP_PRESENT,	/* a field alone: true or not null */
	OP_SEARCH,	/* a bare word: the row's text contains lits[0] */
};

/* One comparison: of any of the fields (an alias) with the values. */
struct df_test {
	uint8_t op;		/* enum df_op */
	uint8_t negate;		/* != and not in: none of the fields does */
	uint8_t type;		/* enum df_type, the same for all fields */
	uint8_t nfields;
	int field[DF_ALIAS_MAX];
	int lit, nlits;		/* lits[lit .. lit + nlits - 1] */
};

/* The program: tests and jumps on one truth value, so a match needs no
 * stack.  I_JF / I_JT jump to arg when the value is false / true (and
 * leave it as it is: the value of the whole and / or). */
enum df_iop { I_TEST, I_JF, I_JT, I_NOT };
struct df_insn {
	int op;			/* enum df_iop */
	int arg;		/* I_TEST: the test; jumps: the target */
};

struct df_prog {
	const struct df_schema *schema;
	struct df_insn *code;
	size_t ncode, capcode;
	struct df_test *tests;
	size_t ntests, captests;
	struct df_lit *lits;
	size_t nlits, caplits;
	char *pool;		/* unescaped strings */
};

#endif
