/*
 * names.h - how porttop writes what a flow is made of, the same in every
 * report, the events and the views: protocols, addresses and ports,
 * endpoints, owners, sizes and times.
 */
#ifndef PORTTOP_NAMES_H
#define PORTTOP_NAMES_H

#include <stddef.h>
#include <stdint.h>

#include "../attrib/attr.h"
#include "../flowtable/ft.h"

/* Endpoint strings of a flow: address text (inet_ntop: dotted IPv4,
 * RFC 5952 IPv6) and port of each side. */
struct rep_ends {
	char orig_h[46], resp_h[46];
	int orig_p, resp_p;	/* -1 when the protocol has no ports */
};
void rep_ends(const struct ft_view *v, struct rep_ends *e);

/* rep_proto_name: an IP protocol by IANA's keyword in lower case ("tcp",
 * "udp", "icmp", "gre", "esp", "ospf", ...; "icmp6" for 58), or NULL for a
 * protocol IANA names not (or porttop does not know): reported by number.
 * Every report, event and view names protocols this way. */
const char *rep_proto_name(uint8_t proto);

/* The protocols with ports rows, and rep_port_index: PI_TCP, PI_UDP,
 * PI_SCTP for IP protocols 6, 17, 132, else -1. */
enum { PI_TCP, PI_UDP, PI_SCTP, PI_NUM };
int rep_port_index(uint8_t proto);

/* rep_endpoint: "10.0.0.1:80", "[fd00::1]:80" (RFC 5952 section 6), or
 * the bare address when port < 0; into buf, which it returns. */
const char *rep_endpoint(char *buf, size_t len, const char *host, int port,
			 int v6);

/* rep_owner: a flow's local process, "comm:pid": the owner of the orig
 * end (end[0]), else of the resp end; "-" when neither is known.  Every
 * report and view writes an owner this way.  Returns buf. */
const char *rep_owner(const struct attr_end end[2], char *buf, size_t len);

/* rep_human: 1023, 1.0K, 12.3M (powers of 1024, like ls -h) into buf.
 * rep_utc_time: "2024-01-02 03:04:05.123456" for epoch microseconds. */
const char *rep_human(uint64_t v, char *buf, size_t len);
void rep_utc_time(int64_t us, char *buf, size_t len);

#endif
