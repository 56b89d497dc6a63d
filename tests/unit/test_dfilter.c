/*
 * test_dfilter.c - the display-filter language (filters/dfilter.h) on a
 * schema of its own that knows no report: every operator and shorthand,
 * precedence, aliases (any of their fields; != and not in: none), null,
 * units (sizes in powers of 1024, times, fractions), IPv4 and IPv6
 * networks, bare words, errors with their columns, the depth cap, and a
 * chain of terms far longer than the cap (no recursion on and/or).
 * report/row_filter.c's schemas are tested in test_row_filter.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../filters/dfilter.h"

/* A row of the test schema; -1 and NULL are null. */
struct row {
	int64_t sport, dport;
	const char *src, *dst;
	const char *name;
	int64_t bytes, dur_us, rtt_us;
	int flag;
	int64_t frac;
	const char *proto;	/* NULL: protonum instead */
	int64_t protonum, pid;
};

enum { SPORT, DPORT, SRC, DST, NAME, BYTES, DUR, RTT, FLAG, FRAC, PROTO,
       PID, NFIELDS };

static const struct df_name protos[] = { { "tcp", 6 }, { "udp", 17 } };

static const struct df_field fields[NFIELDS] = {
	[SPORT] = { "sport", DF_INT, DF_UNIT_NONE, NULL, 0 },
	[DPORT] = { "dport", DF_INT, DF_UNIT_NONE, NULL, 0 },
	[SRC] = { "src", DF_ADDR, DF_UNIT_NONE, NULL, 0 },
	[DST] = { "dst", DF_ADDR, DF_UNIT_NONE, NULL, 0 },
	[NAME] = { "name", DF_TEXT, DF_UNIT_NONE, NULL, 0 },
	[BYTES] = { "bytes", DF_INT, DF_UNIT_BYTES, NULL, 0 },
	[DUR] = { "dur", DF_TIME, DF_UNIT_S, NULL, 0 },
	[RTT] = { "rtt_us", DF_TIME, DF_UNIT_US, NULL, 0 },
	[FLAG] = { "flag", DF_BOOL, DF_UNIT_NONE, NULL, 0 },
	[FRAC] = { "frac", DF_FRACTION, DF_UNIT_NONE, NULL, 0 },
	[PROTO] = { "proto", DF_TEXT, DF_UNIT_NONE, protos, 2 },
	[PID] = { "pid", DF_INT, DF_UNIT_NONE, NULL, 0 },
};

static const struct df_alias aliases[] = {
	{ "port", "sport|dport" }, { "host", "src|dst" }, { "net", "src|dst" },
	{ "process", "name" }, { "mixed", "sport|src" }, { "ghost", "nosuch" },
};

static void get(const void *row, int field, struct df_value *v)
{
	const struct row *r = row;
	int64_t i = -1;
	const char *s = NULL;

	switch (field) {
	case SPORT: i = r->sport; break;
	case DPORT: i = r->dport; break;
	case SRC: s = r->src; break;
	case DST: s = r->dst; break;
	case NAME: s = r->name; break;
	case BYTES: i = r->bytes; break;
	case DUR: i = r->dur_us; break;
	case RTT: i = r->rtt_us; break;
	case FLAG: i = r->flag; break;
	case FRAC: i = r->frac; break;
	case PROTO:
		s = r->proto;
		i = r->proto ? -1 : r->protonum;
		break;
	default: i = r->pid; break;
	}
	*v = (struct df_value){ s ? DFV_TEXT : i < 0 ? DFV_NULL : DFV_INT, i,
				s };
}

/* "proto src:sport dst:dport name pid", as the view wrote a flow */
static void text(const void *row, char *buf, size_t len)
{
	const struct row *r = row;

	snprintf(buf, len, "%s %s:%lld %s:%lld %s %lld",
		 r->proto ? r->proto : "", r->src, (long long)r->sport, r->dst,
		 (long long)r->dport, r->name ? r->name : "",
		 (long long)r->pid);
}

static const struct df_schema schema = {
	"test", fields, NFIELDS, aliases, 6, get, text,
};

