/*
 * pkts.h - packet records made by hand for the flow table's tests
 * (test_conn.c, test_behav.c): no decoding, just the fields ft_packet()
 * reads.  Hosts are 10.0.0.N; done[] collects the ended flows.
 */
#ifndef PORTTOP_TEST_PKTS_H
#define PORTTOP_TEST_PKTS_H

#include "../../lib/keyhash.h"
#include "../../flowtable/ft.h"

#define S(x) ((int64_t)((x) * 1e9))

static struct ft_view done[64];
static int ndone;

static void collect(void *arg, const struct ft_view *v)
{
	(void)arg;
	assert_true(ndone < 64);
	done[ndone++] = *v;
}

static struct ft_table *table(uint32_t max_flows)
{
	struct ft_config c = { .max_flows = max_flows };

	ndone = 0;
	return ft_create(&c, collect, NULL);
}

/* Hosts: A = 10.0.0.1 (client), B = 10.0.0.2 (server) */
static void ip4(uint8_t *a, int host)
{
	memset(a, 0, 16);
	a[0] = 10;
	a[3] = (uint8_t)host;
}

static struct dec_pkt tcp(double t, int from, int to, uint16_t sp,
			  uint16_t dp, uint8_t flags, uint32_t seq,
			  uint32_t ack, uint32_t len)
{
	struct dec_pkt p;

	memset(&p, 0, sizeof(p));
	p.ts_ns = S(t);
	p.ipv = 4;
	p.proto = 6;
	ip4(p.src, from);
	ip4(p.dst, to);
	p.sport = sp;
	p.dport = dp;
	p.vlan = DEC_NO_VLAN;
	p.l4 = DEC_L4_PORTS | DEC_L4_HDR;
	p.tcp_flags = flags;
	p.seq = seq;
	p.ack = ack;
	p.win = 1000;
	p.payload_len = len;
	p.ip_len = 40 + len;
	p.l4_len = 20 + len;
	p.wire_len = p.ip_len + 14;
	return p;
}

static struct dec_pkt udp(double t, int from, int to, uint16_t sp,
			  uint16_t dp, uint32_t len)
{
	struct dec_pkt p = tcp(t, from, to, sp, dp, 0, 0, 0, 0);

	p.proto = 17;
	p.payload_len = len;
	p.ip_len = 28 + len;
	p.l4_len = 8 + len;
	p.wire_len = p.ip_len + 14;
	return p;
}

#define SYN DEC_TH_SYN
#define ACK DEC_TH_ACK
#define FIN DEC_TH_FIN
#define RST DEC_TH_RST
#define PSH DEC_TH_PSH

static void feed(struct ft_table *t, struct dec_pkt p)
{
	ft_packet(t, &p);
}

/* A three-way handshake from host 1 port sp to host 2 port dp, 0.1 s
 * apart from t0: ISNs 100 (client) and 500 (server). */
static inline void handshake(struct ft_table *t, double t0, uint16_t sp,
		      uint16_t dp)
{
	feed(t, tcp(t0, 1, 2, sp, dp, SYN, 100, 0, 0));
	feed(t, tcp(t0 + 0.1, 2, 1, dp, sp, SYN | ACK, 500, 101, 0));
	feed(t, tcp(t0 + 0.2, 1, 2, sp, dp, ACK, 101, 501, 0));
}

static void finish(struct ft_table *t)
{
	ft_flush(t);
	ft_destroy(t);
}

static int setup(void **state)
{
	static const uint8_t seed[16] = { 1, 2, 3 };

	(void)state;
	return keyhash_init(seed);
}

static inline struct dec_pkt icmp(double t, int from, int to, uint8_t type,
			   uint8_t code)
{
	struct dec_pkt p = udp(t, from, to, type, code, 56);

	p.proto = 1;
	return p;
}

#endif
