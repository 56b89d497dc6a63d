/*
 * gone.h - the sockets that closed, for the flow table (flowtable/
 * internal; ft.h's ft_owner_gone is the API): a packet of a UDP flow
 * whose end's socket closed after the flow began and before the packet
 * is another socket's, and starts a new flow (FT_END_OWNER), as a SYN on
 * a used TCP tuple does.
 */
#ifndef PORTTOP_GONE_H
#define PORTTOP_GONE_H

#include "conn.h"

struct gone_tab;

/* gone_new: an empty table: per tuple its last 16 closes (the packets may
 * come that many sockets late), direct-mapped (a tuple may push out
 * another one that hashes to its slot: 2048 slots).  NULL when out of
 * memory. */
struct gone_tab *gone_new(void);
void gone_free(struct gone_tab *g);

/* gone_put: remember a close (the latest per tuple). */
void gone_put(struct gone_tab *g, const struct ft_gone *c);

/* gone_check: whether an end of f (a UDP flow) had its socket closed
 * after f's first packet: 1 before p (p starts a new flow), -1 only at or
 * after p (look again at the next packet), 0 not (nothing to look at
 * until the next close).  At most 8 direct-mapped probes of 16 times. */
int gone_check(const struct gone_tab *g, const struct ft_flow *f,
	       const struct dec_pkt *p);

#endif
