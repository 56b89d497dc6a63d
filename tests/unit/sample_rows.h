/*
 * sample_rows.h - report rows made by hand, one of each shape: flows (TCP
 * over IPv4 with one owner, TCP over IPv6 with both owners, a VLAN, ICMP
 * errors and fragments, ICMP without owners or handshake), port rows
 * (refused with retransmissions and a handshake time, a listener no flow
 * reached), processes (found, and the unattributed row).  Between them
 * every field of every kind is non-null in some row.  For
 * test_row_filter.c and tests/fuzz/fuzz_dfilter.c.
 */
#ifndef PORTTOP_TEST_SAMPLE_ROWS_H
#define PORTTOP_TEST_SAMPLE_ROWS_H

#include <stdio.h>
#include <string.h>

#include "../../report/rows.h"

static inline struct attr_end owner(int pid, const char *comm)
{
	struct attr_end e;

	memset(&e, 0, sizeof(e));
	e.pid = pid;
	e.uid = 1000;
	e.cgroup = 77;
	e.src = ATTR_SRC_BPF;
	snprintf(e.comm, sizeof(e.comm), "%s", comm);
	return e;
}

static inline struct attr_end nobody(int why)
{
	struct attr_end e;

	memset(&e, 0, sizeof(e));
	e.pid = -1;
	e.uid = (uint32_t)-1;
	e.why = (uint8_t)why;
	return e;
}

/* TCP 10.10.10.10:40000 -> 253.253.253.253:80, curl 4242 on the orig
 * end, the resp end remote; v6: a0a:: -> fdfd::, nginx 99 on the resp
 * end, VLAN 100, ICMP errors, fragments, both handshake halves. */
static inline struct flow_rec flow(int v6)
{
	struct flow_rec f;

	memset(&f, 0, sizeof(f));
	f.end[0] = owner(4242, "curl");
	f.end[1] = nobody(ATTR_REMOTE);
	f.v.key = (struct ft_key){ .pa = 40000, .pb = 80, .proto = 6,
				   .vlan = DEC_NO_VLAN,
				   .flags = FT_K_PORTS | (v6 ? FT_K_V6 : 0) };
	memset(f.v.key.a, 0x0a, v6 ? 2 : 4);	/* 10.10.10.10, a0a:: */
	memset(f.v.key.b, 0xfd, v6 ? 2 : 4);	/* 253.253.253.253, fdfd:: */
	f.v.orig_is_a = 1;
	f.v.first_ns = 1700000000123456789LL;
	f.v.last_ns = f.v.first_ns + 1500000000LL;
	f.v.dir[FT_ORIG].pkts = 7;
	f.v.dir[FT_ORIG].wire_bytes = 123456;
	f.v.dir[FT_ORIG].ip_bytes = 120000;
	f.v.dir[FT_ORIG].bytes = 1025;
	f.v.dir[FT_RESP].bytes = 1024;
	f.v.conn_state = FT_CS_SF;
	snprintf(f.v.history, sizeof(f.v.history), "ShADadFf");
	f.v.port_state = FT_PS_OPEN;
	f.v.rtt_syn_synack_ns = 2345678;
	f.v.rtt_synack_ack_ns = -1;
	f.v.bdir[1].retrans = 3;
	f.v.end = FT_END_FLUSH;
	if (v6) {	/* the rest, so that no key is null in every row */
		f.v.key.vlan = 100;
		f.v.icmp_errors = 2;
		f.v.icmp_type = 1;
		f.v.icmp_code = 4;
		f.v.rtt_synack_ack_ns = 5000;
		f.v.dir[FT_RESP].frag_pkts = 2;
		f.v.dir[FT_RESP].frag_wire_bytes = 3000;
		f.end[1] = owner(99, "nginx");
	}
	return f;
}

/* An ICMP echo without owners or handshake: nulls. */
static inline struct flow_rec icmp(void)
{
	struct flow_rec f = flow(0);

	f.end[0] = nobody(ATTR_NOSOCK);
	f.end[1] = nobody(ATTR_NOSOCK);
	f.v.key.proto = 1;
	f.v.key.pa = 8;
	f.v.key.pb = 0;
	f.v.conn_state = FT_CS_OTH;
	f.v.history[0] = '\0';
	f.v.port_state = FT_PS_UNKNOWN;
	f.v.rtt_syn_synack_ns = -1;
	f.v.bdir[1].retrans = 0;
	return f;
}

static inline struct port_row port(int listener)
{
	struct port_row r;

	port_row_init(&r, 6, listener ? 22 : 8082);
	if (listener) {
		r.listening = 1;
		r.role = REP_ROLE_LISTEN;
		r.owner = owner(31, "sshd");
		return r;
	}
	r.conns = r.rejected = 3;
	r.clients = r.servers = 1;
	r.first_ns = 1700000000000000000LL;
	r.last_ns = r.first_ns + 2000000000LL;
	r.owner = nobody(ATTR_REMOTE);
	r.state = FT_PS_CLOSED;
	r.evidence[FT_PS_CLOSED] = 3;
	r.tcp_pkts = 20;
	r.retrans = 2;
	r.rtt.n = 1;
	r.rtt.min_us = r.rtt.max_us = 1500;
	r.rtt.b[40] = 1;
	return r;
}

static inline struct rep_proc proc(int found)
{
	struct rep_proc p;

	memset(&p, 0, sizeof(p));
	p.who = found ? owner(4242, "curl") : nobody(ATTR_GONE);
	p.who.exited = 1;
	p.flows = 2;
	p.ports = 1;
	p.tx.wire_bytes = 2048;
	p.first_ns = 1700000000000000000LL;
	p.last_ns = p.first_ns + 1000;
	return p;
}

#endif
