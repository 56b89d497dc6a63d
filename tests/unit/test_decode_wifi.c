/*
 * test_decode_wifi.c - decode/dec_wifi.c: 802.11 data frames behind
 * radiotap, PRISM, AVS and PPI headers, or alone.
 *
 * The real frame is the shared Zeek trace radiotap.pcap#1 (tunnel_frames.h:
 * radiotap 48 bytes with TSFT and Flags (FCS at end), then a QoS data frame
 * to the DS, LLC/SNAP, IPv4, a DNS query from 172.17.156.76:61738 to
 * 208.67.220.220:53); whole and cut at every byte offset.  The other frame
 * kinds are that frame with the fields of IEEE 802.11-2020 section 9.2
 * changed: plain data, the fourth address, +HTC, the radiotap data pad,
 * A-MSDU, and the frames that carry no IP (management, control, null data,
 * protected); and the same frame behind the other radio headers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "frames.h"
#include "tunnel_frames.h"

#define RT	 48		/* radiotap length of the real frame */
#define W80211	 RT		/* the 802.11 header */
#define QOS	 (RT + 24)	/* the QoS control field */
#define LLC	 (RT + 26)	/* LLC/SNAP */
#define FRAME_LEN ((uint32_t)sizeof(f_radiotap_dns))

static void check_dns(const struct dec_pkt *p)
{
	assert_int_equal(p->proto, P_UDP);
	t_assert_addr(p->src, "172.17.156.76");
	t_assert_addr(p->dst, "208.67.220.220");
	assert_int_equal(p->sport, 61738);
	assert_int_equal(p->dport, 53);
	assert_int_equal(p->ip_len, 63);	/* the FCS is not IP */
	assert_int_equal(p->payload_len, 35);
}

static int rt(const uint8_t *b, uint32_t len, struct dec_pkt *p)
{
	return t_decode(&d, DLT_IEEE802_11_RADIO, b, len, len, TS, p);
}

/* The real frame with n bytes inserted at `at` (zeroed), into b. */
static uint32_t insert(uint8_t *b, uint32_t at, uint32_t n)
{
	memcpy(b, f_radiotap_dns, at);
	memset(b + at, 0, n);
	memcpy(b + at + n, f_radiotap_dns + at, FRAME_LEN - at);
	return FRAME_LEN + n;
}

static void real_frame(void **state)
{
	struct dec_pkt p;
	uint32_t key_end;
	int bad = 0;

	(void)state;
	assert_int_equal(rt(f_radiotap_dns, FRAME_LEN, &p), DEC_OK);
	check_dns(&p);
	assert_int_equal(p.vlan, DEC_NO_VLAN);
	assert_int_equal(p.wire_len, FRAME_LEN);
	key_end = p.l4_off + 4;
	assert_int_equal(key_end, LLC + 8 + 20 + 4);
	for (uint32_t c = 0; c <= FRAME_LEN; c++) {
		int st = t_decode(&d, DLT_IEEE802_11_RADIO, f_radiotap_dns, c,
				  FRAME_LEN, TS, &p);

		if (st != (c < key_end ? DEC_TRUNCATED : DEC_OK)) {
			print_error("caplen %u: status %d\n", c, st);
			bad++;
		}
	}
	if (bad)
		fail_msg("%d wrong results", bad);
}

static void frame_kinds(void **state)
{
	uint8_t b[512];
	struct dec_pkt p;
	uint32_t n;

	(void)state;
	/* the 802.11 frame alone (DLT_IEEE802_11) */
	assert_int_equal(t_decode(&d, DLT_IEEE802_11, f_radiotap_dns + RT,
				  FRAME_LEN - RT, FRAME_LEN - RT, TS, &p),
			 DEC_OK);
	check_dns(&p);
	/* plain data (no QoS control): the 2 QoS bytes taken out */
	memcpy(b, f_radiotap_dns, QOS);
	memcpy(b + QOS, f_radiotap_dns + QOS + 2, FRAME_LEN - QOS - 2);
	b[W80211] = 0x08;
	assert_int_equal(rt(b, FRAME_LEN - 2, &p), DEC_OK);
	check_dns(&p);
	/* to and from the DS: a fourth address before the QoS field */
	n = insert(b, QOS, 6);
	b[W80211 + 1] |= 0x03;
	assert_int_equal(rt(b, n, &p), DEC_OK);
	check_dns(&p);
	/* +HTC: QoS data with the Order bit has 4 more bytes */
	n = insert(b, LLC, 4);
	b[W80211 + 1] |= 0x80;
	assert_int_equal(rt(b, n, &p), DEC_OK);
	check_dns(&p);
	/* radiotap's data pad: the 26-byte header padded to 28 */
	n = insert(b, LLC, 2);
	b[16] |= 0x20;
	assert_int_equal(rt(b, n, &p), DEC_OK);
	check_dns(&p);
	/* an A-MSDU: the first subframe's DA, SA and length, then LLC */
	n = insert(b, LLC, 14);
	b[QOS] |= 0x80;
	assert_int_equal(rt(b, n, &p), DEC_OK);
	check_dns(&p);
	/* 802.1H bridge-tunnel LLC, then another OUI */
	{
		T_COPY(c, f_radiotap_dns);
		c[LLC + 5] = 0xf8;
		assert_int_equal(rt(c, sizeof(c), &p), DEC_OK);
		c[LLC + 5] = 0x0c;
		assert_int_equal(rt(c, sizeof(c), &p), DEC_UNSUPPORTED);
	}
}

