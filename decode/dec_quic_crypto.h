/*
 * dec_quic_crypto.h - the cryptography of a QUIC Initial packet
 * (RFC 9001 5.2-5.4; QUIC v2: RFC 9369 3.3), for dec_quic.c.  One
 * implementation, dec_quic_crypto.c, on the platform's primitives
 * (dec_quic_prim.h: libcrypto on Linux, CNG on Windows).
 */
#ifndef PORTTOP_DEC_QUIC_CRYPTO_H
#define PORTTOP_DEC_QUIC_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DEC_QUIC_V1 0x00000001u	/* RFC 9000 */
#define DEC_QUIC_V2 0x6b3343cfu	/* RFC 9369 */
#define DEC_QUIC_TAG 16		/* AEAD_AES_128_GCM's tag, bytes */

/* The client's Initial packet protection keys: AEAD key, IV, header
 * protection key (AES-128). */
struct dec_quic_keys {
	uint8_t key[16], iv[12], hp[16];
};

/* dec_quic_initial_keys: the client's keys for the Destination
 * Connection ID dcid (len bytes, at most 20) of its first Initial:
 * HKDF-Extract with the version's salt, then HKDF-Expand-Label "client
 * in", "quic key"/"quic iv"/"quic hp" (v2: "quicv2 ...").  false for
 * another version or when the platform's library fails. */
bool dec_quic_initial_keys(uint32_t version, const uint8_t *dcid, size_t len,
			   struct dec_quic_keys *k);

/* dec_quic_hp_mask: the header protection mask, AES-128-ECB of the
 * 16-byte sample (RFC 9001 5.4.3); its first 5 bytes into mask. */
bool dec_quic_hp_mask(const struct dec_quic_keys *k, const uint8_t *sample,
		      uint8_t mask[5]);

/* dec_quic_open: AEAD_AES_128_GCM open (RFC 9001 5.3) of ct (ctlen
 * bytes, the last DEC_QUIC_TAG of them the tag, ctlen >= DEC_QUIC_TAG)
 * with the nonce iv XOR packet number pn and the header aad as
 * associated data, into pt (ctlen - DEC_QUIC_TAG bytes).  false when
 * the tag does not authenticate (another key: a server's Initial, or not
 * QUIC at all). */
bool dec_quic_open(const struct dec_quic_keys *k, uint64_t pn,
		   const uint8_t *aad, size_t aadlen, const uint8_t *ct,
		   size_t ctlen, uint8_t *pt);

#endif
