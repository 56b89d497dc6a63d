/*
 * dec_quic_prim.h - the three primitives QUIC's Initial protection is
 * made of (RFC 9001 5), for dec_quic_crypto.c, which builds HKDF, the
 * header protection mask and the nonce on them.  One implementation per
 * platform: dec_quic_prim_linux.c (OpenSSL's libcrypto) and
 * dec_quic_prim_win.c (Windows' CNG, bcrypt.dll).  Each returns false
 * when the library fails or, for dec_quic_gcm_open, the tag does not
 * authenticate.
 */
#ifndef PORTTOP_DEC_QUIC_PRIM_H
#define PORTTOP_DEC_QUIC_PRIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* HMAC-SHA256 (RFC 2104, FIPS 180-4) of msg (len bytes) under key
 * (klen bytes, at most 64) into out. */
bool dec_quic_hmac_sha256(const uint8_t *key, size_t klen,
			  const uint8_t *msg, size_t len, uint8_t out[32]);

/* AES-128 (FIPS 197) of one 16-byte block: ECB, no padding. */
bool dec_quic_aes_block(const uint8_t key[16], const uint8_t in[16],
			uint8_t out[16]);

/* AES-128-GCM (NIST SP 800-38D) decryption of ct (len bytes, at most
 * 2^31 - 1) with a 12-byte nonce, associated data aad (aadlen bytes, at
 * most 2^31 - 1) and the 16-byte tag, into pt (len bytes). */
bool dec_quic_gcm_open(const uint8_t key[16], const uint8_t nonce[12],
		       const uint8_t *aad, size_t aadlen, const uint8_t *ct,
		       size_t len, const uint8_t tag[16], uint8_t *pt);

#endif