/* A TCP flow from 10.1.2.3:40000 to 192.168.7.9:53 by curl. */
static struct row row1(void)
{
	return (struct row){ 40000, 53, "10.1.2.3", "192.168.7.9", "curl",
			     1536, 1500000, 2500, 1, 50000, "tcp", 6, 4242 };
}

/* IPv6, UDP, no name, no pid, no ports. */
static struct row row6(void)
{
	return (struct row){ -1, -1, "fd00:1:2:3::10", "2001:db8::1", NULL,
			     0, 0, -1, 0, 0, NULL, 47, -1 };
}

/* Compile and match; a compile error fails the test with its message. */
static int match(const char *expr, const struct row *r)
{
	struct df_error err;
	struct df_prog *p = df_compile(&schema, expr, &err);
	int m;

	if (!p)
		fail_msg("'%s' did not compile: column %d: %s", expr, err.col,
			 err.msg);
	m = df_match(p, r);
	df_free(p);
	return m;
}

#define YES(expr, r) assert_int_equal(match((expr), &(r)), 1)
#define NO(expr, r) assert_int_equal(match((expr), &(r)), 0)

/* expr must not compile: the error at column col, its message holding
 * part. */
static void refused(const char *expr, int col, const char *part)
{
	struct df_error err;
	struct df_prog *p = df_compile(&schema, expr, &err);

	if (p) {
		df_free(p);
		fail_msg("'%s' compiled", expr);
	}
	if (err.col != col || !strstr(err.msg, part))
		fail_msg("'%s': column %d: %s (expected column %d, \"%s\")",
			 expr, err.col, err.msg, col, part);
}

static void comparisons(void **state)
{
	struct row r = row1();

	(void)state;
	YES("dport == 53", r);
	YES("dport = 53", r);
	NO("dport != 53", r);
	YES("sport != 53", r);
	YES("dport < 54", r);
	NO("dport < 53", r);
	YES("dport <= 53", r);
	YES("sport > 39999", r);
	NO("sport > 40000", r);
	YES("sport >= 40000", r);
	YES("name == curl", r);
	YES("name == \"curl\"", r);
	YES("name == 'curl'", r);
	NO("name == Curl", r);	/* == on text is exact */
	YES("name != wget", r);
	YES("dport==53&&sport>1", r);	/* no blanks needed */
}

static void contains(void **state)
{
	struct row r = row1(), v6 = row6();

	(void)state;
	YES("name ~ ur", r);
	YES("name ~ URL", r);	/* ASCII case ignored */
	YES("name contains \"cu\"", r);
	NO("name ~ wget", r);
	YES("src ~ \"10.1.\"", r);	/* an address as its text */
	YES("proto ~ 4", v6);		/* a protocol without a name: 47 */
	NO("name ~ x", v6);		/* null contains nothing */
}

static void lists(void **state)
{
	struct row r = row1();

	(void)state;
	YES("dport in {22, 53, 80}", r);
	YES("dport in {22 53 80}", r);		/* Wireshark's blanks */
	NO("dport in {22, 80}", r);
	YES("dport in {1..1024}", r);
	NO("sport in {1..1024, 8080}", r);
	YES("dport not in {22, 80}", r);
	NO("dport not in {53}", r);
	YES("name in {wget, \"curl\"}", r);
	YES("bytes in {1K..2K}", r);
	YES("dur in {1s..2s}", r);
	YES("host in {10.0.0.0/8, 172.16.0.0/12}", r);
}

static void logic(void **state)
{
	struct row r = row1();

	(void)state;
	YES("dport == 53 and sport == 40000", r);
	NO("dport == 53 and sport == 1", r);
	YES("dport == 1 or sport == 40000", r);
	NO("dport == 1 || sport == 1", r);
	YES("not dport == 1", r);
	YES("!(dport == 1)", r);
	NO("! dport == 53", r);
	YES("dport == 53 && !(sport == 1 || name == wget)", r);
	YES("NOT dport == 1 AND name == curl", r);	/* keywords in any case */
}

