/*
 * dec_quic_crypto.c - dec_quic_crypto.h with OpenSSL's libcrypto: HKDF
 * (RFC 5869) over HMAC-SHA256, TLS 1.3's HKDF-Expand-Label (RFC 8446
 * 7.1), AES-128-ECB for the header protection mask, AES-128-GCM.
 *
 * Salts: RFC 9001 5.2 (v1), RFC 9369 3.3.1 (v2); labels RFC 9001 5.1,
 * RFC 9369 3.3.2.  Checked against RFC 9001 Appendix A.1's keys
 * (tests/unit/test_names.c).
 */
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "dec_quic_crypto.h"

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
	unsigned tl = 0;

	info[n++] = 0;
	info[n++] = (uint8_t)len;
	info[n++] = (uint8_t)(6 + ll);
	memcpy(info + n, "tls13 ", 6);
	memcpy(info + n + 6, label, ll);
	n += 6 + ll;
	info[n++] = 0;		/* no context */
	info[n++] = 1;		/* T(1) */
	if (!HMAC(EVP_sha256(), secret, 32, info, n, t, &tl) || tl != 32)
		return false;
	memcpy(out, t, len);
	return true;
}

bool dec_quic_initial_keys(uint32_t version, const uint8_t *dcid, size_t len,
			   struct dec_quic_keys *k)
{
	uint8_t initial[32], client[32];
	unsigned il = 0;
	bool v2 = version == DEC_QUIC_V2;

	if ((version != DEC_QUIC_V1 && !v2) || len > 20)
		return false;
	if (!HMAC(EVP_sha256(), v2 ? salt_v2 : salt_v1, 20, dcid, len,
		  initial, &il) || il != 32)
		return false;
	return expand_label(initial, "client in", client, 32) &&
	       expand_label(client, v2 ? "quicv2 key" : "quic key", k->key, 16) &&
	       expand_label(client, v2 ? "quicv2 iv" : "quic iv", k->iv, 12) &&
	       expand_label(client, v2 ? "quicv2 hp" : "quic hp", k->hp, 16);
}

bool dec_quic_hp_mask(const struct dec_quic_keys *k, const uint8_t *sample,
		      uint8_t mask[5])
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	uint8_t out[32];
	int n = 0;
	bool ok;

	if (!c)
		return false;
	ok = EVP_EncryptInit_ex(c, EVP_aes_128_ecb(), NULL, k->hp, NULL) &&
	     EVP_CIPHER_CTX_set_padding(c, 0) &&
	     EVP_EncryptUpdate(c, out, &n, sample, 16) && n == 16;
	EVP_CIPHER_CTX_free(c);
	if (ok)
		memcpy(mask, out, 5);
	return ok;
}

bool dec_quic_open(const struct dec_quic_keys *k, uint64_t pn,
		   const uint8_t *aad, size_t aadlen, const uint8_t *ct,
		   size_t ctlen, uint8_t *pt)
{
	EVP_CIPHER_CTX *c;
	uint8_t nonce[12], tag[DEC_QUIC_TAG];
	int n = 0, m = 0;
	size_t len = ctlen - DEC_QUIC_TAG;
	bool ok;

	if (ctlen < DEC_QUIC_TAG || len > 0x7fffffff || aadlen > 0x7fffffff ||
	    !(c = EVP_CIPHER_CTX_new()))
		return false;
	memcpy(nonce, k->iv, 12);
	for (int i = 0; i < 8; i++)
		nonce[11 - i] ^= (uint8_t)(pn >> (8 * i));
	memcpy(tag, ct + len, DEC_QUIC_TAG);
	ok = EVP_DecryptInit_ex(c, EVP_aes_128_gcm(), NULL, k->key, nonce) &&
	     EVP_DecryptUpdate(c, NULL, &n, aad, (int)aadlen) &&
	     EVP_DecryptUpdate(c, pt, &n, ct, (int)len) &&
	     EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, DEC_QUIC_TAG, tag) &&
	     EVP_DecryptFinal_ex(c, pt + n, &m) > 0;
	EVP_CIPHER_CTX_free(c);
	return ok;
}
