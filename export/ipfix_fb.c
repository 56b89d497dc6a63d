/*
 * ipfix_fb.c - IPFIX messages with libfixbuf (see ipfix_fb.h).
 *
 * fixbuf transcodes a record from an internal template (the layout of
 * struct fb_rec below) to an external one (what goes on the wire):
 * elements of the internal template that the external one lacks are
 * skipped, so one struct serves the four shapes (IPv4 or IPv6, biflow or
 * uniflow).  The exporter writes into a buffer of ours (fixbuf's buffer
 * exporter) in manual mode: fixbuf says when a message is full, each
 * message is handed to the caller's `out` as it is emitted, and the
 * sender thread owns the sockets.  fixbuf keeps templates and data in
 * messages of their own: the first append after a switch says "end of
 * message" too, and is tried again on the next message.
 */
#include <stdio.h>
#include <string.h>

#include <fixbuf/public.h>
#include <fixbuf/version.h>

#include "ipfix.h"
#include "ipfix_fb.h"

#define TID_INTERNAL 1024
#define TID_TYPE_INT 1025	/* RFC 5610 element type records */
#define TID_V4 256
#define TID_V6 257
#define TID_TYPE 258
#define F_V4 1		/* spec flags: IPv4 only, IPv6 only, biflows only */
#define F_V6 2
#define F_BI 4
#define MSG_MAX 65535

struct ipfix_fbm {
	fbInfoModel_t *model;
	uint32_t pen;
};

struct ipfix_fb {
	fBuf_t *fbuf;		/* owns the session and the exporter */
	fbExporter_t *exp;
	fbInfoModel_t *model;
	uint32_t pen;
	ipfix_fb_out out;	/* where messages go */
	void *out_arg;
	int uniflow;
	uint16_t cur_tid;	/* the export template in use, 0 none */
	int used;		/* the message holds something */
	uint32_t nrec;		/* flow records in the message */
	uint8_t msg[MSG_MAX];
};

/* The internal record: what fBufAppend reads.  Keep in the order and
 * sizes of internal[] below. */
struct fb_rec {
	uint64_t start_ms, end_ms;
	uint64_t octets, pkts, r_octets, r_pkts;
	uint64_t flow_id;
	uint64_t cgroup[2];
	uint8_t src6[16], dst6[16];
	fbVarfield_t conn_state, history, port_state, comm[2];
	uint32_t src4, dst4;
	uint32_t pid[2], uid[2], rtt[2];
	uint32_t retrans, r_retrans;
	uint16_t sport, dport, vlan, icmp4, icmp6, flags, r_flags;
	uint8_t proto, end_reason, biflow_dir;
	uint8_t pad[7];
};

static fbInfoElementSpec_t internal[] = {
	{ "flowStartMilliseconds", 8, 0 },
	{ "flowEndMilliseconds", 8, 0 },
	{ "octetDeltaCount", 8, 0 },
	{ "packetDeltaCount", 8, 0 },
	{ "reverseOctetDeltaCount", 8, 0 },
	{ "reversePacketDeltaCount", 8, 0 },
	{ "flowId", 8, 0 },
	{ "porttopSourceCgroupId", 8, 0 },
	{ "porttopDestinationCgroupId", 8, 0 },
	{ "sourceIPv6Address", 16, 0 },
	{ "destinationIPv6Address", 16, 0 },
	{ "porttopConnState", FB_IE_VARLEN, 0 },
	{ "porttopHistory", FB_IE_VARLEN, 0 },
	{ "porttopPortState", FB_IE_VARLEN, 0 },
	{ "porttopSourceComm", FB_IE_VARLEN, 0 },
	{ "porttopDestinationComm", FB_IE_VARLEN, 0 },
	{ "sourceIPv4Address", 4, 0 },
	{ "destinationIPv4Address", 4, 0 },
	{ "porttopSourcePid", 4, 0 },
	{ "porttopDestinationPid", 4, 0 },
	{ "porttopSourceUid", 4, 0 },
	{ "porttopDestinationUid", 4, 0 },
	{ "porttopRttSynSynAckMicroseconds", 4, 0 },
	{ "porttopRttSynAckAckMicroseconds", 4, 0 },
	{ "porttopRetransmittedSegments", 4, 0 },
	{ "reversePorttopRetransmittedSegments", 4, 0 },
	{ "sourceTransportPort", 2, 0 },
	{ "destinationTransportPort", 2, 0 },
	{ "vlanId", 2, 0 },
	{ "icmpTypeCodeIPv4", 2, 0 },
	{ "icmpTypeCodeIPv6", 2, 0 },
	{ "tcpControlBits", 2, 0 },
	{ "reverseTcpControlBits", 2, 0 },
	{ "protocolIdentifier", 1, 0 },
	{ "flowEndReason", 1, 0 },
	{ "biflowDirection", 1, 0 },
	{ "paddingOctets", 7, 0 },
	FB_IESPEC_NULL
};

