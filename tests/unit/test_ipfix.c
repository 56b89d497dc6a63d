/*
 * test_ipfix.c - the IPFIX exporter's parts: records made from flows
 * (orientation, counts, ICMP, VLAN, end reasons, TCP flags from history),
 * the book of deltas (a long-lived flow's records add up to its totals,
 * each starting where the previous ended; the book empties as flows end,
 * past its first growth), messages read back by libfixbuf's own reader
 * with contrib/porttop-ipfix.xml as its only knowledge of porttop's
 * elements (biflow and uniflow, IPv4 and IPv6, within a UDP message
 * size), collector addresses, and the sender against real sockets: every
 * record to a UDP collector, losses counted when nothing listens (UDP,
 * TCP) and when a TCP collector never reads, which costs at most the
 * second ipfix_send_finish gives it.  Threaded (the sender).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <fixbuf/public.h>

#include "../../export/ipfix_coll.h"
#include "../../export/ipfix_send.h"
#include "../../lib/clock.h"

#define S(x) ((int64_t)((x) * 1e9))
#define XML "contrib/porttop-ipfix.xml"

/* A TCP flow 10.0.0.2:80 <- 10.0.0.1:40000 (orig is key end b). */
static struct ft_view tcp_view(uint64_t id)
{
	struct ft_view v;

	memset(&v, 0, sizeof(v));
	v.id = id;
	v.key.proto = 6;
	v.key.flags = FT_K_PORTS;
	v.key.a[0] = 10, v.key.a[3] = 2;
	v.key.b[0] = 10, v.key.b[3] = 1;
	v.key.pa = 80;
	v.key.pb = 40000;
	v.key.vlan = DEC_NO_VLAN;
	v.orig_is_a = 0;
	v.first_ns = S(1000.0015);
	v.last_ns = S(1002.25);
	v.dir[FT_ORIG] = (struct ft_counts){ .pkts = 6, .ip_bytes = 400,
					     .wire_bytes = 484, .bytes = 80 };
	v.dir[FT_RESP] = (struct ft_counts){ .pkts = 5, .ip_bytes = 900,
					     .wire_bytes = 970, .bytes = 600 };
	v.conn_state = FT_CS_SF;
	strcpy(v.history, "ShADadFf");
	v.port_state = FT_PS_OPEN;
	v.rtt_syn_synack_ns = 1500000;
	v.rtt_synack_ack_ns = -1;
	v.bdir[FT_ORIG].retrans = 1;
	v.end = FT_END_TIMEOUT;
	return v;
}

static void owners(struct attr_end end[2])
{
	memset(end, 0, 2 * sizeof(*end));
	end[FT_ORIG] = (struct attr_end){ .pid = 4242, .uid = 1000,
					  .cgroup = 77, .comm = "curl" };
	end[FT_RESP] = (struct attr_end){ .pid = -1, .uid = (uint32_t)-1 };
}

/* ---- records ------------------------------------------------------------ */

static void tcp_flags_from_history(void **state)
{
	uint16_t f[2];

	(void)state;
	ipfix_tcp_flags("ShADadFf", f);
	assert_int_equal(f[0], DEC_TH_SYN | DEC_TH_ACK | DEC_TH_FIN);
	assert_int_equal(f[1], DEC_TH_SYN | DEC_TH_ACK | DEC_TH_FIN);
	ipfix_tcp_flags("Sr", f);
	assert_int_equal(f[0], DEC_TH_SYN);
	assert_int_equal(f[1], DEC_TH_RST);
	ipfix_tcp_flags("^hADTTWw", f);	/* flipped; T and W add nothing */
	assert_int_equal(f[0], DEC_TH_ACK);
	assert_int_equal(f[1], DEC_TH_SYN | DEC_TH_ACK);
	ipfix_tcp_flags("", f);
	assert_int_equal(f[0] | f[1], 0);
}

