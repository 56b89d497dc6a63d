/*
 * cap_snap.c - a snapshot length per kind of packet (see cap_snap.h).
 *
 * The user's program comes first, its instructions where pcap_compile
 * put them, so its 8-bit conditional jumps keep their targets; only its
 * returns change, each accept into "ja" (32-bit offset, forward) to the
 * Initial test appended after it.  Classic BPF has no backward jumps, so
 * nothing else can point into the appended part.
 */
#include <stdlib.h>
#include <string.h>

#include "cap_int.h"
#include "cap_snap.h"

/* A return of a constant ("ret #k"), the only kind pcap_compile writes. */
static int ret_k(const struct bpf_insn *i)
{
	return BPF_CLASS(i->code) == BPF_RET && BPF_RVAL(i->code) == BPF_K;
}

int cap_snap_valid(const struct bpf_program *prog)
{
	const struct bpf_insn *f = prog->bf_insns;
	u_int n = prog->bf_len;

	if (n == 0 || n > CAP_SNAP_MAXINSNS || BPF_CLASS(f[n - 1].code) != BPF_RET)
		return 0;
	for (u_int i = 0; i < n; i++) {
		if (BPF_CLASS(f[i].code) != BPF_JMP)
			continue;
		if (BPF_OP(f[i].code) == BPF_JA) {
			if (f[i].k >= n - i - 1)
				return 0;
		} else if (f[i].jt >= n - i - 1 || f[i].jf >= n - i - 1) {
			return 0;
		}
	}
	return 1;
}

/* Copies src to dst rewriting returns: reject (ret #0) to rej, accept to
 * acc, or, when to_end, accept to a jump to the instruction after src.
 * -1 for a return that is not a constant. */
static int copy_rets(struct bpf_insn *dst, const struct bpf_program *src,
		     u_int rej, u_int acc, int to_end)
{
	u_int n = src->bf_len;

	for (u_int i = 0; i < n; i++) {
		dst[i] = src->bf_insns[i];
		if (BPF_CLASS(dst[i].code) != BPF_RET)
			continue;
		if (!ret_k(&dst[i]))
			return -1;
		if (dst[i].k == 0)
			dst[i].k = rej;
		else if (to_end)
			dst[i] = (struct bpf_insn)BPF_JUMP(BPF_JMP | BPF_JA,
							   n - i - 1, 0, 0);
		else
			dst[i].k = acc;
	}
	return 0;
}

int cap_snap_splice(const struct bpf_program *user,
		    const struct bpf_program *q, unsigned small, unsigned big,
		    struct bpf_program *out)
{
	u_int nu = user->bf_len, nq = q ? q->bf_len : 0;
	struct bpf_program p = { .bf_len = nu + nq };

	if (nu == 0 || nu > CAP_SNAP_MAXINSNS || nq > CAP_SNAP_MAXINSNS - nu ||
	    (q && nq == 0) ||
	    !(p.bf_insns = calloc(p.bf_len, sizeof(*p.bf_insns))))
		return -1;
	if (copy_rets(p.bf_insns, user, 0, small, q != NULL) < 0 ||
	    (q && copy_rets(p.bf_insns + nu, q, small, big, 0) < 0) ||
	    !cap_snap_valid(&p)) {
		free(p.bf_insns);
		return -1;
	}
	*out = p;
	return 0;
}

/* libpcap's message for the last error on c, else what failed (a
 * wpcap.dll without the function says nothing: capture/pcapdl_win.c). */
static void say_pcap_err(struct cap *c, char *errbuf, const char *what)
{
	const char *e = pcap_geterr(c->p);

	snprintf(errbuf, CAP_ERRBUF_SIZE, "%s", e && *e ? e : what);
}

/* Compiles expr on the device (its link type, its VLAN handling), as
 * cap_set_filter does. */
static int compile(struct cap *c, struct bpf_program *prog, const char *expr,
		   char *errbuf)
{
	if (pcap_compile(c->p, prog, expr, 1, PCAP_NETMASK_UNKNOWN) == 0)
		return 0;
	say_pcap_err(c, errbuf, "cannot compile the capture filter");
	return -1;
}

int cap_snap_filter(struct cap *c, const char *expr, char *errbuf)
{
	struct bpf_program user, both;
	unsigned small = (unsigned)(c->snap_small - c->snap_skip);
	unsigned big = (unsigned)(c->snap_big - c->snap_skip);
	int rc;

	if (compile(c, &user, expr, errbuf) < 0)
		return CAP_ERR_FILTER;
	/* a link type without UDP over IP: every packet small */
	if (!c->snap_q_ok)
		c->snap_q_ok = compile(c, &c->snap_q, CAP_SNAP_INITIAL_EXPR,
				       errbuf) == 0 ? 1 : -1;
	if ((c->snap_q_ok < 0 ||
	     cap_snap_splice(&user, &c->snap_q, small, big, &both) < 0) &&
	    cap_snap_splice(&user, NULL, small, big, &both) < 0) {
		pcap_freecode(&user);
		snprintf(errbuf, CAP_ERRBUF_SIZE, "out of memory");
		return CAP_ERR_FILTER;
	}
	pcap_freecode(&user);
	rc = pcap_setfilter(c->p, &both);
	pcap_freecode(&both);
	if (rc != 0) {
		say_pcap_err(c, errbuf, "cannot set the capture filter");
		return CAP_ERR_FILTER;
	}
	return CAP_OK;
}

int cap_snap_open(struct cap *c, const struct cap_live_opts *o, int skip,
		  char *errbuf)
{
	if (o->initial_snaplen <= o->snaplen)
		return CAP_OK;
	c->snap_small = o->snaplen;
	c->snap_big = o->initial_snaplen;
	c->snap_skip = skip < o->snaplen ? skip : 0;
	if (cap_snap_filter(c, "", errbuf) == CAP_OK)
		return CAP_OK;
	if (c->snap_q_ok > 0)
		pcap_freecode(&c->snap_q);
	c->snap_q_ok = 0;
	return CAP_ERR_FILTER;
}

bpf_u_int32 cap_snap_trim(const struct cap *c, const struct pcap_pkthdr *h,
			  const u_char *data)
{
	if (h->caplen <= (bpf_u_int32)c->snap_small ||
	    (c->snap_q_ok > 0 && pcap_offline_filter(&c->snap_q, h, data)))
		return h->caplen;
	return (bpf_u_int32)c->snap_small;
}
