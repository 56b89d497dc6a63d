/*
 * dec_quic_crypto.c - dec_quic_crypto.h on the platform's primitives
 * (dec_quic_prim.h: libcrypto on Linux, CNG on Windows): HKDF (RFC 5869)
 * over HMAC-SHA256, TLS 1.3's HKDF-Expand-Label (RFC 8446 7.1),
 * AES-128-ECB for the header protection mask, AES-128-GCM.
 *
 * Salts: RFC 9001 5.2 (v1), RFC 9369 3.3.1 (v2); labels RFC 9001 5.1,
 * RFC 9369 3.3.2.  Checked against RFC 9001 Appendix A.1's keys
 * (tests/unit/test_names.c on Linux, tests/windows/quic_rfc9001.c under
 * wine).
 */
#include <string.h>

#include "dec_quic_crypto.h"
#include "dec_quic_prim.h"

static const uint8_t salt_v1[20] = {
	0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17,
	0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc, 0xbb, 0x7f, 0x0a,
};
static const uint8_t salt_v2[20] = {
	0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6, 0xdb, 0x81, 0x93,
	0x81, 0xbe, 0x6e, 0x26, 0x9d, 0xcb, 0xf9, 0xbd, 0x2e, 0xd9,
};

/* HKDF-Expand-Label(secret, label, "", len) for len <= 32: one HMAC
 * block is enough. */
static bool expand_label(const uint8_t secret[32], const char *label,
			 uint8_t *out, size_t len)
{
	uint8_t info[64], t[32];
	size_t ll = strlen(label), n = 0;

	info[n++] = 0;
	info[n++] = (uint8_t)len;
	info[n++] = (uint8_t)(6 + ll);
	memcpy(info + n, "tls13 ", 6);
	memcpy(info + n + 6, label, ll);
	n += 6 + ll;
	info[n++] = 0;		/* no context */
	info[n++] = 1;		/* T(1) */
	if (!dec_quic_hmac_sha256(secret, 32, info, n, t))
		return false;
	memcpy(out, t, len);
	return true;
}

bool dec_quic_initial_keys(uint32_t version, const uint8_t *dcid, size_t len,
			   struct dec_quic_keys *k)
{
	uint8_t initial[32], client[32];
	bool v2 = version == DEC_QUIC_V2;

	if ((version != DEC_QUIC_V1 && !v2) || len > 20)
		return false;
	if (!dec_quic_hmac_sha256(v2 ? salt_v2 : salt_v1, 20, dcid, len,
				  initial))
		return false;
	return expand_label(initial, "client in", client, 32) &&
	       expand_label(client, v2 ? "quicv2 key" : "quic key", k->key, 16) &&
	       expand_label(client, v2 ? "quicv2 iv" : "quic iv", k->iv, 12) &&
	       expand_label(client, v2 ? "quicv2 hp" : "quic hp", k->hp, 16);
}

bool dec_quic_hp_mask(const struct dec_quic_keys *k, const uint8_t *sample,
		      uint8_t mask[5])
{
	uint8_t out[16];

	if (!dec_quic_aes_block(k->hp, sample, out))
		return false;
	memcpy(mask, out, 5);
	return true;
}

bool dec_quic_open(const struct dec_quic_keys *k, uint64_t pn,
		   const uint8_t *aad, size_t aadlen, const uint8_t *ct,
		   size_t ctlen, uint8_t *pt)
{
	uint8_t nonce[12];
	size_t len = ctlen - DEC_QUIC_TAG;

	if (ctlen < DEC_QUIC_TAG)
		return false;
	memcpy(nonce, k->iv, 12);
	for (int i = 0; i < 8; i++)
		nonce[11 - i] ^= (uint8_t)(pn >> (8 * i));
	return dec_quic_gcm_open(k->key, nonce, aad, aadlen, ct, len,
				 ct + len, pt);
}