static void record_of_a_flow(void **state)
{
	struct ft_view v = tcp_view(7);
	struct attr_end end[2];
	struct ipfix_book *b = ipfix_book_new();
	struct ipfix_rec r;

	(void)state;
	owners(end);
	ipfix_rec_final(&r, b, &v, end);
	assert_int_equal(r.flow_id, 7);
	assert_int_equal(r.addr[FT_ORIG][3], 1);	/* orig: key end b */
	assert_int_equal(r.addr[FT_RESP][3], 2);
	assert_int_equal(r.port[FT_ORIG], 40000);
	assert_int_equal(r.port[FT_RESP], 80);
	assert_int_equal(r.proto, 6);
	assert_int_equal(r.v6, 0);
	assert_int_equal(r.vlan, 0);
	assert_int_equal(r.pkts[FT_ORIG], 6);
	assert_int_equal(r.pkts[FT_RESP], 5);
	assert_int_equal(r.octets[FT_ORIG], 400);	/* IP bytes */
	assert_int_equal(r.octets[FT_RESP], 900);
	assert_int_equal(r.retrans[FT_ORIG], 1);
	assert_int_equal(r.start_ns, v.first_ns);
	assert_int_equal(r.end_ns, v.last_ns);
	assert_int_equal(r.end_reason, IPFIX_END_DETECTED);	/* FIN seen */
	assert_string_equal(r.conn_state, "SF");
	assert_string_equal(r.history, "ShADadFf");
	assert_int_equal(r.rtt_us[0], 1500);
	assert_int_equal(r.rtt_us[1], IPFIX_NO_RTT);
	assert_int_equal(r.own[FT_ORIG].pid, 4242);
	assert_int_equal(r.own[FT_ORIG].uid, 1000);
	assert_int_equal(r.own[FT_ORIG].cgroup, 77);
	assert_string_equal(r.own[FT_ORIG].comm, "curl");
	assert_int_equal(r.own[FT_RESP].pid, 0);	/* unknown */
	assert_int_equal(r.own[FT_RESP].uid, IPFIX_NO_UID);
	assert_string_equal(r.own[FT_RESP].comm, "");
	ipfix_book_free(b);
}

static void end_reasons_icmp_vlan(void **state)
{
	static const struct { uint8_t end; const char *hist; int want; } t[] = {
		{ FT_END_TIMEOUT, "D", IPFIX_END_IDLE },
		{ FT_END_TIMEOUT, "ShAr", IPFIX_END_DETECTED },
		{ FT_END_REUSE, "S", IPFIX_END_DETECTED },
		{ FT_END_EVICTED, "S", IPFIX_END_RESOURCES },
		{ FT_END_FLUSH, "S", IPFIX_END_FORCED },
		{ FT_END_ACTIVE, "S", IPFIX_END_FORCED },
	};
	struct ipfix_book *b = ipfix_book_new();
	struct ft_view v = tcp_view(1);
	struct ipfix_rec r;

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		v.end = t[i].end;
		strcpy(v.history, t[i].hist);
		ipfix_rec_final(&r, b, &v, NULL);
		assert_int_equal(r.end_reason, t[i].want);
	}
	/* an ICMP echo pair: type 8 from orig, its reply 0; no ports */
	v.key.proto = 1;
	v.key.pa = 0;		/* key end a (resp) sends the reply */
	v.key.pb = 8;
	v.key.vlan = 42;
	ipfix_rec_final(&r, b, &v, NULL);
	assert_int_equal(r.icmp[FT_ORIG], 8 << 8);
	assert_int_equal(r.icmp[FT_RESP], 0);
	assert_int_equal(r.port[FT_ORIG] | r.port[FT_RESP], 0);
	assert_int_equal(r.vlan, 42);
	assert_int_equal(r.tcp_flags[0] | r.tcp_flags[1], 0);
	/* a one-way ICMPv6 port unreachable: type 1, code 4 */
	v.key.proto = 58;
	v.key.flags = FT_K_PORTS | FT_K_ONEWAY | FT_K_V6;
	v.orig_is_a = 1;
	v.key.pa = 1;
	v.key.pb = 4;
	ipfix_rec_final(&r, b, &v, NULL);
	assert_int_equal(r.v6, 1);
	assert_int_equal(r.icmp[FT_ORIG], 1 << 8 | 4);
	assert_int_equal(r.icmp[FT_RESP], 0);
	assert_string_equal(ipfix_port_state_name(FT_PS_FILTERED), "filtered");
	ipfix_book_free(b);
}

/* ---- deltas ------------------------------------------------------------- */