/* On the wire; flags pick the address family and the reverse elements. */
static fbInfoElementSpec_t external[] = {
	{ "flowStartMilliseconds", 8, 0 },
	{ "flowEndMilliseconds", 8, 0 },
	{ "sourceIPv4Address", 4, F_V4 },
	{ "destinationIPv4Address", 4, F_V4 },
	{ "sourceIPv6Address", 16, F_V6 },
	{ "destinationIPv6Address", 16, F_V6 },
	{ "sourceTransportPort", 2, 0 },
	{ "destinationTransportPort", 2, 0 },
	{ "protocolIdentifier", 1, 0 },
	{ "vlanId", 2, 0 },
	{ "icmpTypeCodeIPv4", 2, F_V4 },
	{ "icmpTypeCodeIPv6", 2, F_V6 },
	{ "octetDeltaCount", 8, 0 },
	{ "packetDeltaCount", 8, 0 },
	{ "tcpControlBits", 2, 0 },
	{ "reverseOctetDeltaCount", 8, F_BI },
	{ "reversePacketDeltaCount", 8, F_BI },
	{ "reverseTcpControlBits", 2, F_BI },
	{ "flowEndReason", 1, 0 },
	{ "biflowDirection", 1, 0 },
	{ "flowId", 8, 0 },
	{ "porttopConnState", FB_IE_VARLEN, 0 },
	{ "porttopHistory", FB_IE_VARLEN, 0 },
	{ "porttopPortState", FB_IE_VARLEN, 0 },
	{ "porttopSourcePid", 4, 0 },
	{ "porttopSourceUid", 4, 0 },
	{ "porttopSourceCgroupId", 8, 0 },
	{ "porttopSourceComm", FB_IE_VARLEN, 0 },
	{ "porttopDestinationPid", 4, 0 },
	{ "porttopDestinationUid", 4, 0 },
	{ "porttopDestinationCgroupId", 8, 0 },
	{ "porttopDestinationComm", FB_IE_VARLEN, 0 },
	{ "porttopRttSynSynAckMicroseconds", 4, 0 },
	{ "porttopRttSynAckAckMicroseconds", 4, 0 },
	{ "porttopRetransmittedSegments", 4, 0 },
	{ "reversePorttopRetransmittedSegments", 4, F_BI },
	FB_IESPEC_NULL
};

/* ---- the information model ----------------------------------------------- */

#define IE(name, num, len, flags, type) \
	FB_IE_INIT_FULL(name, pen, num, len, flags, 0, 0, type, NULL)
#define ID_INT (FB_IE_F_ENDIAN | FB_IE_IDENTIFIER)

