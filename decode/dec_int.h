/* dec_int.h - decode/ internals shared between its files; not a public API. */
#ifndef PORTTOP_DEC_INT_H
#define PORTTOP_DEC_INT_H

#include "dec.h"
#include "rd.h"

/* Transport layer: `s` holds the captured part of the transport header and
 * payload (at most pkt->l4_len bytes).  Fills ports and the DEC_L4_* bits of
 * pkt; returns a dec_status. */
int dec_l4(const struct rd_span *s, struct dec_pkt *pkt);

/* The fragment map (dec_frag.c).  `id` is the IPv4 identification or the
 * IPv6 fragment header's identification; `key_proto` the protocol every
 * fragment carries (IPv4 protocol field, IPv6 fragment header's next
 * header, which may differ from the first fragment's final transport
 * protocol when more extension headers follow it). */
/* dec_frag_first: remember the first fragment's ports for id, and hand over
 * any later fragments held for it (pkt->held_*). */
void dec_frag_first(struct dec *d, struct dec_pkt *pkt, uint32_t id,
		    uint8_t key_proto);
/* dec_frag_later: a later fragment: DEC_OK with ports filled from its first
 * fragment (and pkt->proto set to its transport protocol), or
 * DEC_FRAG_HELD when that is not seen yet. */
int dec_frag_later(struct dec *d, struct dec_pkt *pkt, uint32_t id,
		   uint8_t key_proto);

#endif