static void precedence(void **state)
{
	struct row r = row1();

	(void)state;
	/* and before or: 1 or (1 and 0) */
	YES("dport == 53 or dport == 53 and sport == 1", r);
	/* (1 or 1) and 0 */
	NO("(dport == 53 or dport == 53) and sport == 1", r);
	/* not before and: (not 0) and 1 */
	YES("not sport == 1 and dport == 53", r);
	/* not (0 and 1) */
	YES("not (sport == 1 and dport == 53)", r);
	/* not before or: (not 1) or 0 */
	NO("not dport == 53 or sport == 1", r);
	YES("((((dport == 53))))", r);
}

static void shorthands(void **state)
{
	struct row r = row1(), v6 = row6();

	(void)state;
	YES("host 10.1.2.3", r);
	YES("host 192.168.7.9", r);
	NO("host 10.1.2.4", r);
	YES("net 10.0.0.0/8", r);
	YES("net 192.168.7.0/24 and port 53", r);
	NO("net 192.168.8.0/24", r);
	YES("port 53", r);
	YES("port 40000", r);
	NO("port 80", r);
	YES("proto tcp", r);
	YES("proto 6", r);		/* a number for its name */
	YES("proto TCP", r);		/* names in any case */
	NO("proto udp", r);
	YES("proto 47", v6);		/* no name: the number itself */
	NO("proto tcp", v6);
	YES("process curl", r);
	YES("pid 4242", r);
	YES("name \"curl\"", r);
}

static void ipv6_networks(void **state)
{
	struct row v6 = row6();

	(void)state;
	YES("host fd00:1:2:3::10", v6);
	YES("host FD00:1:2:3:0:0:0:10", v6);	/* any spelling */
	YES("net fd00::/8", v6);
	YES("net fd00:1:2::/48", v6);
	YES("net fd00:1:2:3::/64", v6);
	YES("net fd00:1:2:3::10/125", v6);	/* ::10 .. ::17 */
	NO("net fd00:1:2:3::8/125", v6);	/* ::8 .. ::f */
	YES("net fd00:1:2:0::/61", v6);		/* a prefix inside a byte */
	NO("net fd00:1:2:8::/61", v6);
	YES("net ::/0", v6);
	NO("net 0.0.0.0/0", v6);		/* families never mix */
	YES("src == fd00:1:2:3::10/128", v6);
	YES("dst in {2001:db8::/32}", v6);
	NO("src == 2001:db8::/32", v6);
}

static void nulls(void **state)
{
	struct row r = row1(), v6 = row6();

	(void)state;
	YES("pid == null", v6);
	NO("pid != null", v6);
	YES("pid != null", r);
	YES("pid in {null, 1}", v6);
	YES("name == NULL", v6);
	NO("name == \"null\"", v6);	/* quoted: the word */
	NO("pid > 0", v6);		/* null is neither more nor less */
	NO("pid < 99999", v6);
	NO("pid <= 99999", v6);
	YES("pid != 4242", v6);		/* not equal: it is not 4242 */
	YES("port == null", v6);	/* an alias: any of its fields */
	NO("port != null", v6);
	YES("not pid", v6);		/* a field alone: not null */
	YES("pid", r);
}

static void units(void **state)
{
	struct row r = row1();

	(void)state;
	YES("bytes == 1.5K", r);	/* 1536: powers of 1024 */
	YES("bytes == 1.5k", r);
	YES("bytes == 1.5KiB", r);
	YES("bytes > 1K", r);
	NO("bytes > 2K", r);
	YES("bytes < 1M", r);
	YES("bytes < 1G and bytes < 1T", r);
	YES("bytes == 1536", r);
	YES("dur == 1.5", r);		/* a bare number: the field's seconds */
	YES("dur == 1.5s", r);
	YES("dur == 1500ms", r);
	YES("dur == 1500000us", r);
	YES("dur > 1s and dur < 2s", r);
	NO("dur > 5m", r);
	YES("dur < 1h and dur < 1d and dur < 1min", r);
	YES("rtt_us == 2500", r);	/* a bare number: microseconds */
	YES("rtt_us == 2.5ms", r);
	YES("rtt_us > 2ms", r);
	NO("rtt_us > 1s", r);
	YES("frac == 0.05", r);
	YES("frac == 5%", r);
	YES("frac > 4.9% and frac < 0.051", r);
}