struct ipfix_fbm *ipfix_fbm_new(uint32_t pen)
{
	fbInfoElement_t ies[] = {
		IE("porttopConnState", IPFIX_IE_CONN_STATE, FB_IE_VARLEN, 0,
		   FB_STRING),
		IE("porttopHistory", IPFIX_IE_HISTORY, FB_IE_VARLEN, 0,
		   FB_STRING),
		IE("porttopPortState", IPFIX_IE_PORT_STATE, FB_IE_VARLEN, 0,
		   FB_STRING),
		IE("porttopSourcePid", IPFIX_IE_SRC_PID, 4, ID_INT, FB_UINT_32),
		IE("porttopDestinationPid", IPFIX_IE_DST_PID, 4, ID_INT,
		   FB_UINT_32),
		IE("porttopSourceUid", IPFIX_IE_SRC_UID, 4, ID_INT, FB_UINT_32),
		IE("porttopDestinationUid", IPFIX_IE_DST_UID, 4, ID_INT,
		   FB_UINT_32),
		IE("porttopSourceCgroupId", IPFIX_IE_SRC_CGROUP, 8, ID_INT,
		   FB_UINT_64),
		IE("porttopDestinationCgroupId", IPFIX_IE_DST_CGROUP, 8, ID_INT,
		   FB_UINT_64),
		IE("porttopSourceComm", IPFIX_IE_SRC_COMM, FB_IE_VARLEN, 0,
		   FB_STRING),
		IE("porttopDestinationComm", IPFIX_IE_DST_COMM, FB_IE_VARLEN, 0,
		   FB_STRING),
		IE("porttopRttSynSynAckMicroseconds", IPFIX_IE_RTT_SYN, 4,
		   FB_IE_F_ENDIAN | FB_IE_QUANTITY | FB_UNITS_MICROSECONDS,
		   FB_UINT_32),
		IE("porttopRttSynAckAckMicroseconds", IPFIX_IE_RTT_ACK, 4,
		   FB_IE_F_ENDIAN | FB_IE_QUANTITY | FB_UNITS_MICROSECONDS,
		   FB_UINT_32),
		IE("porttopRetransmittedSegments", IPFIX_IE_RETRANS, 4,
		   FB_IE_F_ENDIAN | FB_IE_F_REVERSIBLE | FB_IE_DELTACOUNTER |
		   FB_UNITS_PACKETS, FB_UINT_32),
		FB_IE_NULL
	};
	struct ipfix_fbm *m = g_new0(struct ipfix_fbm, 1);

	m->model = fbInfoModelAlloc();
	m->pen = pen;
	fbInfoModelAddElementArray(m->model, ies);
	return m;
}

void ipfix_fbm_free(struct ipfix_fbm *m)
{
	if (!m)
		return;
	fbInfoModelFree(m->model);
	g_free(m);
}

/* ---- a session ------------------------------------------------------------ */

/* A template of the elements of spec that flags select; NULL when one is
 * missing from the model. */
static fbTemplate_t *from_spec(fbInfoModel_t *m, fbInfoElementSpec_t *spec,
			       uint32_t flags, GError **err)
{
	fbTemplate_t *t = fbTemplateAlloc(m);

	if (!fbTemplateAppendSpecArray(t, spec, flags, err)) {
		fbTemplateFreeUnused(t);
		return NULL;
	}
	return t;
}

/* t into s as tid (internal or external).  0, or -1 (t is freed). */
static int add(fbSession_t *s, fbTemplate_t *t, int internal_, uint16_t tid,
	       GError **err)
{
	if (!t)
		return -1;
	if (!fbSessionAddTemplate(s, internal_, tid, t, err)) {
		fbTemplateFreeUnused(t);
		return -1;
	}
	return 0;
}

/* The templates: the record in memory, the two on the wire, and RFC
 * 5610's element type records (in memory and on the wire). */
static int templates_add(fbSession_t *s, fbInfoModel_t *m, int uniflow,
			 GError **e)
{
	uint32_t bi = uniflow ? 0 : F_BI;

	return add(s, from_spec(m, internal, 0, e), TRUE, TID_INTERNAL, e) ||
	       add(s, from_spec(m, external, F_V4 | bi, e), FALSE, TID_V4, e) ||
	       add(s, from_spec(m, external, F_V6 | bi, e), FALSE, TID_V6, e) ||
	       add(s, fbInfoElementAllocTypeTemplate(m, e), TRUE, TID_TYPE_INT,
		   e) ||
	       add(s, fbInfoElementAllocTypeTemplate(m, e), FALSE, TID_TYPE,
		   e) ? -1 : 0;
}