/* The flow grows by k packets each way and one retransmission. */
static void grow(struct ft_view *v, int k, int64_t now)
{
	for (int d = 0; d < 2; d++) {
		v->dir[d].pkts += (uint64_t)k;
		v->dir[d].ip_bytes += 100u * (unsigned)k;
		v->bdir[d].retrans += 1;
	}
	v->last_ns = now;
}

static void deltas_add_up(void **state)
{
	struct ipfix_book *b = ipfix_book_new();
	struct ft_view v = tcp_view(3);
	uint64_t pk[2] = { 0, 0 }, oc[2] = { 0, 0 }, rt[2] = { 0, 0 };
	int64_t prev_end = v.first_ns, now = v.first_ns;
	struct ipfix_rec r;
	int n = 0;

	(void)state;
	v.end = FT_END_ACTIVE;
	assert_false(ipfix_book_due(b, &v, v.first_ns + S(1.9), S(2)));
	for (int i = 1; i <= 10; i++) {
		now = v.first_ns + S(i);
		grow(&v, i, now - S(0.1));
		if (!ipfix_book_due(b, &v, now, S(2)))
			continue;
		assert_int_equal(ipfix_rec_delta(&r, b, &v, NULL, now), 0);
		assert_int_equal(r.end_reason, IPFIX_END_ACTIVE);
		assert_int_equal(r.start_ns, prev_end);	/* where the last ended */
		assert_int_equal(r.end_ns, v.last_ns);
		prev_end = r.end_ns;
		for (int d = 0; d < 2; d++) {
			pk[d] += r.pkts[d];
			oc[d] += r.octets[d];
			rt[d] += r.retrans[d];
		}
		n++;
		/* nothing new: not due, whatever the time */
		assert_false(ipfix_book_due(b, &v, now + S(100), S(2)));
	}
	assert_int_equal(n, 5);		/* at 2, 4, 6, 8, 10 s */
	assert_int_equal(ipfix_book_flows(b), 1);
	grow(&v, 3, now + S(0.5));
	v.end = FT_END_TIMEOUT;
	ipfix_rec_final(&r, b, &v, NULL);
	assert_int_equal(r.start_ns, prev_end);
	for (int d = 0; d < 2; d++) {
		assert_int_equal(pk[d] + r.pkts[d], v.dir[d].pkts);
		assert_int_equal(oc[d] + r.octets[d], v.dir[d].ip_bytes);
		assert_int_equal(rt[d] + r.retrans[d], v.bdir[d].retrans);
	}
	assert_int_equal(r.pkts[0], 3);
	assert_int_equal(ipfix_book_flows(b), 0);
	ipfix_book_free(b);
}

/* Many flows in the book at once (past its first growth), their deltas
 * and ends interleaved: every flow's records add up, the book empties. */
static void book_many_flows(void **state)
{
	enum { N = 5000 };
	struct ipfix_book *b = ipfix_book_new();
	static struct ft_view v[N];
	static uint64_t sum[N];
	struct ipfix_rec r;
	unsigned seed = 1;

	(void)state;
	for (int i = 0; i < N; i++) {
		v[i] = tcp_view((uint64_t)i * 7919 + 1);	/* ids with gaps */
		v[i].first_ns = 0;
	}
	for (int round = 1; round <= 6; round++)
		for (int i = 0; i < N; i++) {
			if (rand_r(&seed) % 3 == 0)
				continue;
			grow(&v[i], 1 + rand_r(&seed) % 5, S(round));
			if (!ipfix_book_due(b, &v[i], S(round), S(1)))
				continue;
			assert_int_equal(ipfix_rec_delta(&r, b, &v[i], NULL,
							 S(round)), 0);
			sum[i] += r.pkts[0];
		}
	assert_true(ipfix_book_flows(b) > 1024);
	for (int i = N - 1; i >= 0; i -= 2)	/* half end, out of order */
		ipfix_rec_final(&r, b, &v[i], NULL), sum[i] += r.pkts[0];
	for (int i = 0; i < N; i += 2) {
		/* a flow whose last record is lost still leaves the book */
		if (i % 10 == 0) {
			ipfix_rec_final(NULL, b, &v[i], NULL);
			sum[i] = v[i].dir[0].pkts;
			continue;
		}
		ipfix_rec_final(&r, b, &v[i], NULL);
		sum[i] += r.pkts[0];
	}
	for (int i = 0; i < N; i++)
		assert_int_equal(sum[i], v[i].dir[0].pkts);
	assert_int_equal(ipfix_book_flows(b), 0);
	ipfix_book_free(b);
}

