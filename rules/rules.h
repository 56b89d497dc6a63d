/*
 * rules.h - the rules of `porttop check`: a YAML file a person reviews in
 * a pull request, read with libyaml (rules_yaml.c) into checks that
 * check.h evaluates on the reports' rows.
 *
 *   checks:
 *     - name: the web server answered        # required, one line
 *       flows: resp_p == 8000                # the rows: flows, ports,
 *                                            # procs or services, and a
 *                                            # display filter
 *                                            # choosing them ("" : all)
 *       count: {min: 1}                      # one assertion, below
 *
 * Assertions (exactly one per check):
 *   count: N | {min: N, max: N}   how many rows were chosen (0: never)
 *   each: EXPR                    every chosen row matches EXPR
 *   aggregate: AGG, with min: and/or max:   a figure of the chosen rows:
 *       sum(FIELD)          the field summed (a count, bytes, a time)
 *       distinct(FIELD)     how many different values it takes
 *       retrans_rate        TCP packets resent / TCP packets
 *       rtt_p50, rtt_p95    SYN -> SYN-ACK times (flows: exact; ports
 *                           and services: within 9 %, from the rows'
 *                           histograms)
 *       failed_handshakes   share of TCP handshakes refused or unanswered
 *     bounds are read in the figure's unit: 1M (bytes), 10ms, 5%
 *   port: PROTO/PORT, with state: STATE   the ports report's row for it
 *                                 is in STATE (open, closed, filtered,
 *                                 unknown, listening-idle)
 *   listeners: [PROTO/PORT, ...]  no other port is listened on or open
 *                                 (its row: listening, or state open)
 *
 * Errors are "FILE:LINE:COLUMN: message", 1-based, at the YAML node at
 * fault (or at the token inside an expression).
 */
#ifndef PORTTOP_RULES_H
#define PORTTOP_RULES_H

#include <stdint.h>

#include "../report/row_filter.h"

enum rule_kind {
	RULE_COUNT,	/* min <= chosen rows <= max */
	RULE_EACH,	/* every chosen row matches pred */
	RULE_AGG,	/* min <= the aggregate <= max */
	RULE_PORT,	/* the port's row is in state */
	RULE_LISTENERS,	/* no port listened on or open but allowed[] */
};

enum rule_agg {
	AGG_SUM, AGG_DISTINCT, AGG_RETRANS_RATE, AGG_RTT_P50, AGG_RTT_P95,
	AGG_FAILED,
};

/* A protocol and port: "tcp/8000". */
struct rule_port {
	uint8_t proto;
	uint16_t port;
};

#define RULE_MAX_PORTS 64

struct rule {
	char *name;
	int line, col;			/* where the check starts: 1-based */
	enum rule_kind kind;
	enum rep_kind rows;		/* REP_PORTS for port and listeners */
	struct rep_filter *select;	/* NULL: every row */
	struct rep_filter *pred;	/* RULE_EACH */
	char *pred_text;		/* RULE_EACH, for messages */
	enum rule_agg agg;		/* RULE_AGG */
	int field;			/* AGG_SUM, AGG_DISTINCT: the field */
	const char *fname;		/* and its name (a constant) */
	struct df_field ftype;		/* the bounds' type: the field's, or
					   the aggregate's (fraction, time) */
	int has_min, has_max;
	int64_t min, max;		/* in ftype's unit (us, millionths) */
	struct rule_port port;		/* RULE_PORT */
	int state;			/* RULE_PORT: rep_port_state_name's */
	struct rule_port allowed[RULE_MAX_PORTS];	/* RULE_LISTENERS */
	int nallowed;
};

struct rules {
	char *path;
	struct rule *r;
	int n;
};

#define RULES_ERR_MAX 512

/* rules_load: the rules file at path.  NULL with err (errlen bytes) set
 * to one line "PATH:LINE:COL: message" when it cannot be read, is no
 * YAML, or says something that is no rule (an unknown key, a missing
 * name, a bad expression, a bound of the wrong type); "out of memory"
 * when memory is short.  At most RULES_MAX checks. */
#define RULES_MAX 1000
struct rules *rules_load(const char *path, char *err, size_t errlen);

/* rules_from_text: the same from a buffer (len bytes), path naming it in
 * messages: for the fuzzer and unit tests. */
struct rules *rules_from_text(const char *path, const unsigned char *text,
			      size_t len, char *err, size_t errlen);

/* rules_kinds: a bit (1 << enum rep_kind) per row kind the rules read. */
unsigned rules_kinds(const struct rules *rs);

/* rules_free: NULL is ignored. */
void rules_free(struct rules *rs);

#endif