struct ipfix_fb *ipfix_fb_new(struct ipfix_fbm *m,
			      const struct ipfix_fb_opts *o, ipfix_fb_out out,
			      void *arg, char *err, size_t errlen)
{
	struct ipfix_fb *f = g_new0(struct ipfix_fb, 1);
	fbSession_t *s = fbSessionAlloc(m->model);
	GError *e = NULL;

	f->uniflow = o->uniflow;
	f->model = m->model;
	f->pen = m->pen;
	f->out = out;
	f->out_arg = arg;
	fbSessionSetDomain(s, o->domain);
	if (templates_add(s, m->model, o->uniflow, &e) < 0) {
		snprintf(err, errlen, "ipfix: templates: %s",
			 e ? e->message : "failed");
		g_clear_error(&e);
		fbSessionFree(s);
		g_free(f);
		return NULL;
	}
	f->exp = fbExporterAllocBuffer(f->msg, o->msg_max);
	f->fbuf = fBufAllocForExport(s, f->exp);
	fBufSetAutomaticMode(f->fbuf, FALSE);
	return f;
}

void ipfix_fb_free(struct ipfix_fb *f)
{
	if (!f)
		return;
	fBufFree(f->fbuf);
	g_free(f);
}

/* ---- messages ------------------------------------------------------------- */

/* The open message to out (an empty one is not a message). */
static void emit(struct ipfix_fb *f)
{
	GError *e = NULL;
	uint32_t nrec = f->nrec;
	int used = f->used;

	f->used = 0;
	f->nrec = 0;
	if (!fBufEmit(f->fbuf, &e)) {
		g_clear_error(&e);
		used = 0;
	}
	if (used || nrec)
		f->out(f->out_arg, f->msg, used ? fbExporterGetMsgLen(f->exp) :
						  0, nrec);
}

void ipfix_fb_flush(struct ipfix_fb *f)
{
	if (f->used || f->nrec)
		emit(f);
}

int ipfix_fb_used(const struct ipfix_fb *f)
{
	return f->used;
}

/* One write into the message (the arguments in *a). */
struct op {
	int what;		/* OP_* */
	const fbInfoElement_t *ie;
	struct fb_rec *rec;
};
enum { OP_TEMPLATES, OP_TYPE_RECORD, OP_RECORD };

static gboolean op_do(struct ipfix_fb *f, const struct op *a, GError **e)
{
	switch (a->what) {
	case OP_TEMPLATES:
		return fbSessionExportTemplates(fBufGetSession(f->fbuf), e);
	case OP_TYPE_RECORD:
		return fbInfoElementWriteOptionsRecord(f->fbuf, a->ie,
						       TID_TYPE_INT, TID_TYPE,
						       e);
	default:
		return fBufAppend(f->fbuf, (uint8_t *)a->rec, sizeof(*a->rec),
				  e);
	}
}

/* A write; at the end of the message, emit it and try once more (on an
 * empty one).  1 written, 0 not (an error). */
static int write_op(struct ipfix_fb *f, const struct op *a)
{
	GError *e = NULL;
	int ok = op_do(f, a, &e);

	if (!ok && g_error_matches(e, FB_ERROR_DOMAIN, FB_ERROR_EOM)) {
		g_clear_error(&e);
		emit(f);
		ok = op_do(f, a, &e);
	}
	g_clear_error(&e);
	if (ok)
		f->used = 1;
	return ok;
}

int ipfix_fb_templates(struct ipfix_fb *f)
{
	struct op a = { .what = OP_TEMPLATES };
	int ok;

	ipfix_fb_flush(f);
	if (!write_op(f, &a))
		return -1;
	emit(f);	/* fixbuf: templates alone in their message */
	a.what = OP_TYPE_RECORD;
	ok = fBufSetInternalTemplate(f->fbuf, TID_TYPE_INT, NULL) &&
	     fBufSetExportTemplate(f->fbuf, TID_TYPE, NULL);
	for (int id = IPFIX_IE_CONN_STATE; ok && id <= IPFIX_IE_RETRANS_REV;
	     id = id == IPFIX_IE_RETRANS ? IPFIX_IE_RETRANS_REV : id + 1)
		ok = (a.ie = fbInfoModelGetElementByID(f->model, (uint16_t)id,
							f->pen)) &&
		     write_op(f, &a);
	f->cur_tid = 0;		/* the next record sets its own */
	return ok ? 0 : -1;
}

