/*
 * resolve.h - reverse name lookups that never block the caller: a thread
 * calls getnameinfo(NI_NAMEREQD) for addresses queued by resolve_name(),
 * whose answers go into a bounded cache.  The caller shows the address
 * until the name is known.
 *
 * Bounds: the cache holds `cache_entries` addresses (4-way sets, least
 * recently used replaced; a name expires after 10 minutes, a failed
 * lookup after 1 minute); at most `queue_len` lookups wait, further ones
 * are not queued (resolve_name asks again on a later call).  One lookup
 * runs at a time, so a slow DNS server delays names, never the view.
 */
#ifndef PORTTOP_RESOLVE_H
#define PORTTOP_RESOLVE_H

#include <stddef.h>
#include <stdint.h>

struct resolver;

/* resolve_new: start the lookup thread.  cache_entries 0: 4096 (about
 * 1 MiB); queue_len 0: 256 (both rounded up to powers of two).  NULL when
 * memory or the thread cannot be had. */
struct resolver *resolve_new(unsigned cache_entries, unsigned queue_len);

/* resolve_free: stop the thread and release everything.  Returns at once,
 * also when a lookup is in progress: the thread then frees the shared
 * state itself when getnameinfo returns.  NULL is ignored. */
void resolve_free(struct resolver *r);

/* resolve_name: the host name of addr (16 bytes in network order, IPv4 in
 * the first 4; v6 says which).  Returns 1 with the name in buf (len bytes,
 * truncated if need be), or 0 when it is not known (yet, or there is
 * none): the lookup is queued once if there is room.  Only takes a mutex
 * that the thread holds for table updates, never across a lookup. */
int resolve_name(struct resolver *r, const uint8_t addr[16], int v6,
		 char *buf, size_t len);

/* resolve_pending: lookups queued or running now (for the status line). */
unsigned resolve_pending(struct resolver *r);

#endif
