/*
 * fuzz_decode.c - libFuzzer target: frames of any link type porttop
 * decodes, through the decoder (tunnels opened, to the depth cap) and into
 * a small flow table (Zeek semantics, behaviour, ICMP attachment,
 * fragments, content gaps, tunnel parents, hidden envelopes, eviction).
 *
 * Input: one byte choosing the link type (its value modulo the number of
 * link types) and the --tunnels mode (the quotient, modulo 3: zeek, outer,
 * inner), then records of [2-byte length, 1 byte of "bytes the capture
 * cut" (wire length minus caplen, 0-255), frame bytes].  Each frame that
 * decodes is also given to the names cache as the engine gives it
 * (names/nm_feed.c: DNS answers, ClientHello, Host, QUIC Initials), and
 * each UDP payload to the QUIC frame reader as if it were an opened
 * Initial's (no random bytes pass the AEAD tag to reach it otherwise).  Every input starts
 * from empty state, so a crash reproduces from its input alone
 * (tests/fuzz/README.md).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../../decode/dec.h"
#include "../../decode/dec_names.h"
#include "../../lib/keyhash.h"
#include "../../flowtable/ft.h"
#include "../../names/nm.h"

/* pcap/dlt.h: EN10MB, LINUX_SLL, LINUX_SLL2, NULL, LOOP, RAW (12, 14,
 * 101), IPV4, IPV6; PPP, PPP_SERIAL, C_HDLC, PPP_ETHER; IEEE802_11,
 * IEEE802_11_RADIO, PRISM_HEADER, IEEE802_11_RADIO_AVS, PPI;
 * ETHERNET_MPACKET.  tests/fuzz/seeds.py has the same list. */
static const int dlts[] = { 1, 113, 276, 0, 108, 12, 14, 101, 228, 229,
			    9, 50, 104, 51, 105, 127, 119, 163, 192, 274 };
#define NDLTS (sizeof(dlts) / sizeof(dlts[0]))

/* core/engine.c's rule for the modes (0 zeek, 1 outer, 2 inner). */
static void hide(struct dec_pkt *p, unsigned n, int mode)
{
	for (unsigned i = 0; i < n; i++)
		p[i].hidden = p[i].carrier &&
			      (mode == 2 || !dec_tun_over_udp(p[i].carrier));
}

/* A UDP payload's captured bytes as QUIC frames. */
static void quic_frames(const uint8_t *frame, uint32_t caplen,
			const struct dec_pkt *p)
{
	char name[DEC_NAME_MAX];
	struct rd_span f;
	uint32_t off = p->l4_off + 8;

	if (p->proto != 17 || !p->l4_off || !(p->l4 & DEC_L4_HDR) ||
	    off >= caplen)
		return;
	f.p = frame + off;
	f.len = caplen - off;
	(void)dec_quic_frames_sni(&f, name);
}

static void done(void *arg, const struct ft_view *v)
{
	(void)arg;
	(void)v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int inited;
	struct ft_config c = { .max_flows = 16 };
	const struct dec_link *lk;
	struct ft_table *t;
	struct nm_names *nm;
	struct dec d;
	int mode;
	int64_t ts = 1000000000LL;

	if (!inited) {
		static const uint8_t seed[16] = { 1 };

		keyhash_init(seed);
		inited = 1;
	}
	if (size < 1)
		return 0;
	lk = dec_link_find(dlts[data[0] % NDLTS]);
	mode = (int)(data[0] / NDLTS % 3);
	if (!lk || dec_init(&d, 8) < 0)
		return 0;
	dec_set_tunnels(&d, mode == 1 ? 0 : DEC_MAX_TUNNELS);
	if (!(t = ft_create(&c, done, NULL))) {
		dec_free(&d);
		return 0;
	}
	nm = nm_new();		/* NULL (no memory): names are skipped */
	data++, size--;
	while (size >= 3) {
		size_t len = (size_t)data[0] << 8 | data[1];
		uint32_t cut = data[2];
		struct dec_pkt p[DEC_MAX_LAYERS];
		int ds;

		data += 3, size -= 3;
		if (len > size)
			len = size;
		ts += 1000 + (int64_t)cut * 100000000LL;  /* timers fire too */
		ds = dec_frame(&d, lk, data, (uint32_t)len,
			       (uint32_t)len + cut, ts, p);
		for (unsigned i = 0; ds == DEC_OK && i < d.layers; i++) {
			nm_packet(nm, data, (uint32_t)len, &p[i]);
			quic_frames(data, (uint32_t)len, &p[i]);
		}
		hide(p, d.layers, mode);
		ft_packets(t, p, d.layers);
		data += len, size -= len;
	}
	ft_flush(t);
	ft_destroy(t);
	nm_free(nm);
	dec_free(&d);
	return 0;
}
