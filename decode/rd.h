/*
 * rd.h - bounds-checked readers for packet bytes (tcpdump's GET_BE_U_n idea).
 *
 * Every read names an offset into a span of captured bytes and fails when the
 * span is too short.  Checks are written as "len - off >= n" after "off <=
 * len", never as pointer arithmetic past the end (undefined behaviour).
 * Multi-byte reads assemble bytes one at a time, so they are alignment-free
 * and independent of host byte order: values come back in host order.
 */
#ifndef PORTTOP_RD_H
#define PORTTOP_RD_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* A span of captured bytes: `len` bytes are readable at `p`. */
struct rd_span {
	const uint8_t *p;
	uint32_t len;
};

/* rd_has: true when n bytes starting at off lie inside the span. */
static inline bool rd_has(const struct rd_span *s, uint32_t off, uint32_t n)
{
	return off <= s->len && s->len - off >= n;
}

/* rd_u8/rd_be16/rd_be32: read an unsigned integer stored at off in network
 * byte order into *v in host order; false, with *v untouched, when the span
 * ends first. */
static inline bool rd_u8(const struct rd_span *s, uint32_t off, uint8_t *v)
{
	if (!rd_has(s, off, 1))
		return false;
	*v = s->p[off];
	return true;
}

static inline bool rd_be16(const struct rd_span *s, uint32_t off, uint16_t *v)
{
	if (!rd_has(s, off, 2))
		return false;
	*v = (uint16_t)((unsigned)s->p[off] << 8 | s->p[off + 1]);
	return true;
}

static inline bool rd_be32(const struct rd_span *s, uint32_t off, uint32_t *v)
{
	if (!rd_has(s, off, 4))
		return false;
	*v = (uint32_t)s->p[off] << 24 | (uint32_t)s->p[off + 1] << 16 |
	     (uint32_t)s->p[off + 2] << 8 | s->p[off + 3];
	return true;
}

/* rd_le16/rd_le32: the same for fields stored little-endian (radiotap,
 * PPI, PRISM headers). */
static inline bool rd_le16(const struct rd_span *s, uint32_t off, uint16_t *v)
{
	if (!rd_has(s, off, 2))
		return false;
	*v = (uint16_t)(s->p[off] | (unsigned)s->p[off + 1] << 8);
	return true;
}

static inline bool rd_le32(const struct rd_span *s, uint32_t off, uint32_t *v)
{
	if (!rd_has(s, off, 4))
		return false;
	*v = s->p[off] | (uint32_t)s->p[off + 1] << 8 |
	     (uint32_t)s->p[off + 2] << 16 | (uint32_t)s->p[off + 3] << 24;
	return true;
}

/* rd_bytes: copy n bytes at off into dst; false when the span ends first. */
static inline bool rd_bytes(const struct rd_span *s, uint32_t off, void *dst,
			    uint32_t n)
{
	if (!rd_has(s, off, n))
		return false;
	memcpy(dst, s->p + off, n);
	return true;
}

/* rd_sub: the sub-span starting at off (empty when off is past the end). */
static inline struct rd_span rd_sub(const struct rd_span *s, uint32_t off)
{
	struct rd_span r = { s->p, 0 };

	if (off <= s->len) {
		r.p = s->p + off;
		r.len = s->len - off;
	}
	return r;
}

#endif
