/*
 * test_cap_snap.c - the spliced socket filter of capture/cap_snap.c: its
 * shape (the user's program in place, its accepts made forward jumps to
 * the Initial test, every jump inside, as bpf_validate and our check
 * see it), what it returns on built packets (IPv4 and IPv6, an Initial,
 * a short header, RTP, a small long header, TCP; with and without a
 * user's filter), its limits (BPF_MAXINSNS, "ret a"), and on every packet
 * of the two shared QUIC captures: the big length exactly for the UDP
 * datagrams of 1,200 bytes or more whose first byte says long header,
 * fixed bit, Initial type (RFC 9000 17.2, 14.1), judged here by reading
 * the headers, not by BPF.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../capture/cap_snap.h"

#define SMALL 256
#define BIG 1536

/* Compiles expr for dlt as a device of that link type would (snapshot
 * 262144: the accept value the splice replaces). */
static void comp(int dlt, const char *expr, struct bpf_program *p)
{
	pcap_t *d = pcap_open_dead(dlt, 262144);

	assert_non_null(d);
	if (pcap_compile(d, p, expr, 1, PCAP_NETMASK_UNKNOWN) != 0)
		fail_msg("%s: %s", expr, pcap_geterr(d));
	pcap_close(d);
}

static void splice(int dlt, const char *user, struct bpf_program *out)
{
	struct bpf_program u, q;

	comp(dlt, user, &u);
	comp(dlt, CAP_SNAP_INITIAL_EXPR, &q);
	assert_int_equal(cap_snap_splice(&u, &q, SMALL, BIG, out), 0);
	pcap_freecode(&u);
	pcap_freecode(&q);
}

/* An Ethernet frame: IPv4 (v6 0) or IPv6, UDP to port 443 (or TCP),
 * payload bytes of which the first is first. */
static size_t frame(uint8_t *b, int v6, int tcp, size_t payload, uint8_t first)
{
	size_t ip = v6 ? 40 : 20, l4 = tcp ? 20 : 8, n = 14 + ip + l4 + payload;
	uint8_t *h = b + 14, *t = h + ip;

	memset(b, 0, n);
	b[12] = v6 ? 0x86 : 0x08, b[13] = v6 ? 0xdd : 0x00;
	if (v6) {
		h[0] = 0x60, h[4] = (uint8_t)((l4 + payload) >> 8);
		h[5] = (uint8_t)(l4 + payload), h[6] = tcp ? 6 : 17, h[7] = 64;
		h[23] = 1, h[39] = 2;
	} else {
		h[0] = 0x45, h[2] = (uint8_t)((ip + l4 + payload) >> 8);
		h[3] = (uint8_t)(ip + l4 + payload), h[8] = 64;
		h[9] = tcp ? 6 : 17, h[12] = 10, h[15] = 1, h[16] = 10, h[19] = 2;
	}
	t[0] = 0xc3, t[1] = 0x50, t[2] = 0x01, t[3] = 0xbb;	/* 50000 > 443 */
	if (tcp) {
		t[12] = 0x50, t[13] = 0x18;
	} else {
		t[4] = (uint8_t)((l4 + payload) >> 8);
		t[5] = (uint8_t)(l4 + payload);
	}
	if (payload)
		t[l4] = first;
	return n;
}

static u_int run(const struct bpf_program *p, const uint8_t *b, size_t n)
{
	return bpf_filter(p->bf_insns, b, (u_int)n, (u_int)n);
}

static void test_shape(void **state)
{
	struct bpf_program u, q, s;
	(void)state;

	comp(DLT_EN10MB, "host 10.0.0.1 or port 53", &u);
	comp(DLT_EN10MB, CAP_SNAP_INITIAL_EXPR, &q);
	assert_int_equal(cap_snap_splice(&u, &q, SMALL, BIG, &s), 0);
	assert_int_equal(s.bf_len, u.bf_len + q.bf_len);
	assert_true(cap_snap_valid(&s));
	assert_int_equal(bpf_validate(s.bf_insns, (int)s.bf_len), 1);
	for (u_int i = 0; i < u.bf_len; i++) {
		const struct bpf_insn *a = &u.bf_insns[i], *b = &s.bf_insns[i];

		if (BPF_CLASS(a->code) != BPF_RET) {
			assert_memory_equal(a, b, sizeof(*a));
		} else if (a->k == 0) {
			assert_int_equal(b->code, BPF_RET | BPF_K);
			assert_int_equal(b->k, 0);
		} else {	/* accept: to the Initial test */
			assert_int_equal(b->code, BPF_JMP | BPF_JA);
			assert_int_equal(i + 1 + b->k, u.bf_len);
		}
	}
	for (u_int i = 0; i < q.bf_len; i++) {
		const struct bpf_insn *a = &q.bf_insns[i];
		const struct bpf_insn *b = &s.bf_insns[u.bf_len + i];

		assert_int_equal(a->code, b->code);
		if (BPF_CLASS(a->code) == BPF_RET)
			assert_int_equal(b->k, a->k ? BIG : SMALL);
		else
			assert_memory_equal(a, b, sizeof(*a));
	}
	pcap_freecode(&u);
	pcap_freecode(&q);
	pcap_freecode(&s);
}