/* Frames that carry no IP packet are not IP, whatever follows. */
static void not_ip(void **state)
{
	static const uint8_t fc0[] = {
		0x80,	/* beacon (management) */
		0x40,	/* probe request */
		0xd4,	/* ACK (control) */
		0xb4,	/* RTS */
		0x48,	/* null data */
		0xc8,	/* QoS null */
		0x0c,	/* type 3 (extension) */
	};
	struct dec_pkt p;

	(void)state;
	for (size_t i = 0; i < sizeof(fc0); i++) {
		T_COPY(b, f_radiotap_dns);

		b[W80211] = fc0[i];
		assert_int_equal(rt(b, sizeof(b), &p), DEC_UNSUPPORTED);
	}
	{	/* protected: the payload is encrypted */
		T_COPY(b, f_radiotap_dns);

		b[W80211 + 1] |= 0x40;
		assert_int_equal(rt(b, sizeof(b), &p), DEC_UNSUPPORTED);
	}
	{	/* protocol version 1 is not 802.11 as we know it */
		T_COPY(b, f_radiotap_dns);

		b[W80211] |= 0x01;
		assert_int_equal(rt(b, sizeof(b), &p), DEC_INVALID);
	}
}

static void radiotap_header(void **state)
{
	struct dec_pkt p;

	(void)state;
	{	/* version 1, a length below 8, a length past the frame */
		T_COPY(b, f_radiotap_dns);

		b[0] = 1;
		assert_int_equal(rt(b, sizeof(b), &p), DEC_INVALID);
		b[0] = 0;
		b[2] = 4;
		assert_int_equal(rt(b, sizeof(b), &p), DEC_INVALID);
		b[2] = 0xff;
		b[3] = 0xff;
		assert_int_equal(rt(b, sizeof(b), &p), DEC_TRUNCATED);
	}
	{	/* presence bitmaps chained forever: capped */
		uint8_t b[128];

		memset(b, 0xff, sizeof(b));
		b[0] = 0;
		b[2] = 120;
		b[3] = 0;
		assert_int_equal(rt(b, sizeof(b), &p), DEC_INVALID);
	}
}

/* The same 802.11 frame behind a PRISM, an AVS or a PPI header. */
static uint32_t behind(uint8_t *b, const uint8_t *hdr, uint32_t hlen)
{
	memcpy(b, hdr, hlen);
	memcpy(b + hlen, f_radiotap_dns + RT, FRAME_LEN - RT);
	return hlen + FRAME_LEN - RT;
}

static void other_radio_headers(void **state)
{
	uint8_t hdr[144], b[512];
	struct dec_pkt p;
	uint32_t n;

	(void)state;
	/* PRISM: msgcode 0x44 and msglen 144, little-endian */
	memset(hdr, 0, sizeof(hdr));
	hdr[0] = 0x44;
	hdr[4] = 144;
	n = behind(b, hdr, 144);
	assert_int_equal(t_decode(&d, DLT_PRISM_HEADER, b, n, n, TS, &p),
			 DEC_OK);
	check_dns(&p);
	/* AVS: magic 0x80211001 and length 64, big-endian; also found by
	 * its magic under DLT_PRISM_HEADER (Wireshark) */
	memset(hdr, 0, 64);
	hdr[0] = 0x80;
	hdr[1] = 0x21;
	hdr[2] = 0x10;
	hdr[3] = 0x01;
	hdr[7] = 64;
	n = behind(b, hdr, 64);
	assert_int_equal(t_decode(&d, DLT_IEEE802_11_RADIO_AVS, b, n, n, TS,
				  &p), DEC_OK);
	check_dns(&p);
	assert_int_equal(t_decode(&d, DLT_PRISM_HEADER, b, n, n, TS, &p),
			 DEC_OK);
	hdr[0] = 0x81;			/* not the magic */
	n = behind(b, hdr, 64);
	assert_int_equal(t_decode(&d, DLT_IEEE802_11_RADIO_AVS, b, n, n, TS,
				  &p), DEC_INVALID);
	/* PPI: version 0, length 8 and the DLT of what follows, LE */
	memset(hdr, 0, 8);
	hdr[2] = 8;
	hdr[4] = DLT_IEEE802_11;
	n = behind(b, hdr, 8);
	assert_int_equal(t_decode(&d, DLT_PPI, b, n, n, TS, &p), DEC_OK);
	check_dns(&p);
	hdr[4] = DLT_EN10MB;		/* an Ethernet frame */
	memcpy(b, hdr, 8);
	memcpy(b + 8, f_udp4, sizeof(f_udp4));
	n = 8 + sizeof(f_udp4);
	assert_int_equal(t_decode(&d, DLT_PPI, b, n, n, TS, &p), DEC_OK);
	assert_int_equal(p.dport, 9999);
	hdr[4] = 127;			/* not one we read */
	memcpy(b, hdr, 8);
	assert_int_equal(t_decode(&d, DLT_PPI, b, n, n, TS, &p),
			 DEC_UNSUPPORTED);
	/* cut anywhere in a header: truncated */
	for (uint32_t c = 0; c < 8; c++)
		assert_int_equal(t_decode(&d, DLT_PPI, b, c, n, TS, &p),
				 DEC_TRUNCATED);
}

int main(void)
{
	static const struct CMUnitTest t[] = {
		cmocka_unit_test(real_frame),
		cmocka_unit_test(frame_kinds),
		cmocka_unit_test(not_ip),
		cmocka_unit_test(radiotap_header),
		cmocka_unit_test(other_radio_headers),
	};

	return cmocka_run_group_tests(t, t_group_setup, t_group_teardown);
}
