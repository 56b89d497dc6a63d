/*
 * dec_quic_prim_linux.c - dec_quic_prim.h with OpenSSL's libcrypto.
 */
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "dec_quic_prim.h"

bool dec_quic_hmac_sha256(const uint8_t *key, size_t klen,
			  const uint8_t *msg, size_t len, uint8_t out[32])
{
	unsigned n = 0;

	return klen <= 64 && HMAC(EVP_sha256(), key, (int)klen, msg, len,
				  out, &n) && n == 32;
}

bool dec_quic_aes_block(const uint8_t key[16], const uint8_t in[16],
			uint8_t out[16])
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int n = 0;
	bool ok;

	if (!c)
		return false;
	ok = EVP_EncryptInit_ex(c, EVP_aes_128_ecb(), NULL, key, NULL) &&
	     EVP_CIPHER_CTX_set_padding(c, 0) &&
	     EVP_EncryptUpdate(c, out, &n, in, 16) && n == 16;
	EVP_CIPHER_CTX_free(c);
	return ok;
}

bool dec_quic_gcm_open(const uint8_t key[16], const uint8_t nonce[12],
		       const uint8_t *aad, size_t aadlen, const uint8_t *ct,
		       size_t len, const uint8_t tag[16], uint8_t *pt)
{
	EVP_CIPHER_CTX *c;
	uint8_t t[16];
	int n = 0, m = 0;
	bool ok;

	if (len > 0x7fffffff || aadlen > 0x7fffffff ||
	    !(c = EVP_CIPHER_CTX_new()))
		return false;
	memcpy(t, tag, 16);	/* the control takes a non-const pointer */
	ok = EVP_DecryptInit_ex(c, EVP_aes_128_gcm(), NULL, key, nonce) &&
	     EVP_DecryptUpdate(c, NULL, &n, aad, (int)aadlen) &&
	     EVP_DecryptUpdate(c, pt, &n, ct, (int)len) &&
	     EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, 16, t) &&
	     EVP_DecryptFinal_ex(c, pt + n, &m) > 0;
	EVP_CIPHER_CTX_free(c);
	return ok;
}