static void test_lengths(void **state)
{
	static uint8_t b[2048];
	struct bpf_program all, tcp;
	(void)state;

	splice(DLT_EN10MB, "", &all);
	splice(DLT_EN10MB, "tcp", &tcp);
	for (int v6 = 0; v6 < 2; v6++) {
		/* Initial (v1 0xc3, v2 0xd3), 1,200 bytes and more */
		assert_int_equal(run(&all, b, frame(b, v6, 0, 1200, 0xc3)), BIG);
		assert_int_equal(run(&all, b, frame(b, v6, 0, 1357, 0xd3)), BIG);
		assert_int_equal(run(&tcp, b, frame(b, v6, 0, 1357, 0xc3)), 0);
		/* a long header too small to carry a client's Initial */
		assert_int_equal(run(&all, b, frame(b, v6, 0, 1199, 0xc3)), SMALL);
		/* Handshake (0xe0), short header, RTP version 2 */
		assert_int_equal(run(&all, b, frame(b, v6, 0, 1300, 0xe3)), SMALL);
		assert_int_equal(run(&all, b, frame(b, v6, 0, 1300, 0x43)), SMALL);
		assert_int_equal(run(&all, b, frame(b, v6, 0, 1300, 0x80)), SMALL);
		/* TCP whose payload looks like an Initial */
		assert_int_equal(run(&all, b, frame(b, v6, 1, 1300, 0xc3)), SMALL);
		assert_int_equal(run(&tcp, b, frame(b, v6, 1, 1300, 0xc3)), SMALL);
	}
	pcap_freecode(&all);
	pcap_freecode(&tcp);
}

static void test_user_alone(void **state)
{
	static uint8_t b[2048];
	struct bpf_program u, s;
	(void)state;

	comp(DLT_EN10MB, "udp", &u);
	assert_int_equal(cap_snap_splice(&u, NULL, SMALL, BIG, &s), 0);
	assert_int_equal(s.bf_len, u.bf_len);
	assert_int_equal(run(&s, b, frame(b, 0, 0, 1300, 0xc3)), SMALL);
	assert_int_equal(run(&s, b, frame(b, 0, 1, 1300, 0xc3)), 0);
	pcap_freecode(&u);
	pcap_freecode(&s);
}

/* A program of n instructions: n - 1 loads and "ret #k". */
static struct bpf_program prog_of(u_int n, u_short ret)
{
	struct bpf_program p = { n, calloc(n, sizeof(struct bpf_insn)) };

	assert_non_null(p.bf_insns);
	for (u_int i = 0; i + 1 < n; i++)
		p.bf_insns[i] = (struct bpf_insn)BPF_STMT(BPF_LD | BPF_IMM, i);
	p.bf_insns[n - 1] = (struct bpf_insn)BPF_STMT(BPF_RET | ret, 65535);
	return p;
}

static void test_limits(void **state)
{
	struct bpf_program q, u, s, a;
	(void)state;

	comp(DLT_EN10MB, CAP_SNAP_INITIAL_EXPR, &q);
	u = prog_of(CAP_SNAP_MAXINSNS - q.bf_len, BPF_K);
	assert_int_equal(cap_snap_splice(&u, &q, SMALL, BIG, &s), 0);
	assert_int_equal(s.bf_len, CAP_SNAP_MAXINSNS);
	assert_int_equal(bpf_validate(s.bf_insns, (int)s.bf_len), 1);
	pcap_freecode(&s);
	free(u.bf_insns);
	u = prog_of(CAP_SNAP_MAXINSNS - q.bf_len + 1, BPF_K);
	s.bf_insns = NULL;
	assert_int_equal(cap_snap_splice(&u, &q, SMALL, BIG, &s), -1);
	assert_null(s.bf_insns);
	/* the fallback: the user's alone */
	assert_int_equal(cap_snap_splice(&u, NULL, SMALL, BIG, &s), 0);
	pcap_freecode(&s);
	free(u.bf_insns);
	a = prog_of(3, BPF_A);	/* "ret a": what its value is nobody knows */
	assert_int_equal(cap_snap_splice(&a, &q, SMALL, BIG, &s), -1);
	assert_int_equal(cap_snap_splice(&a, NULL, SMALL, BIG, &s), -1);
	free(a.bf_insns);
	pcap_freecode(&q);
}