/* ---- messages, read back by libfixbuf -------------------------------------- */

struct got {
	uint64_t start, end, oct, pkt, roct, rpkt, flow_id;
	uint8_t src6[16], dst6[16];
	fbVarfield_t cs, hist, ps, comm[2];
	uint32_t src4, dst4, pid[2], uid[2], rtt, retrans, rretrans;
	uint16_t sp, dp, vlan, icmp4, icmp6, flags, rflags;
	uint8_t proto, reason, bidir, pad[5];
	/* the strings, copied: the fields point into the reader's buffer */
	char cs_s[8], hist_s[32], ps_s[16], comm_s[2][16];
};

static void copy(char *to, size_t len, const fbVarfield_t *v)
{
	size_t n = v->len < len - 1 ? v->len : len - 1;

	if (n)
		memcpy(to, v->buf, n);
	to[n] = '\0';
}

static fbInfoElementSpec_t got_spec[] = {
	{ "flowStartMilliseconds", 8, 0 }, { "flowEndMilliseconds", 8, 0 },
	{ "octetDeltaCount", 8, 0 }, { "packetDeltaCount", 8, 0 },
	{ "reverseOctetDeltaCount", 8, 0 },
	{ "reversePacketDeltaCount", 8, 0 }, { "flowId", 8, 0 },
	{ "sourceIPv6Address", 16, 0 }, { "destinationIPv6Address", 16, 0 },
	{ "porttopConnState", FB_IE_VARLEN, 0 },
	{ "porttopHistory", FB_IE_VARLEN, 0 },
	{ "porttopPortState", FB_IE_VARLEN, 0 },
	{ "porttopSourceComm", FB_IE_VARLEN, 0 },
	{ "porttopDestinationComm", FB_IE_VARLEN, 0 },
	{ "sourceIPv4Address", 4, 0 }, { "destinationIPv4Address", 4, 0 },
	{ "porttopSourcePid", 4, 0 }, { "porttopDestinationPid", 4, 0 },
	{ "porttopSourceUid", 4, 0 }, { "porttopDestinationUid", 4, 0 },
	{ "porttopRttSynSynAckMicroseconds", 4, 0 },
	{ "porttopRetransmittedSegments", 4, 0 },
	{ "reversePorttopRetransmittedSegments", 4, 0 },
	{ "sourceTransportPort", 2, 0 }, { "destinationTransportPort", 2, 0 },
	{ "vlanId", 2, 0 }, { "icmpTypeCodeIPv4", 2, 0 },
	{ "icmpTypeCodeIPv6", 2, 0 }, { "tcpControlBits", 2, 0 },
	{ "reverseTcpControlBits", 2, 0 }, { "protocolIdentifier", 1, 0 },
	{ "flowEndReason", 1, 0 }, { "biflowDirection", 1, 0 },
	{ "paddingOctets", 5, 0 },
	FB_IESPEC_NULL
};

struct sink {
	FILE *f;
	size_t msgs, max_len;
	uint32_t nrec;
};

static void to_file(void *arg, const uint8_t *msg, size_t n, uint32_t nrec)
{
	struct sink *s = arg;

	assert_int_equal(msg[0] << 8 | msg[1], 10);	/* IPFIX */
	assert_int_equal((size_t)(msg[2] << 8 | msg[3]), n);
	fwrite(msg, 1, n, s->f);
	s->msgs++;
	s->nrec += nrec;
	if (n > s->max_len)
		s->max_len = n;
}

/* Every flow record in path, by fixbuf's reader knowing porttop's
 * elements from the XML file only.  Returns how many (at most max). */
