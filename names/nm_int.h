/*
 * nm_int.h - the names cache's state, shared by nm.c (lookups, stats)
 * and nm_feed.c (learning from packets).  Internal to names/.
 *
 * Address entries are keyed by (address, client, kind): kind NM_K_CLIENT
 * is what one client was told (DNS) or used (SNI, Host) for the address,
 * NM_K_ANY what any client was last told, NM_K_PTR a reverse answer.
 * Tuple entries are keyed by a TCP flow's (client, server) ends and hold
 * the server name its ClientHello or request gave.
 */
#ifndef PORTTOP_NM_INT_H
#define PORTTOP_NM_INT_H

#include "../lib/clock.h"
#include "nm.h"
#include "nm_pool.h"
#include "nm_tab.h"

#define NM_ADDRS	(1u << 16)	/* address entries */
#define NM_TUPLES	(1u << 14)	/* flows' server names */
#define NM_TEXT		(16u << 20)	/* bytes of name text */
#define NM_GRACE_NS	(60 * NS_PER_S)	/* trusted past a DNS TTL */
#define NM_PEER_NS	(300 * NS_PER_S)	/* a client's SNI or Host
						   names the address */
#define NM_TUPLE_NS	(3600 * NS_PER_S)	/* a flow's own name */

enum { NM_K_CLIENT = 1, NM_K_ANY, NM_K_PTR, NM_K_TUPLE };

#define NM_SEEN_BITS	20	/* log2 of the bits of nm_names.seen */

struct nm_names {
	struct nm_pool *pool;
	struct nm_tab *addrs, *tuples;
	uint64_t *seen;			/* a bit per address hash, set before
					   any entry of that address (an
					   address entry's, a tuple's server)
					   is put, never cleared: a clear bit
					   means no entry, and nm_flow skips
					   the four lookups of that end */
	struct nm_stats st;		/* atomics: read by any thread */
};

/* nm_addr_key: the key of (addr, client, kind) (client NULL: zero).
 * nm_tuple_key: the key of a flow from client (c, cp) to server (s, sp).
 * Addresses are 16 bytes, IPv4 in the first 4. */
void nm_addr_key(uint8_t key[NM_KEY], const uint8_t *addr,
		 const uint8_t *client, int ipv, int kind);
void nm_tuple_key(uint8_t key[NM_KEY], const uint8_t *c, uint16_t cp,
		  const uint8_t *s, uint16_t sp, int ipv);

/* nm_seen_mark: addr (16 bytes) may have entries from now on: called by
 * the writer before it puts one. */
void nm_seen_mark(struct nm_names *n, const uint8_t *addr);

#endif
