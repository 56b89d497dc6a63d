/*
 * names.c - see names.h.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <time.h>

#include "names.h"

/* An IPv4 address in dotted decimal, as inet_ntop writes it (at most 16
 * bytes with the NUL), without the sprintf glibc's inet_ntop makes per
 * address: two per row of a flows report. */
static void ip4_text(const uint8_t *a, char *s)
{
	for (int i = 0; i < 4; i++) {
		unsigned v = a[i];

		if (v >= 100)
			*s++ = (char)('0' + v / 100);
		if (v >= 10)
			*s++ = (char)('0' + v / 10 % 10);
		*s++ = (char)('0' + v % 10);
		*s++ = i < 3 ? '.' : '\0';
	}
}

void rep_ends(const struct ft_view *v, struct rep_ends *e)
{
	const struct ft_key *k = &v->key;
	const uint8_t *oh = v->orig_is_a ? k->a : k->b;
	const uint8_t *rh = v->orig_is_a ? k->b : k->a;

	if (k->flags & FT_K_V6) {
		inet_ntop(AF_INET6, oh, e->orig_h, sizeof(e->orig_h));
		inet_ntop(AF_INET6, rh, e->resp_h, sizeof(e->resp_h));
	} else {
		ip4_text(oh, e->orig_h);
		ip4_text(rh, e->resp_h);
	}
	if (k->flags & FT_K_PORTS) {
		e->orig_p = v->orig_is_a ? k->pa : k->pb;
		e->resp_p = v->orig_is_a ? k->pb : k->pa;
	} else {
		e->orig_p = e->resp_p = -1;
	}
}

/* IANA's keywords ("Assigned Internet Protocol Numbers"), lower case;
 * porttop's own "icmp6" for 58 (IANA: IPv6-ICMP), as tcpdump writes it. */
static const char *const proto_names[256] = {
	[0] = "hopopt", [1] = "icmp", [2] = "igmp", [4] = "ipv4", [6] = "tcp",
	[8] = "egp", [9] = "igp", [17] = "udp", [27] = "rdp", [33] = "dccp",
	[41] = "ipv6", [46] = "rsvp", [47] = "gre", [50] = "esp", [51] = "ah",
	[58] = "icmp6", [88] = "eigrp", [89] = "ospf", [94] = "ipip",
	[97] = "etherip", [103] = "pim", [108] = "ipcomp", [112] = "vrrp",
	[115] = "l2tp", [124] = "isis", [132] = "sctp", [136] = "udplite",
	[137] = "mpls", [143] = "ethernet",
};

const char *rep_proto_name(uint8_t proto)
{
	return proto_names[proto];
}

int rep_port_index(uint8_t proto)
{
	return proto == 6 ? PI_TCP : proto == 17 ? PI_UDP :
	       proto == 132 ? PI_SCTP : -1;
}

const char *rep_endpoint(char *buf, size_t len, const char *host, int port,
			 int v6)
{
	if (port < 0)
		snprintf(buf, len, "%s", host);
	else
		snprintf(buf, len, v6 ? "[%s]:%d" : "%s:%d", host, port);
	return buf;
}

const char *rep_owner(const struct attr_end end[2], char *buf, size_t len)
{
	const struct attr_end *w = end[0].pid >= 0 ? &end[0] : &end[1];

	if (w->pid < 0)
		return "-";
	snprintf(buf, len, "%.15s:%d", w->comm, w->pid);
	return buf;
}

const char *rep_human(uint64_t v, char *buf, size_t len)
{
	static const char unit[] = "KMGTPE";
	double d = (double)v;
	int u = -1;

	if (v < 1024) {
		snprintf(buf, len, "%" PRIu64, v);
		return buf;
	}
	while (d >= 1024 && u < 5) {
		d /= 1024;
		u++;
	}
	snprintf(buf, len, d < 10 ? "%.1f%c" : "%.0f%c", d, unit[u]);
	return buf;
}

void rep_utc_time(int64_t us, char *buf, size_t len)
{
	time_t s = (time_t)(us / 1000000);
	struct tm tm;

	gmtime_r(&s, &tm);
	size_t n = strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
	snprintf(buf + n, len - n, ".%06" PRId64, us % 1000000);
}