static int read_back(const char *path, struct got *out, int max)
{
	fbInfoModel_t *m = fbInfoModelAlloc();
	GError *e = NULL;
	int n = 0;

	assert_true(fbInfoModelReadXMLFile(m, XML, &e));
	fbSession_t *s = fbSessionAlloc(m);
	fbTemplate_t *t = fbTemplateAlloc(m);
	assert_true(fbTemplateAppendSpecArray(t, got_spec, 0, &e));
	assert_int_equal(fbSessionAddTemplate(s, TRUE, 999, t, &e), 999);
	fbCollector_t *c = fbCollectorAllocFile(NULL, path, &e);
	assert_non_null(c);
	fBuf_t *fb = fBufAllocForCollection(s, c);
	assert_true(fBufSetInternalTemplate(fb, 999, &e));
	for (;;) {
		struct got g;
		size_t len = sizeof(g);
		uint16_t tid = 0;

		memset(&g, 0, sizeof(g));
		if (!fBufNext(fb, (uint8_t *)&g, &len, &e))
			break;
		fBufGetCollectionTemplate(fb, &tid);
		if (tid != 256 && tid != 257)	/* RFC 5610 type records */
			continue;
		assert_true(n < max);
		copy(g.cs_s, sizeof(g.cs_s), &g.cs);
		copy(g.hist_s, sizeof(g.hist_s), &g.hist);
		copy(g.ps_s, sizeof(g.ps_s), &g.ps);
		for (int i = 0; i < 2; i++)
			copy(g.comm_s[i], sizeof(g.comm_s[i]), &g.comm[i]);
		out[n++] = g;
	}
	assert_true(g_error_matches(e, FB_ERROR_DOMAIN, FB_ERROR_EOF));
	g_clear_error(&e);
	fBufFree(fb);
	fbInfoModelFree(m);
	return n;
}

/* 30 copies of a TCP flow (IPv4) and an ICMPv6 flow through a session,
 * into path. */
static void encode_to(int uniflow, const char *path, struct sink *sk)
{
	struct ipfix_fb_opts o = { .pen = IPFIX_PEN_DEFAULT, .domain = 9,
				   .uniflow = uniflow, .msg_max = 1400 };
	struct ipfix_fbm *m = ipfix_fbm_new(o.pen);
	char err[256];
	struct ft_view v = tcp_view(11);
	struct attr_end end[2];
	struct ipfix_rec r;
	struct ipfix_book *b = ipfix_book_new();

	assert_non_null(sk->f = fopen(path, "wb"));
	struct ipfix_fb *f = ipfix_fb_new(m, &o, to_file, sk, err,
					  sizeof(err));
	assert_non_null(f);
	assert_int_equal(ipfix_fb_templates(f), 0);
	owners(end);
	ipfix_rec_final(&r, b, &v, end);
	for (int i = 0; i < 30; i++)	/* more than one message's worth */
		assert_int_equal(ipfix_fb_add(f, &r), 0);
	v.key.proto = 58;
	v.key.flags = FT_K_PORTS | FT_K_ONEWAY | FT_K_V6;
	v.orig_is_a = 1;
	v.key.pa = 1;
	v.key.pb = 4;
	v.dir[FT_RESP] = (struct ft_counts){ 0 };
	ipfix_rec_final(&r, b, &v, end);
	assert_int_equal(ipfix_fb_add(f, &r), 0);
	ipfix_fb_flush(f);
	fclose(sk->f);
	ipfix_fb_free(f);
	ipfix_fbm_free(m);
	ipfix_book_free(b);
}

/* encode_to() a temporary file, read back into g. */
static int round_trip(int uniflow, struct got *g, int max, struct sink *sk)
{
	char path[] = "/tmp/porttop-ipfix-XXXXXX";
	int fd = mkstemp(path), n;

	assert_true(fd >= 0);
	close(fd);
	encode_to(uniflow, path, sk);
	n = read_back(path, g, max);
	unlink(path);
	return n;
}

