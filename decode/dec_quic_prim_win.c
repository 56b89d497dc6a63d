/*
 * dec_quic_prim_win.c - dec_quic_prim.h with Windows' Cryptography API:
 * Next Generation (bcrypt.dll, Windows 7 and later; wine implements it
 * over GnuTLS).  The three algorithm providers (HMAC-SHA256, AES in ECB
 * and in GCM chaining mode) are opened once, on first use, and kept for
 * the process's life: opening one is the costly step; a key object per
 * call is cheap, and only a flow's first Initial gets here.
 */
#include <windows.h>
#include <bcrypt.h>
#include <string.h>

#include "dec_quic_prim.h"

static BCRYPT_ALG_HANDLE hmac_alg, ecb_alg, gcm_alg;
static INIT_ONCE opened = INIT_ONCE_STATIC_INIT;

static BOOL CALLBACK open_algs(PINIT_ONCE once, PVOID arg, PVOID *ctx)
{
	(void)once, (void)arg, (void)ctx;
	if (BCryptOpenAlgorithmProvider(&hmac_alg, BCRYPT_SHA256_ALGORITHM,
					NULL, BCRYPT_ALG_HANDLE_HMAC_FLAG))
		hmac_alg = NULL;
	if (BCryptOpenAlgorithmProvider(&ecb_alg, BCRYPT_AES_ALGORITHM,
					NULL, 0) ||
	    BCryptSetProperty(ecb_alg, BCRYPT_CHAINING_MODE,
			      (PUCHAR)BCRYPT_CHAIN_MODE_ECB,
			      sizeof(BCRYPT_CHAIN_MODE_ECB), 0))
		ecb_alg = NULL;
	if (BCryptOpenAlgorithmProvider(&gcm_alg, BCRYPT_AES_ALGORITHM,
					NULL, 0) ||
	    BCryptSetProperty(gcm_alg, BCRYPT_CHAINING_MODE,
			      (PUCHAR)BCRYPT_CHAIN_MODE_GCM,
			      sizeof(BCRYPT_CHAIN_MODE_GCM), 0))
		gcm_alg = NULL;
	return TRUE;	/* a missing one fails its own calls */
}

/* alg, opened once; NULL when this Windows lacks it. */
static BCRYPT_ALG_HANDLE alg(BCRYPT_ALG_HANDLE *which)
{
	InitOnceExecuteOnce(&opened, open_algs, NULL, NULL);
	return *which;
}

bool dec_quic_hmac_sha256(const uint8_t *key, size_t klen,
			  const uint8_t *msg, size_t len, uint8_t out[32])
{
	BCRYPT_ALG_HANDLE a = alg(&hmac_alg);
	BCRYPT_HASH_HANDLE h;
	bool ok;

	if (!a || klen > 64 || len > 0xffffffffu ||
	    BCryptCreateHash(a, &h, NULL, 0, (PUCHAR)key, (ULONG)klen, 0))
		return false;
	ok = !BCryptHashData(h, (PUCHAR)msg, (ULONG)len, 0) &&
	     !BCryptFinishHash(h, out, 32, 0);
	BCryptDestroyHash(h);
	return ok;
}

bool dec_quic_aes_block(const uint8_t key[16], const uint8_t in[16],
			uint8_t out[16])
{
	BCRYPT_ALG_HANDLE a = alg(&ecb_alg);
	BCRYPT_KEY_HANDLE k;
	ULONG n = 0;
	bool ok;

	if (!a || BCryptGenerateSymmetricKey(a, &k, NULL, 0, (PUCHAR)key, 16,
					     0))
		return false;
	ok = !BCryptEncrypt(k, (PUCHAR)in, 16, NULL, NULL, 0, out, 16, &n,
			    0) && n == 16;
	BCryptDestroyKey(k);
	return ok;
}

bool dec_quic_gcm_open(const uint8_t key[16], const uint8_t nonce[12],
		       const uint8_t *aad, size_t aadlen, const uint8_t *ct,
		       size_t len, const uint8_t tag[16], uint8_t *pt)
{
	BCRYPT_ALG_HANDLE a = alg(&gcm_alg);
	BCRYPT_AUTHENTICATED_CIPHER_MODE_INFO info;
	BCRYPT_KEY_HANDLE k;
	uint8_t n12[12], t[16];	/* the structure's pointers are not const */
	ULONG n = 0;
	bool ok;

	if (!a || len > 0x7fffffff || aadlen > 0x7fffffff ||
	    BCryptGenerateSymmetricKey(a, &k, NULL, 0, (PUCHAR)key, 16, 0))
		return false;
	memcpy(n12, nonce, 12);
	memcpy(t, tag, 16);
	BCRYPT_INIT_AUTH_MODE_INFO(info);
	info.pbNonce = n12, info.cbNonce = 12;
	info.pbAuthData = (PUCHAR)aad, info.cbAuthData = (ULONG)aadlen;
	info.pbTag = t, info.cbTag = 16;
	/* STATUS_AUTH_TAG_MISMATCH when the tag does not authenticate */
	ok = !BCryptDecrypt(k, (PUCHAR)ct, (ULONG)len, &info, NULL, 0, pt,
			    (ULONG)len, &n, 0) && n == len;
	BCryptDestroyKey(k);
	return ok;
}
