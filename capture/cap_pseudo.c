/*
 * cap_pseudo.c - pseudo-headers of pcapng packets, as libpcap gives them
 * (see cap_pcapng.h: cap_fix_pseudo).
 *
 * libpcap rewrites a few link types' pseudo-headers, written in the byte
 * order of the host that captured, into this host's (pcap-util.c,
 * swap_pseudo_headers()), and fixes the wire length of some Linux USB
 * packets (pcap-usb-linux-common.c); so do we, to give the same bytes.
 * Fields are located by offset (pcap/usb.h, pcap/sll.h, pcap/nflog.h,
 * pflog.h), each checked against caplen before it is touched.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <pcap/dlt.h>

#include "cap_pcapng.h"

static void swap_at(uint8_t *d, uint32_t off, unsigned n)
{
	for (unsigned i = 0; i < n / 2; i++) {
		uint8_t t = d[off + i];

		d[off + i] = d[off + n - 1 - i];
		d[off + n - 1 - i] = t;
	}
}

static uint32_t host32(const uint8_t *d)
{
	uint32_t v;

	memcpy(&v, d, 4);
	return v;
}

/* DLT_PFLOG: uid, pid, rule_uid, rule_pid (offsets 44..59), each while
 * the header (its length byte) and the packet hold it. */
static void fix_pflog(uint8_t *d, uint32_t caplen, uint32_t len)
{
	for (uint32_t off = 44; off <= 56; off += 4) {
		if (caplen < off + 4 || len < off + 4 || d[0] < off + 4)
			return;
		swap_at(d, off, 4);
	}
}

/* DLT_LINUX_SLL (16-byte header, protocol at 14) and SLL2 (20, at 0):
 * a SocketCAN frame's CAN id, after the header, is in host order. */
static void fix_sll_can(uint8_t *d, uint32_t caplen, uint32_t len,
			uint32_t hdr, uint32_t proto_off)
{
	uint16_t proto;

	if (caplen < hdr || len < hdr)
		return;
	proto = (uint16_t)(d[proto_off] << 8 | d[proto_off + 1]);
	if ((proto != 0x000C && proto != 0x000D) || caplen < hdr + 4 ||
	    len < hdr + 4)
		return;
	swap_at(d, hdr, 4);
}

/* DLT_USB_LINUX (48-byte header) and _MMAPPED (64, then isochronous
 * descriptors of 16 bytes): every multi-byte field is in host order. */
static void fix_usb(uint8_t *d, uint32_t caplen, bool mmapped)
{
	static const uint8_t head[][2] = {
		{ 0, 8 }, { 12, 2 }, { 16, 8 }, { 24, 4 }, { 28, 4 }, { 32, 4 },
		{ 36, 4 }, { 40, 4 }, { 44, 4 }, { 48, 4 }, { 52, 4 }, { 56, 4 },
		{ 60, 4 }
	};
	bool iso = false;
	size_t n = mmapped ? 13 : 9;

	for (size_t i = 0; i < n; i++) {
		if (i == 7)	/* transfer_type: s.iso or a setup packet */
			iso = d[9] == 0;
		if (i >= 7 && i <= 8 && !iso)
			continue;
		if (caplen < (uint32_t)head[i][0] + head[i][1])
			return;
		swap_at(d, head[i][0], head[i][1]);
	}
	if (!mmapped || !iso)
		return;
	uint32_t ndesc = host32(d + 60);

	for (uint64_t i = 0, at = 64; i < ndesc; i++, at += 16)
		for (uint32_t k = 0; k < 12; k += 4) {	/* status, offset, len */
			if (caplen < at + k + 4)
				return;
			swap_at(d, (uint32_t)(at + k), 4);
		}
}

/* DLT_NFLOG: a 4-byte header (version 0), then TLVs whose length and type
 * are in host order; 16-bit arithmetic as libpcap's. */
static void fix_nflog(uint8_t *d, uint32_t caplen, uint32_t len)
{
	uint32_t off = 4;

	if (caplen < 4 || len < 4 || d[1] != 0)
		return;
	caplen -= 4;
	len -= 4;
	while (caplen >= 4) {
		uint16_t size;

		swap_at(d, off, 2);
		swap_at(d, off + 2, 2);
		memcpy(&size, d + off, 2);
		if (size % 4 != 0)
			size = (uint16_t)(size + 4 - size % 4);
		if (size < 4 || caplen < size || len < size)
			return;
		caplen -= size;
		len -= size;
		off += size;
	}
}

/* DLT_USB_LINUX_MMAPPED, any byte order: old kernels computed the wire
 * length of incoming isochronous completions from the URB length; libpcap
 * recomputes it from the descriptors (fix_linux_usb_mmapped_length()). */
static void fix_usb_len(const uint8_t *d, uint32_t caplen, uint32_t *len)
{
	uint32_t ndesc, end = 0, left, total;

	if (caplen < 64)
		return;
	ndesc = host32(d + 60);
	if (d[15] != 0 || d[9] != 0 || d[8] != 'C' || !(d[10] & 0x80) ||
	    *len != 64 + (uint64_t)ndesc * 16 + host32(d + 32))
		return;
	left = caplen - 64;
	for (uint32_t i = 0; i < ndesc && left >= 16; i++, left -= 16) {
		const uint8_t *q = d + 64 + 16 * (size_t)i;

		if (host32(q + 8) != 0 && host32(q + 4) + host32(q + 8) > end)
			end = host32(q + 4) + host32(q + 8);
	}
	total = (uint32_t)(64 + (uint64_t)ndesc * 16 + end);
	if (total >= caplen)
		*len = total;
	if (caplen > *len)
		*len = caplen;
}

void cap_fix_pseudo(int dlt, bool swapped, uint8_t *d, uint32_t caplen,
		       uint32_t *len)
{
	if (swapped && dlt == DLT_PFLOG)
		fix_pflog(d, caplen, *len);
	else if (swapped && dlt == DLT_LINUX_SLL)
		fix_sll_can(d, caplen, *len, 16, 14);
	else if (swapped && dlt == DLT_LINUX_SLL2)
		fix_sll_can(d, caplen, *len, 20, 0);
	else if (swapped && (dlt == DLT_USB_LINUX ||
			     dlt == DLT_USB_LINUX_MMAPPED))
		fix_usb(d, caplen, dlt == DLT_USB_LINUX_MMAPPED);
	else if (swapped && dlt == DLT_NFLOG)
		fix_nflog(d, caplen, *len);
	if (dlt == DLT_USB_LINUX_MMAPPED)
		fix_usb_len(d, caplen, len);
}

