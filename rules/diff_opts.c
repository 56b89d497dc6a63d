/*
 * diff_opts.c - the options of a diff (diff.h: diff_optdefs,
 * diff_option), one table and one parser for `porttop diff` and for
 * --diff beside a capture (porttop.c hands its diff options here).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "diff_int.h"

const char *const diff_tol_names[DIFF_NTOL] = {
	"orig_pkts", "resp_pkts", "orig_bytes", "resp_bytes",
	"flows", "orig_flows", "resp_flows",
};

const struct diff_optdef diff_optdefs[DIFF_NOPTS] = {
	[DIFF_OPT_IGNORE] = { "ignore", 1 },
	[DIFF_OPT_TOLERANCE] = { "tolerance", 1 },
	[DIFF_OPT_IGNORE_HOSTS] = { "ignore-hosts", 0 },
	[DIFF_OPT_MAP] = { "map", 1 },
	[DIFF_OPT_FORMAT] = { "format", 1 },
	[DIFF_OPT_UPDATE] = { "update", 0 },
};

int diff_ignore(struct diff_opts *o, const char *field)
{
	int *flag = !strcmp(field, "orig_h") ? &o->ignore_orig_h :
		    !strcmp(field, "resp_h") ? &o->ignore_resp_h :
		    !strcmp(field, "conn_state") ? &o->ignore_states :
		    !strcmp(field, "port_state") ? &o->ignore_ports :
		    !strcmp(field, "comm") ? &o->ignore_procs : NULL;

	for (int v = 0; v < DIFF_NVAL && !flag; v++)
		if (!strcmp(field, diff_tol_names[v]))
			flag = &o->ignore_val[v];
	if (!flag)
		return -1;
	*flag = 1;
	return 0;
}

/* A share: "10%" or "0.1", at most 1.  0, or -1. */
static int share(const char *s, double *t)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || !(v >= 0))
		return -1;
	if (*end == '%') {
		v /= 100;
		end++;
	}
	*t = v;
	return *end || v > 1 ? -1 : 0;
}

/* --tolerance PCT: every field but a service's flow count (a flow more
 * or less is a change in what the test did); --tolerance FIELD=PCT: that
 * field alone.  0, or -1. */
static int tolerance(struct diff_opts *o, const char *arg)
{
	const char *eq = strchr(arg, '=');
	double t;

	if (!eq) {
		if (share(arg, &t) < 0)
			return -1;
		for (int f = 0; f < DIFF_NTOL; f++)
			if (f != DIFF_TOL_FLOWS)
				o->tol[f] = t;
		return 0;
	}
	for (int f = 0; f < DIFF_NTOL; f++)
		if (strlen(diff_tol_names[f]) == (size_t)(eq - arg) &&
		    !strncmp(arg, diff_tol_names[f], (size_t)(eq - arg)))
			return share(eq + 1, &o->tol[f]);
	return -1;
}

int diff_option(struct diff_opts *o, enum diff_opt which, const char *arg,
		char *err, size_t errlen)
{
	switch (which) {
	case DIFF_OPT_IGNORE:
		if (diff_ignore(o, arg) == 0)
			return 0;
		snprintf(err, errlen, "--ignore takes orig_h, resp_h, "
			 "conn_state, port_state, comm, orig_pkts, resp_pkts, "
			 "orig_bytes or resp_bytes: %s", arg);
		return -1;
	case DIFF_OPT_TOLERANCE:
		if (tolerance(o, arg) == 0)
			return 0;
		snprintf(err, errlen, "--tolerance takes a share, 10%% or 0.1, "
			 "for all fields or as FIELD=SHARE for one of "
			 "orig_pkts, resp_pkts, orig_bytes, resp_bytes, flows, "
			 "orig_flows, resp_flows: %s", arg);
		return -1;
	case DIFF_OPT_IGNORE_HOSTS:
		o->ignore_orig_h = o->ignore_resp_h = 1;
		return 0;
	case DIFF_OPT_MAP:
		diff_map_free(o->map);
		return (o->map = diff_map_load(arg, err, errlen)) ? 0 : -1;
	case DIFF_OPT_FORMAT:
		o->json = !strcmp(arg, "json");
		if (o->json || !strcmp(arg, "text"))
			return 0;
		snprintf(err, errlen, "a diff's --format is text or json: %s",
			 arg);
		return -1;
	case DIFF_OPT_UPDATE:
		o->update = 1;
		return 0;
	default:
		snprintf(err, errlen, "no such option");
		return -1;
	}
}

void diff_opts_free(struct diff_opts *o)
{
	diff_map_free(o->map);
	o->map = NULL;
}
