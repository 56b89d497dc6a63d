/*
 * dec_wifi.c - IEEE 802.11 data frames and the radio headers monitor-mode
 * captures put before them.
 *
 * Link types (tcpdump.org/linktypes): DLT_IEEE802_11 (105), the frame
 * alone; DLT_IEEE802_11_RADIO (127), a radiotap header first (radiotap.org:
 * version 0, a pad byte, its length little-endian, presence bitmaps that
 * chain through bit 31); DLT_PRISM_HEADER (119), a PRISM monitor header
 * (little-endian msgcode and msglen; Wireshark's packet-prism.c also finds
 * an AVS header there by its magic); DLT_IEEE802_11_RADIO_AVS (163), the
 * AVS header (big-endian magic 0x8021100x and length); DLT_PPI (192), the
 * Per-Packet Information header (little-endian length, then the DLT of
 * what follows: 105 or Ethernet).
 *
 * The frame (IEEE 802.11-2020 section 9.2): frame control, duration, three
 * addresses, sequence control (24 bytes), a fourth address when both To DS
 * and From DS are set, the QoS control field in QoS data subtypes (bit 7
 * of its first byte: an A-MSDU), the HT control field when QoS data has
 * the Order bit (+HTC), then LLC/SNAP (aa aa 03, OUI 0 or 00-00-f8) and
 * an EtherType.  Radiotap's Flags field may say the header is padded to 4
 * bytes ("data pad").  Management (type 0) and control (type 1) frames
 * carry no IP: counted as not IP, as are data frames without data (the
 * null subtypes) and protected frames (their payload is encrypted).  An
 * A-MSDU gives the packet of its first subframe (DA, SA, length, then
 * LLC/SNAP): one frame is one packet to the flow table.  Zeek's ieee802_11/
 * skips A-MSDUs and does not look for +HTC; ieee802_11_radio/ skips the
 * radiotap length.  Wireshark's packet-ieee80211.c decodes every subframe.
 */
#include <pcap/dlt.h>

#include "dec_int.h"

#define FC_TODS	     0x01
#define FC_FROMDS    0x02
#define FC_PROTECTED 0x40
#define FC_ORDER     0x80
#define RT_FLAG_DATAPAD 0x20	/* radiotap Flags: padding after the header */
#define MAX_RT_WORDS 8		/* presence bitmaps followed at most */

/* LLC/SNAP at off: its EtherType, *next after it. */
static int llc_snap(const struct rd_span *s, uint32_t off, uint32_t *next,
		    uint16_t *type)
{
	uint8_t b[6];

	if (!rd_bytes(s, off, b, 6) || !rd_be16(s, off + 6, type))
		return DEC_TRUNCATED;
	if (b[0] != 0xaa || b[1] != 0xaa || b[2] != 0x03 || b[3] || b[4] ||
	    (b[5] && b[5] != 0xf8))
		return DEC_UNSUPPORTED;
	*next = off + 8;
	return DEC_OK;
}

/* The 802.11 frame at off (datapad: its header padded to 4 bytes). */
static int frame_80211(const struct rd_span *s, uint32_t off, int datapad,
		       uint32_t *next, uint16_t *type)
{
	uint8_t fc0, fc1, qos = 0;
	uint32_t hdr = 24;

	if (!rd_u8(s, off, &fc0) || !rd_u8(s, off + 1, &fc1))
		return DEC_TRUNCATED;
	if (fc0 & 0x03)
		return DEC_INVALID;		/* protocol version 0 only */
	if (((fc0 >> 2) & 3) != 2 || (fc0 & 0x40) || (fc1 & FC_PROTECTED))
		return DEC_UNSUPPORTED;		/* not a data frame with data
						   we can read */
	if ((fc1 & (FC_TODS | FC_FROMDS)) == (FC_TODS | FC_FROMDS))
		hdr += 6;
	if (fc0 & 0x80) {			/* QoS data */
		if (!rd_u8(s, off + hdr, &qos))
			return DEC_TRUNCATED;
		hdr += 2;
		if (fc1 & FC_ORDER)
			hdr += 4;		/* HT control */
	}
	if (datapad)
		hdr = (hdr + 3) & ~3u;
	if (qos & 0x80)				/* A-MSDU: first subframe */
		hdr += 14;
	if (!rd_has(s, off, hdr))
		return DEC_TRUNCATED;
	return llc_snap(s, off + hdr, next, type);
}

/* Radiotap: its length, and whether its Flags field says "data pad". */
static int radiotap(const struct rd_span *s, uint32_t *len, int *datapad)
{
	uint8_t ver, flags;
	uint16_t it_len;
	uint32_t present, word, off = 4;
	int n = 0;

	if (!rd_u8(s, 0, &ver) || !rd_le16(s, 2, &it_len) ||
	    !rd_le32(s, 4, &present))
		return DEC_TRUNCATED;
	if (ver != 0 || it_len < 8)
		return DEC_INVALID;
	word = present;
	while (word & 0x80000000u) {		/* more bitmaps follow */
		if (++n == MAX_RT_WORDS)
			return DEC_INVALID;
		off += 4;
		if (!rd_le32(s, off, &word))
			return DEC_TRUNCATED;
	}
	off += 4;				/* the fields start here */
	*datapad = 0;
	if (present & 0x2) {			/* Flags */
		if (present & 0x1)		/* TSFT: 8 bytes, 8-aligned */
			off = ((off + 7) & ~7u) + 8;
		if (off < it_len && rd_u8(s, off, &flags))
			*datapad = !!(flags & RT_FLAG_DATAPAD);
	}
	if (off > it_len)
		return DEC_INVALID;
	*len = it_len;
	return DEC_OK;
}

/* PRISM or AVS monitor header at 0: its length. */
static int prism_avs(const struct rd_span *s, int dlt, uint32_t *len)
{
	uint32_t magic, n;

	if (!rd_be32(s, 0, &magic))
		return DEC_TRUNCATED;
	if ((magic & 0xfffffff0u) == 0x80211000u) {	/* AVS */
		if (!rd_be32(s, 4, &n))
			return DEC_TRUNCATED;
	} else if (dlt == DLT_PRISM_HEADER) {
		if (!rd_le32(s, 4, &n))
			return DEC_TRUNCATED;
	} else {
		return DEC_INVALID;
	}
	if (n < 8 || n > 4096)
		return DEC_INVALID;
	*len = n;
	return DEC_OK;
}

int dec_wifi_link(int dlt, const struct rd_span *s, uint32_t *next,
		  uint16_t *type)
{
	uint32_t len = 0, inner;
	uint16_t plen;
	int datapad = 0, st = DEC_OK;

	switch (dlt) {
	case DLT_IEEE802_11_RADIO:
		st = radiotap(s, &len, &datapad);
		break;
	case DLT_PRISM_HEADER:
	case DLT_IEEE802_11_RADIO_AVS:
		st = prism_avs(s, dlt, &len);
		break;
	case DLT_PPI:
		if (!rd_le16(s, 2, &plen) || !rd_le32(s, 4, &inner))
			return DEC_TRUNCATED;
		if (plen < 8)
			return DEC_INVALID;
		if (inner == DLT_EN10MB) {	/* an Ethernet frame follows */
			*next = plen;
			*type = 0x6558;
			return DEC_OK;
		}
		if (inner != DLT_IEEE802_11)
			return DEC_UNSUPPORTED;
		len = plen;
		break;
	default:			/* DLT_IEEE802_11 */
		break;
	}
	if (st != DEC_OK)
		return st;
	return frame_80211(s, len, datapad, next, type);
}