static void booleans(void **state)
{
	struct row r = row1(), v6 = row6();

	(void)state;
	YES("flag", r);
	NO("flag", v6);
	YES("not flag", v6);
	YES("flag == true", r);
	YES("flag == TRUE", r);
	YES("flag == 0", v6);
	YES("flag != false", r);
	YES("flag in {true}", r);
}

static void aliases_any_and_none(void **state)
{
	struct row r = row1();

	(void)state;
	YES("port == 40000", r);	/* any */
	NO("port != 53", r);		/* none: one of them is 53 */
	YES("port != 80", r);
	NO("port not in {53, 80}", r);
	YES("port > 50000 or port < 54", r);
	NO("host != 10.1.2.3", r);
	YES("host ~ 168", r);
}

static void bare_words(void **state)
{
	struct row r = row1(), v6 = row6();

	(void)state;
	YES("53", r);			/* 192.168.7.9:53 */
	YES("4000", r);			/* a substring, as the view's / did */
	YES("CURL", r);			/* ASCII case ignored */
	YES("tcp", r);
	NO("udp", r);
	YES("\"curl 4242\"", r);	/* a quoted phrase */
	YES("curl and port 53", r);
	NO("curl", v6);
	YES("not curl", v6);
	YES("fd00", v6);
	YES("curl or fd00", v6);
}

static void empty_matches_all(void **state)
{
	struct row r = row1();

	(void)state;
	YES("", r);
	YES("   \t\n", r);
}

/* Hundreds of terms, up to DF_MAX_TEXT: and/or chains do not recurse. */
static void long_chains(void **state)
{
	struct row r = row1();
	char *s = malloc(DF_MAX_TEXT + 1), *p;
	size_t n = 0;

	(void)state;
	assert_non_null(s);
	for (int i = 1000; n + 40 < DF_MAX_TEXT; i++)
		n += (size_t)sprintf(s + n, "%sdport == %d", n ? " or " : "", i);
	NO(s, r);
	strcat(s, " or dport == 53");
	YES(s, r);
	for (p = s; (p = strstr(p, " or ")); )
		memcpy(p, " && ", 4);
	NO(s, r);
	free(s);
}

static void depth_cap(void **state)
{
	struct row r = row1();
	char s[1024];
	int n = 0;

	(void)state;
	for (int i = 0; i < DF_MAX_DEPTH; i++)
		s[n++] = '(';
	n += sprintf(s + n, "port 53");
	for (int i = 0; i < DF_MAX_DEPTH; i++)
		s[n++] = ')';
	s[n] = '\0';
	YES(s, r);
	memmove(s + 1, s, strlen(s) + 1);	/* one ( more: 65 */
	s[0] = '(';
	strcat(s, ")");
	refused(s, DF_MAX_DEPTH + 1, "nested more than 64 deep");
	n = 0;
	for (int i = 0; i < DF_MAX_DEPTH; i++)
		n += sprintf(s + n, "! ");
	strcpy(s + n, "port 53");
	YES(s, r);	/* 64 nots: an even number */
	n = 0;
	for (int i = 0; i <= DF_MAX_DEPTH; i++)
		n += sprintf(s + n, "not ");
	strcpy(s + n, "port 53");
	refused(s, 4 * DF_MAX_DEPTH + 1, "nested more than 64 deep");
}

