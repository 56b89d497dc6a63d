/*
 * dec_quic_none.c - dec_quic_crypto.h where porttop is built without
 * libcrypto (the Windows build, Makefile WIN_SRC): no keys, so a QUIC
 * flow has no name from its Initial.
 */
#include "dec_quic_crypto.h"

bool dec_quic_initial_keys(uint32_t version, const uint8_t *dcid, size_t len,
			   struct dec_quic_keys *k)
{
	(void)version, (void)dcid, (void)len, (void)k;
	return false;
}

bool dec_quic_hp_mask(const struct dec_quic_keys *k, const uint8_t *sample,
		      uint8_t mask[5])
{
	(void)k, (void)sample, (void)mask;
	return false;
}

bool dec_quic_open(const struct dec_quic_keys *k, uint64_t pn,
		   const uint8_t *aad, size_t aadlen, const uint8_t *ct,
		   size_t ctlen, uint8_t *pt)
{
	(void)k, (void)pn, (void)aad, (void)aadlen, (void)ct, (void)ctlen;
	(void)pt;
	return false;
}