/* ---- records -------------------------------------------------------------- */

static uint32_t v4(const uint8_t *a)
{
	return (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 |
	       (uint32_t)a[2] << 8 | a[3];
}

static void str(fbVarfield_t *v, const char *s)
{
	v->buf = (uint8_t *)(uintptr_t)s;
	v->len = strlen(s);
}

/* The record seen from end `src` (FT_ORIG: biflow, or uniflow forward). */
static void encode(struct fb_rec *x, const struct ipfix_rec *r, int src,
		   int bi)
{
	int dst = !src;

	memset(x, 0, sizeof(*x));
	x->start_ms = r->start_ns > 0 ? (uint64_t)r->start_ns / 1000000 : 0;
	x->end_ms = r->end_ns > 0 ? (uint64_t)r->end_ns / 1000000 : 0;
	x->octets = r->octets[src];
	x->pkts = r->pkts[src];
	x->retrans = r->retrans[src];
	x->flags = r->tcp_flags[src];
	if (bi) {
		x->r_octets = r->octets[dst];
		x->r_pkts = r->pkts[dst];
		x->r_retrans = r->retrans[dst];
		x->r_flags = r->tcp_flags[dst];
	}
	x->flow_id = r->flow_id;
	if (r->v6) {
		memcpy(x->src6, r->addr[src], 16);
		memcpy(x->dst6, r->addr[dst], 16);
		x->icmp6 = r->icmp[src];
	} else {
		x->src4 = v4(r->addr[src]);
		x->dst4 = v4(r->addr[dst]);
		x->icmp4 = r->icmp[src];
	}
	x->sport = r->port[src];
	x->dport = r->port[dst];
	x->vlan = r->vlan;
	x->proto = r->proto;
	x->end_reason = r->end_reason;
	x->biflow_dir = src == 0 ? 1 : 2;	/* initiator, reverseInitiator */
	str(&x->conn_state, r->conn_state);
	str(&x->history, r->history);
	str(&x->port_state, ipfix_port_state_name(r->port_state));
	for (int i = 0; i < 2; i++) {
		const struct ipfix_owner *w = &r->own[i ? dst : src];

		x->pid[i] = w->pid;
		x->uid[i] = w->uid;
		x->cgroup[i] = w->cgroup;
		str(&x->comm[i], w->comm);
	}
	x->rtt[0] = r->rtt_us[0];
	x->rtt[1] = r->rtt_us[1];
}

/* One wire record: 1, or 0 (an error). */
static int append(struct ipfix_fb *f, const struct ipfix_rec *r, int src)
{
	struct fb_rec x;
	struct op a = { .what = OP_RECORD, .rec = &x };
	uint16_t tid = r->v6 ? TID_V6 : TID_V4;

	if (tid != f->cur_tid) {
		if (!fBufSetInternalTemplate(f->fbuf, TID_INTERNAL, NULL) ||
		    !fBufSetExportTemplate(f->fbuf, tid, NULL))
			return 0;
		f->cur_tid = tid;
	}
	encode(&x, r, src, !f->uniflow);
	return write_op(f, &a);
}

int ipfix_fb_add(struct ipfix_fb *f, const struct ipfix_rec *r)
{
	if (!f->uniflow) {
		if (!append(f, r, FT_ORIG))
			return -1;
	} else {
		/* each direction that sent packets (the orig's when neither
		 * did: the record still says how the flow ended) */
		if ((r->pkts[FT_ORIG] || !r->pkts[FT_RESP]) &&
		    !append(f, r, FT_ORIG))
			return -1;
		if (r->pkts[FT_RESP] && !append(f, r, FT_RESP))
			return -1;
	}
	f->nrec++;
	return 0;
}

const char *ipfix_lib_version(void)
{
	static char v[32];

	snprintf(v, sizeof(v), "libfixbuf %d.%d.%d", FIXBUF_VERSION_MAJOR,
		 FIXBUF_VERSION_MINOR, FIXBUF_VERSION_RELEASE);
	return v;
}
