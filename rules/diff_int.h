/*
 * diff_int.h - the parts of porttop diff shared inside rules/: the
 * address map (diff_map.c) and the JSON Lines writer (diff_json.c).
 */
#ifndef PORTTOP_DIFF_INT_H
#define PORTTOP_DIFF_INT_H

#include <stdint.h>
#include <stdio.h>

#include "diff.h"

/* ---- --map FILE ---------------------------------------------------------- */

/* diff_map_load: the map file at path: one rule a line, "BASELINE
 * CURRENT", each an address or a network ADDR/PREFIX (filters/dfilter.h:
 * df_net_parse); '#' starts a comment, blank lines are skipped.  A
 * CURRENT network must have BASELINE's family and prefix length (the
 * host bits are carried over); a CURRENT address takes every address
 * BASELINE covers, of either family.  The map, or
 * NULL with err set: "FILE:LINE: message", or "FILE: reason" when it
 * cannot be read. */
struct diff_map *diff_map_load(const char *path, char *err, size_t errlen);

/* diff_map_apply: addr (text, size bytes of room) renamed by the first
 * rule whose BASELINE covers it, as inet_ntop writes addresses (as the
 * reports do); left as it is when none does.  m may be NULL. */
void diff_map_apply(const struct diff_map *m, char *addr, size_t size);

void diff_map_free(struct diff_map *m);

/* ---- --format json ------------------------------------------------------- */

/* What a difference is about, and its key: the members an object does
 * not have are NULL (texts) or -1 (resp_p); an ignored host is NULL too
 * (written as null: any). */
enum dobj { DOBJ_SERVICE, DOBJ_PORT, DOBJ_PROCESS, DOBJ_LISTENER };
struct dkey {
	enum dobj obj;
	const char *proto, *orig_h, *resp_h, *comm;
	int64_t resp_p;
};

/* One field's values on the two sides: numbers, or texts when sa is not
 * NULL (a conn_state mix "REJ:1 SF:2" is written as the object
 * {"REJ":1,"SF":2}, as "conn_state" names it); tol the tolerance it was
 * judged with (a share), or -1 when compared as text. */
struct dfield {
	const char *name;
	int64_t a, b;
	const char *sa, *sb;
	double tol;
};

/* diff_json: one JSON line per change to out.  kind '-' (disappeared)
 * or '+' (appeared): one line, "field" null, the side that has it giving
 * its n fields' values as an object ("baseline" or "current"; the other
 * null).  kind '~' (changed): one line per field, with "field", its
 * "baseline" and "current" values and "tolerance".  Returns the number
 * of lines written. */
long diff_json(FILE *out, char kind, const struct dkey *k,
	       const struct dfield *f, int n);

#endif
