/*
 * fmt_names.c - names the view shows for numbers (see fmt.h): IP
 * protocols by IANA's keywords (rep_proto_name, report/names.c),
 * ICMP and ICMPv6 types and codes by IANA's names ("ICMP Type Numbers",
 * "ICMPv6 Parameters"), and a flow's endpoints as table cells.
 */
#include <stdio.h>
#include <string.h>

#include "fmt.h"

struct num_name {
	int n;
	const char *name, *brief;
};

static const struct num_name icmp4[] = {
	{ 0, "echo reply", "echo-reply" }, { 3, "dest unreachable", "unreach" },
	{ 4, "source quench", "quench" }, { 5, "redirect", "redirect" },
	{ 8, "echo request", "echo-req" },
	{ 9, "router advertisement", "router-adv" },
	{ 10, "router solicitation", "router-sol" },
	{ 11, "time exceeded", "time-exceeded" },
	{ 12, "parameter problem", "param-problem" },
	{ 13, "timestamp", "tstamp" }, { 14, "timestamp reply", "tstamp-reply" },
	{ 15, "information request", "info-req" },
	{ 16, "information reply", "info-reply" },
	{ 17, "address mask request", "mask-req" },
	{ 18, "address mask reply", "mask-reply" },
	{ 30, "traceroute", "traceroute" },
	{ 42, "extended echo request", "xecho-req" },
	{ 43, "extended echo reply", "xecho-reply" },
};

static const struct num_name unreach4[] = {
	{ 0, "net unreachable", "net" }, { 1, "host unreachable", "host" },
	{ 2, "protocol unreachable", "proto" },
	{ 3, "port unreachable", "port" },
	{ 4, "fragmentation needed", "frag" },
	{ 5, "source route failed", "srcroute" },
	{ 6, "dest network unknown", "net-unknown" },
	{ 7, "dest host unknown", "host-unknown" },
	{ 8, "source host isolated", "isolated" },
	{ 9, "net prohibited", "net-prohib" },
	{ 10, "host prohibited", "host-prohib" },
	{ 11, "net unreachable for TOS", "net-tos" },
	{ 12, "host unreachable for TOS", "host-tos" },
	{ 13, "communication prohibited", "prohib" },
	{ 14, "host precedence violation", "precedence" },
	{ 15, "precedence cutoff", "cutoff" },
};

static const struct num_name icmp6[] = {
	{ 1, "dest unreachable", "unreach" },
	{ 2, "packet too big", "too-big" },
	{ 3, "time exceeded", "time-exceeded" },
	{ 4, "parameter problem", "param-problem" },
	{ 128, "echo request", "echo-req" }, { 129, "echo reply", "echo-reply" },
	{ 130, "multicast listener query", "mld-query" },
	{ 131, "multicast listener report", "mld-report" },
	{ 132, "multicast listener done", "mld-done" },
	{ 133, "router solicitation", "router-sol" },
	{ 134, "router advertisement", "router-adv" },
	{ 135, "neighbor solicitation", "nbr-sol" },
	{ 136, "neighbor advertisement", "nbr-adv" },
	{ 137, "redirect", "redirect" },
	{ 143, "multicast listener report v2", "mld2-report" },
};

static const struct num_name unreach6[] = {
	{ 0, "no route to destination", "noroute" },
	{ 1, "communication prohibited", "prohib" },
	{ 2, "beyond scope of source address", "scope" },
	{ 3, "address unreachable", "addr" }, { 4, "port unreachable", "port" },
	{ 5, "source address failed policy", "policy" },
	{ 6, "reject route to destination", "reject" },
};

static const struct num_name *find(const struct num_name *t, size_t n, int x)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].n == x)
			return &t[i];
	return NULL;
}

#define FIND(t, x) find(t, sizeof(t) / sizeof(t[0]), x)

const char *fmt_proto(uint8_t proto, char *buf, size_t len)
{
	const char *p = rep_proto_name(proto);

	if (p)
		snprintf(buf, len, "%s", p);
	else
		snprintf(buf, len, "%u", proto);
	return buf;
}

const char *fmt_icmp(uint8_t proto, int type, int code, int brief,
		     char *buf, size_t len)
{
	int v6 = proto == 58;
	const struct num_name *t = v6 ? FIND(icmp6, type) : FIND(icmp4, type);
	const struct num_name *c = NULL;

	if ((v6 && type == 1) || (!v6 && type == 3))
		c = v6 ? FIND(unreach6, code) : FIND(unreach4, code);
	if (!t)
		snprintf(buf, len, "type %d code %d", type, code);
	else if (c)
		snprintf(buf, len, "%s/%s", brief ? t->brief : t->name,
			 brief ? c->brief : c->name);
	else
		snprintf(buf, len, "%s", brief ? t->brief : t->name);
	return buf;
}

void fmt_endpoint(const struct model_flow *f, int d, char *buf, size_t len)
{
	uint8_t proto = f->v.key.proto;
	int v6 = f->v.key.flags & FT_K_V6, icmp = proto == 1 || proto == 58;
	const char *h = d ? f->e.resp_h : f->e.orig_h;
	int p = d ? f->e.resp_p : f->e.orig_p;
	char name[48];

	if (!icmp || f->e.orig_p < 0) {
		rep_endpoint(buf, len, h, p, v6);
		return;
	}
	/* Zeek's orig_p is the type, resp_p the code (or the type of the
	 * answer, for echoes): the message by name, once, on the resp end */
	if (d)
		snprintf(buf, len, "%s %s", h, fmt_icmp(proto, f->e.orig_p,
			 f->e.resp_p, 1, name, sizeof(name)));
	else
		snprintf(buf, len, "%s", h);
}