static void errors(void **state)
{
	(void)state;
	refused("orgi_h == 1.2.3.4", 1, "unknown field \"orgi_h\"");
	refused("dprot == 53", 1, "did you mean dport?");
	refused("src > 5", 5, "> compares numbers and times, and src is an "
		"address");
	refused("name <= x", 6, "name is text");
	refused("bytes ~ 12", 7, "~ searches text and addresses, and bytes is "
		"a number");
	refused("dport == abc", 10, "expected a whole number for dport");
	refused("dport == 1K", 10, "expected a whole number");	/* not bytes */
	refused("bytes > 1X", 9, "a number of bytes");
	refused("dur > 5y", 7, "a time: seconds, or 250ms");
	refused("rtt_us > 5y", 10, "a time: microseconds");
	refused("frac > 5x", 8, "a fraction");
	refused("flag == maybe", 9, "true or false");
	refused("src == 10.0.0.256", 8, "an IPv4 or IPv6 address");
	refused("src == 10.0.0.0/33", 8, "an IPv4 or IPv6 address");
	refused("src == fd00::/129", 8, "an IPv4 or IPv6 address");
	refused("dport in {1..x}", 11, "expected a whole number");
	refused("dport in {5..1}", 11, "expected a whole number");
	refused("(port 53", 9, "expected ) to close the ( at column 1, got "
		"the end");
	refused("port 53)", 8, "a ) without its (");
	refused("((port 53) or (port 80)", 24, "to close the ( at column 1");
	refused("name == \"curl", 9, "has no closing \"");
	refused("name == 'curl", 9, "has no closing '");
	refused("port 53 & port 80", 9, "a lone &");
	refused("port 53 | port 80", 9, "a lone |");
	refused("dport in {}", 11, "expected a value in {}");
	refused("dport in {1, 2", 15, "expected } to close the { at column 10");
	refused("dport in 1", 10, "expected { after in");
	refused("dport not 1", 11, "expected in after not");
	refused("pid < null", 7, "null compares only with");
	refused("port 53 port 80", 9, "expected and, or or the end, got "
		"\"port\"");
	refused("dport ==", 9, "expected a whole number after dport ==, got "
		"the end");
	refused("and", 1, "expected a field, a word or (, got \"and\"");
	refused("port 53 and", 12, "got the end");
	refused("()", 2, "got \")\"");
	refused("hots 1.2.3.4", 1, "did you mean host?");
	refused("zzzz 1.2.3.4", 1, "unknown field \"zzzz\": test rows have "
		"none");
	refused("mixed 1", 1, "alias mixed is wrong");
	refused("ghost 1", 1, "alias ghost is wrong at \"nosuch\"");
}

static void too_long(void **state)
{
	struct row r = row1();
	char *s = malloc(DF_MAX_TEXT + 2);

	(void)state;
	assert_non_null(s);
	memset(s, 'a', DF_MAX_TEXT + 1);
	s[DF_MAX_TEXT + 1] = '\0';
	refused(s, DF_MAX_TEXT + 1, "longer than 8192 characters");
	s[DF_MAX_TEXT] = '\0';	/* exactly the cap: a (long) bare word */
	NO(s, r);
	free(s);
}

static void no_text_callback(void **state)
{
	struct df_schema s = schema;
	struct df_error err;
	struct df_prog *p;

	(void)state;
	s.text = NULL;
	assert_null(df_compile(&s, "curl", &err));
	assert_int_equal(err.col, 1);
	assert_non_null(strstr(err.msg, "unknown field \"curl\""));
	p = df_compile(&s, "name == curl", &err);
	assert_non_null(p);
	df_free(p);
	df_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(comparisons),
		cmocka_unit_test(contains),
		cmocka_unit_test(lists),
		cmocka_unit_test(logic),
		cmocka_unit_test(precedence),
		cmocka_unit_test(shorthands),
		cmocka_unit_test(ipv6_networks),
		cmocka_unit_test(nulls),
		cmocka_unit_test(units),
		cmocka_unit_test(booleans),
		cmocka_unit_test(aliases_any_and_none),
		cmocka_unit_test(bare_words),
		cmocka_unit_test(empty_matches_all),
		cmocka_unit_test(long_chains),
		cmocka_unit_test(depth_cap),
		cmocka_unit_test(errors),
		cmocka_unit_test(too_long),
		cmocka_unit_test(no_text_callback),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