static void biflow_read_back(void **state)
{
	struct got g[64];
	struct sink sk = { 0 };

	(void)state;
	assert_int_equal(round_trip(0, g, 64, &sk), 31);
	assert_int_equal(sk.nrec, 31);
	assert_true(sk.msgs >= 3);	/* templates, types, records... */
	assert_true(sk.max_len <= 1400);
	assert_int_equal(g[0].start, 1000001);	/* ms */
	assert_int_equal(g[0].end, 1002250);
	assert_int_equal(g[0].src4, 0x0a000001);	/* orig */
	assert_int_equal(g[0].dst4, 0x0a000002);
	assert_int_equal(g[0].sp, 40000);
	assert_int_equal(g[0].dp, 80);
	assert_int_equal(g[0].proto, 6);
	assert_int_equal(g[0].pkt, 6);
	assert_int_equal(g[0].oct, 400);
	assert_int_equal(g[0].rpkt, 5);
	assert_int_equal(g[0].roct, 900);
	assert_int_equal(g[0].flags, DEC_TH_SYN | DEC_TH_ACK | DEC_TH_FIN);
	assert_int_equal(g[0].retrans, 1);
	assert_int_equal(g[0].rretrans, 0);
	assert_int_equal(g[0].reason, IPFIX_END_DETECTED);
	assert_int_equal(g[0].bidir, 1);
	assert_int_equal(g[0].flow_id, 11);
	assert_int_equal(g[0].pid[0], 4242);
	assert_int_equal(g[0].uid[0], 1000);
	assert_int_equal(g[0].pid[1], 0);
	assert_int_equal(g[0].uid[1], IPFIX_NO_UID);
	assert_int_equal(g[0].rtt, 1500);
	assert_string_equal(g[0].comm_s[0], "curl");
	assert_string_equal(g[0].comm_s[1], "");
	assert_string_equal(g[0].cs_s, "SF");
	assert_string_equal(g[0].hist_s, "ShADadFf");
	assert_string_equal(g[0].ps_s, "open");
	assert_int_equal(g[30].icmp6, 1 << 8 | 4);
	assert_int_equal(g[30].src6[3], 2);	/* key end a: 10.0.0.2 bytes */
	assert_int_equal(g[30].rpkt, 0);
}

static void uniflow_read_back(void **state)
{
	struct got g[128];
	struct sink sk = { 0 };

	(void)state;
	/* 30 flows each way, one one-way */
	assert_int_equal(round_trip(1, g, 128, &sk), 61);
	assert_int_equal(sk.nrec, 31);
	assert_true(sk.max_len <= 1400);
	/* forward: orig -> resp */
	assert_int_equal(g[0].src4, 0x0a000001);
	assert_int_equal(g[0].pkt, 6);
	assert_int_equal(g[0].rpkt, 0);	/* no reverse elements */
	assert_int_equal(g[0].bidir, 1);
	assert_int_equal(g[0].pid[0], 4242);
	/* reverse: resp -> orig, its own counts, owners seen from it */
	assert_int_equal(g[1].src4, 0x0a000002);
	assert_int_equal(g[1].sp, 80);
	assert_int_equal(g[1].dp, 40000);
	assert_int_equal(g[1].pkt, 5);
	assert_int_equal(g[1].oct, 900);
	assert_int_equal(g[1].retrans, 0);
	assert_int_equal(g[1].bidir, 2);
	assert_int_equal(g[1].pid[0], 0);
	assert_int_equal(g[1].pid[1], 4242);
	assert_string_equal(g[1].comm_s[1], "curl");
	assert_int_equal(g[60].icmp6, 1 << 8 | 4);
}

/* ---- collectors ---------------------------------------------------------- */

static void collector_addresses(void **state)
{
	static const struct { const char *dest, *name; } ok[] = {
		{ "127.0.0.1:9995", "udp 127.0.0.1:9995" },
		{ "udp://127.0.0.1", "udp 127.0.0.1:4739" },
		{ "tcp://[::1]:4740", "tcp [::1]:4740" },
		{ "::1", "udp [::1]:4739" },
		{ "[::1]", "udp [::1]:4739" },
	};
	static const char *const bad[] = { "", "tcp://", ":80", "[::1",
					   "[::1]x", "127.0.0.1:", "a:b:c]",
					   "127.0.0.1:notaport", "127.0.0.1:0",
					   "127.0.0.1:65536", "[::1]:99999" };
	struct ipfix_fb_opts o = { .pen = IPFIX_PEN_DEFAULT };
	struct ipfix_fbm *m = ipfix_fbm_new(o.pen);
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct ipfix_coll *c = ipfix_coll_new(ok[i].dest, m, &o, err,
						      sizeof(err));

		assert_non_null(c);
		assert_string_equal(ipfix_coll_name(c), ok[i].name);
		ipfix_coll_free(c);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_null(ipfix_coll_new(bad[i], m, &o, err, sizeof(err)));
		assert_non_null(strstr(err, "--ipfix"));
	}
	ipfix_fbm_free(m);
}

/* ---- the sender against real sockets ---------------------------------------- */

static int bound(int type, uint16_t *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof(a);
	int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &al), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