static void test_valid(void **state)
{
	struct bpf_program p = prog_of(4, BPF_K);
	(void)state;

	assert_true(cap_snap_valid(&p));
	p.bf_insns[0] = (struct bpf_insn)BPF_JUMP(BPF_JMP | BPF_JA, 2, 0, 0);
	assert_true(cap_snap_valid(&p));	/* to the ret */
	p.bf_insns[0].k = 3;			/* past it */
	assert_false(cap_snap_valid(&p));
	p.bf_insns[0] = (struct bpf_insn)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
						  1, 0, 2);
	assert_true(cap_snap_valid(&p));
	p.bf_insns[1] = (struct bpf_insn)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
						  1, 2, 0);
	assert_false(cap_snap_valid(&p));
	p.bf_insns[1] = (struct bpf_insn)BPF_STMT(BPF_LD | BPF_IMM, 0);
	p.bf_insns[3] = (struct bpf_insn)BPF_STMT(BPF_LD | BPF_IMM, 0);
	assert_false(cap_snap_valid(&p));	/* falls off the end */
	p.bf_len = 0;
	assert_false(cap_snap_valid(&p));
	free(p.bf_insns);
}

/* What the filter should keep whole, read from the headers: UDP, payload
 * of 1,200 bytes or more, first byte 11x0xxxx.  off: the link header. */
static bool initial(const uint8_t *d, uint32_t caplen, size_t off)
{
	const uint8_t *ip = d + off;
	size_t l4;

	if (caplen < off + 48)
		return false;
	if ((ip[0] >> 4) == 4 && ip[9] == 17 && !(ip[6] & 0x1f) && !ip[7])
		l4 = off + (size_t)(ip[0] & 15) * 4;
	else if ((ip[0] >> 4) == 6 && ip[6] == 17)
		l4 = off + 40;
	else
		return false;
	return caplen > l4 + 8 &&
	       ((size_t)d[l4 + 4] << 8 | d[l4 + 5]) >= 1208 &&
	       (d[l4 + 8] & 0xe0) == 0xc0;
}

static void shared(const char *name, size_t off, unsigned want_big)
{
	char path[256], err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	struct bpf_program s;
	unsigned big = 0, n = 0;
	pcap_t *p;

	snprintf(path, sizeof(path), "%s/pcaps/%s",
		 getenv("SHARED") ? getenv("SHARED") : "../shared", name);
	if (!(p = pcap_open_offline(path, err))) {
		printf("# SKIP %s: %s (no shared corpus)\n", name, err);
		skip();
	}
	/* on the file's handle: DLT_NULL's family is in its writer's byte
	 * order, which only that handle knows */
	if (pcap_compile(p, &s, CAP_SNAP_INITIAL_EXPR, 1,
			 PCAP_NETMASK_UNKNOWN) != 0)
		fail_msg("%s", pcap_geterr(p));
	{
		struct bpf_program u = prog_of(1, BPF_K), q = s;

		assert_int_equal(cap_snap_splice(&u, &q, SMALL, BIG, &s), 0);
		free(u.bf_insns);
		pcap_freecode(&q);
	}
	while (pcap_next_ex(p, &h, &d) == 1) {
		u_int r = bpf_filter(s.bf_insns, d, h->len, h->caplen);

		n++;
		assert_int_equal(r, initial(d, h->caplen, off) ? BIG : SMALL);
		big += r == BIG;
	}
	printf("# %s: %u of %u packets kept whole\n", name, big, n);
	assert_int_equal(big, want_big);
	pcap_freecode(&s);
	pcap_close(p);
}

/* Counts from tshark -Y 'udp.length >= 1208 && quic.long.packet_type ==
 * 0': frames 1 and 5 of tcpdump-quic_handshake (a client's two Initials,
 * 1,252 bytes), frames 1 and 2 of zeek-quic-quic_win11_firefox_google
 * (the client's Initial and the server's, padded as large; its other six
 * long headers of that size are Handshake packets). */
static void test_shared(void **state)
{
	(void)state;
	shared("tcpdump-quic_handshake.pcap", 4, 2);
	shared("zeek-quic-quic_win11_firefox_google.pcap", 14, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shape),
		cmocka_unit_test(test_lengths),
		cmocka_unit_test(test_user_alone),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_shared),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
