/*
 * ipfix_fb.h - IPFIX messages made with libfixbuf (CERT NetSA): the
 * information model (IANA's elements, RFC 5103's reverse ones, porttop's
 * own under a Private Enterprise Number), the templates, and records
 * appended one at a time to a message in memory that the caller sends.
 *
 * One struct ipfix_fb is one Transport Session (one collector): its own
 * templates, observation domain and sequence numbers.  The sender thread
 * (ipfix_send.c) is the only user.
 *
 * Templates (ids 256 IPv4, 257 IPv6), in wire order: flowStartMilliseconds
 * (152), flowEndMilliseconds (153), sourceIPv4Address (8) and
 * destinationIPv4Address (12) or sourceIPv6Address (27) and
 * destinationIPv6Address (28), sourceTransportPort (7),
 * destinationTransportPort (11), protocolIdentifier (4), vlanId (58),
 * icmpTypeCodeIPv4 (32) or icmpTypeCodeIPv6 (139), octetDeltaCount (1),
 * packetDeltaCount (2), tcpControlBits (6), with biflows their reverse
 * elements (RFC 5103: PEN 29305, same numbers), flowEndReason (136),
 * biflowDirection (239), flowId (148), then porttop's elements (README,
 * "Many hosts").  The templates and RFC 5610 descriptions of porttop's
 * elements (their names and types) go out with ipfix_fb_templates().
 * Messages are at most msg_max bytes.
 */
#ifndef PORTTOP_IPFIX_FB_H
#define PORTTOP_IPFIX_FB_H

#include <stddef.h>
#include <stdint.h>

#include "ipfix_rec.h"

#define IPFIX_PEN_DEFAULT 32473	/* RFC 5612's documentation number */

/* porttop's information elements: their numbers under the PEN. */
enum {
	IPFIX_IE_CONN_STATE = 1, IPFIX_IE_HISTORY, IPFIX_IE_PORT_STATE,
	IPFIX_IE_SRC_PID, IPFIX_IE_DST_PID, IPFIX_IE_SRC_UID,
	IPFIX_IE_DST_UID, IPFIX_IE_SRC_CGROUP, IPFIX_IE_DST_CGROUP,
	IPFIX_IE_SRC_COMM, IPFIX_IE_DST_COMM, IPFIX_IE_RTT_SYN,
	IPFIX_IE_RTT_ACK, IPFIX_IE_RETRANS,
	IPFIX_IE_RETRANS_REV = IPFIX_IE_RETRANS | 0x4000	/* RFC 5103 6.2 */
};

struct ipfix_fb_opts {
	uint32_t pen;		/* porttop's elements' enterprise number */
	uint32_t domain;	/* observation domain id */
	int uniflow;		/* one record per direction (else biflows) */
	uint16_t msg_max;	/* bytes per message, 512 to 65535 */
};

struct ipfix_fbm;	/* the information model, shared by the sessions */
struct ipfix_fb;	/* one session and its message */

/* Where a session's messages go, as each is finished: its bytes (valid
 * during the call) and the flow records it completed. */
typedef void (*ipfix_fb_out)(void *arg, const uint8_t *msg, size_t len,
			     uint32_t nrec);

/* ipfix_fbm_new: the information model with porttop's elements under
 * pen.  NULL when out of memory. */
struct ipfix_fbm *ipfix_fbm_new(uint32_t pen);
void ipfix_fbm_free(struct ipfix_fbm *m);	/* after every session */

/* ipfix_fb_new: a session with its templates, its messages to out(arg).
 * NULL with err set. */
struct ipfix_fb *ipfix_fb_new(struct ipfix_fbm *m,
			      const struct ipfix_fb_opts *o, ipfix_fb_out out,
			      void *arg, char *err, size_t errlen);
void ipfix_fb_free(struct ipfix_fb *f);

/* ipfix_fb_templates: the open message out, then a message of the
 * templates, then the RFC 5610 descriptions of porttop's elements (left
 * open: records follow them).  0, or -1. */
int ipfix_fb_templates(struct ipfix_fb *f);

/* ipfix_fb_add: r into the message (one biflow record, or one or two
 * uniflow records); full messages go out.  0, or -1 (r is dropped). */
int ipfix_fb_add(struct ipfix_fb *f, const struct ipfix_rec *r);

/* ipfix_fb_flush: the open message out, if it holds anything. */
void ipfix_fb_flush(struct ipfix_fb *f);

/* ipfix_fb_used: 1 when the open message holds anything. */
int ipfix_fb_used(const struct ipfix_fb *f);

#endif