static struct ipfix_send *sender(const char *proto, uint16_t port)
{
	struct ipfix_send_opts so = { .ndest = 1,
		.fb = { .pen = IPFIX_PEN_DEFAULT } };
	char dest[64], err[256];
	struct ipfix_send *s;

	snprintf(dest, sizeof(dest), "%s://127.0.0.1:%u", proto, port);
	so.dest[0] = dest;
	s = ipfix_send_open(&so, err, sizeof(err));
	assert_non_null(s);
	return s;
}

/* n records into the ring (none lost to it: the sender keeps up at this
 * pace), then finish. */
static void put(struct ipfix_send *s, int n)
{
	struct ft_view v = tcp_view(1);
	struct ipfix_book *b = ipfix_book_new();

	for (int i = 0; i < n; i++) {
		struct ipfix_rec *r;

		while (!(r = ipfix_send_slot(s)))
			usleep(1000);
		v.id = (uint64_t)i + 1;
		ipfix_rec_final(r, b, &v, NULL);
		ipfix_send_commit(s);
	}
	ipfix_send_finish(s);
	ipfix_book_free(b);
}

static void udp_collector_gets_all(void **state)
{
	char path[] = "/tmp/porttop-ipfix-XXXXXX";
	static struct got g[512];
	uint16_t port;
	int fd = bound(SOCK_DGRAM, &port), big = 1 << 22, out;
	uint64_t sent, lost;
	uint8_t buf[65536];
	ssize_t k;

	(void)state;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	struct ipfix_send *s = sender("udp", port);
	put(s, 400);		/* about 70 KB: the socket holds them */
	ipfix_send_stats(s, 0, &sent, &lost);
	assert_int_equal(sent, 400);
	assert_int_equal(lost, 0);
	ipfix_send_close(s);
	out = mkstemp(path);	/* the datagrams in a row: an IPFIX file */
	assert_true(out >= 0);
	while ((k = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
		assert_int_equal(write(out, buf, (size_t)k), k);
	close(out);
	close(fd);
	assert_int_equal(read_back(path, g, 512), 400);
	for (int i = 0; i < 400; i++)
		assert_int_equal(g[i].flow_id, i + 1);	/* in order */
	unlink(path);
}

static void collector_down(void **state)
{
	const char *const proto[] = { "udp", "tcp" };
	uint64_t sent, lost;

	(void)state;
	for (int i = 0; i < 2; i++) {
		uint16_t port;
		int fd = bound(i ? SOCK_STREAM : SOCK_DGRAM, &port);

		close(fd);	/* nothing listens there now */
		struct ipfix_send *s = sender(proto[i], port);
		int64_t t0 = mono_ns();
		put(s, 3000);
		assert_true(mono_ns() - t0 < S(1.5));
		ipfix_send_stats(s, 0, &sent, &lost);
		assert_int_equal(sent + lost, 3000);
		assert_true(lost >= (i ? 3000 : 2500));
		ipfix_send_close(s);
	}
}

/* A TCP collector that accepts nothing and reads nothing: its buffers
 * fill, then records are lost; finishing costs about a second. */
static void collector_stalled(void **state)
{
	uint16_t port;
	int fd = bound(SOCK_STREAM, &port);
	uint64_t sent, lost;

	(void)state;
	assert_int_equal(listen(fd, 1), 0);
	struct ipfix_send *s = sender("tcp", port);
	int64_t t0 = mono_ns();
	put(s, 200000);		/* about 36 MB: more than any buffer */
	assert_true(mono_ns() - t0 < S(6));
	ipfix_send_stats(s, 0, &sent, &lost);
	assert_int_equal(sent + lost, 200000);
	assert_true(lost > 0);
	ipfix_send_close(s);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tcp_flags_from_history),
		cmocka_unit_test(record_of_a_flow),
		cmocka_unit_test(end_reasons_icmp_vlan),
		cmocka_unit_test(deltas_add_up),
		cmocka_unit_test(book_many_flows),
		cmocka_unit_test(biflow_read_back),
		cmocka_unit_test(uniflow_read_back),
		cmocka_unit_test(collector_addresses),
		cmocka_unit_test(udp_collector_gets_all),
		cmocka_unit_test(collector_down),
		cmocka_unit_test(collector_stalled),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
