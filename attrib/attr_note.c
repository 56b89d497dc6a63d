/*
 * attr_note.c - the process comments of pcapng files, written and read
 * (the format: attr_note.h).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "attr_int.h"
#include "attr_note.h"

/* ---- writing --------------------------------------------------------------- */

/* One owner in the comment format of attr_note.h: ptcpdump's first two
 * lines, then ours.  end: 0 the source (orig), 1 the destination (resp). */
static size_t owner_text(char *buf, size_t len, const struct attr_end *e,
			 int end)
{
	int n = snprintf(buf, len, "PID: %d\nCmd: %s\nUserId: %u\nCgroupId: "
			 "%llu\nEnd: %s\nSource: %s", e->pid, e->comm, e->uid,
			 (unsigned long long)e->cgroup, end ? "dst" : "src",
			 attr_src_name(e->src));

	return n < 0 ? 0 : (size_t)n < len ? (size_t)n : len - 1;
}

/* The owner's container, pod or unit, each key when known (ptcpdump's
 * keys, then ours). */
static void who_text(char *buf, size_t len, uint32_t who)
{
	const char *k[] = { "ContainerName", "ContainerId", "ContainerImage",
			    "PodName", "PodNamespace", "PodUID", "Runtime",
			    "Unit" };
	struct nm_who w;
	size_t used = 0;

	if (!nm_who_get(who, &w))
		return;
	const char *v[] = { w.name, w.id, w.image, w.pod, w.ns, w.pod_uid,
			    nm_rt_name(w.rt), w.unit };
	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]) && used < len; i++)
		if (v[i] && v[i][0])
			used += (size_t)snprintf(buf + used, len - used,
						 "\n%s: %s", k[i], v[i]);
}

int attr_packet_note(struct attr *a, const struct dec_pkt *p,
		     char comment[2][256], uint32_t *flags)
{
	struct attr_end ends[2];
	int n = 0;

	*flags = 0;
	comment[0][0] = comment[1][0] = '\0';
	if (!a || a->file)
		return 0;
	attr_packet(a, p, ends);
	for (int i = 0; i < 2; i++) {
		const struct attr_end *e = &ends[i];

		if (e->pid < 0)
			continue;
		owner_text(comment[n++], 256, e, i);
		if (!*flags)
			*flags = i ? 1 : 2;	/* inbound : outbound */
	}
	return n;
}

int attr_flow_note(struct attr *a, const struct ft_view *v,
		   char comment[2][ATTR_NOTE_MAX])
{
	const struct ft_key *k = &v->key;
	int af = (k->flags & FT_K_V6) ? AF_INET6 : AF_INET, n = 0;
	const uint8_t *o = v->orig_is_a ? k->a : k->b;
	const uint8_t *r = v->orig_is_a ? k->b : k->a;
	char oh[INET6_ADDRSTRLEN], rh[INET6_ADDRSTRLEN];
	struct attr_end ends[2];

	if (!a || a->file || (k->proto != 6 && k->proto != 17))
		return 0;
	attr_flow(a, v, ends);
	inet_ntop(af, o, oh, sizeof(oh));
	inet_ntop(af, r, rh, sizeof(rh));
	for (int i = 0; i < 2; i++) {
		size_t m;

		if (ends[i].pid < 0)
			continue;
		m = (size_t)snprintf(comment[n], ATTR_NOTE_MAX,
				     "porttop flow: %s %s %u %s %u\n",
				     k->proto == 6 ? "tcp" : "udp", oh,
				     v->orig_is_a ? k->pa : k->pb, rh,
				     v->orig_is_a ? k->pb : k->pa);
		m += owner_text(comment[n] + m, ATTR_NOTE_MAX - m, &ends[i], i);
		who_text(comment[n++] + m, ATTR_NOTE_MAX - m, ends[i].who);
	}
	return n;
}

/* ---- reading --------------------------------------------------------------- */

enum { K_OTHER, K_PID, K_CMD, K_UID, K_CGROUP, K_END, K_CNAME, K_CID,
       K_CIMAGE, K_POD, K_PODNS, K_PODUID, K_RUNTIME, K_UNIT };
/* with the ':' */
static const uint8_t key_len[] = { 0, 4, 4, 7, 9, 4, 14, 12, 15, 8, 13, 7,
				   8, 5 };

/* One line of a comment: its key, and its value [v, ve) (blanks around it
 * and a \r trimmed). */
struct kv {
	int key;
	const char *v, *ve;
};

/* [s, e) starts with lit (a constant memcmp: a compare or two) */
#define PREFIX(s, e, lit) ((size_t)((e) - (s)) >= sizeof(lit) - 1 && \
			   !memcmp(s, lit, sizeof(lit) - 1))

/* The key of the line [s, le): by its first letter, then its text. */
static int key_of(const char *s, const char *le)
{
	switch (s < le ? *s : 0) {
	case 'P':
		return PREFIX(s, le, "PID:") ? K_PID :
		       PREFIX(s, le, "PodName:") ? K_POD :
		       PREFIX(s, le, "PodNamespace:") ? K_PODNS :
		       PREFIX(s, le, "PodUID:") ? K_PODUID : K_OTHER;
	case 'C':
		return PREFIX(s, le, "Cmd:") ? K_CMD :
		       PREFIX(s, le, "CgroupId:") ? K_CGROUP :
		       PREFIX(s, le, "ContainerName:") ? K_CNAME :
		       PREFIX(s, le, "ContainerId:") ? K_CID :
		       PREFIX(s, le, "ContainerImage:") ? K_CIMAGE : K_OTHER;
	case 'E':
		return PREFIX(s, le, "End:") ? K_END : K_OTHER;
	case 'U':
		return PREFIX(s, le, "UserId:") ? K_UID :
		       PREFIX(s, le, "Unit:") ? K_UNIT : K_OTHER;
	case 'R':
		return PREFIX(s, le, "Runtime:") ? K_RUNTIME : K_OTHER;
	default:
		return K_OTHER;
	}
}

/* The line at *p (up to \n) into kv; *p moves past it. */
static void kv_next(const char **p, const char *e, struct kv *kv)
{
	const char *s = *p, *nl = memchr(s, '\n', (size_t)(e - s));
	const char *le = nl ? nl : e;

	*p = nl ? nl + 1 : e;
	kv->key = key_of(s, le);
	for (s += key_len[kv->key]; s < le && (*s == ' ' || *s == '\t'); s++)
		;
	while (le > s && (le[-1] == '\r' || le[-1] == ' ' || le[-1] == '\t'))
		le--;
	kv->v = s;
	kv->ve = le;
}

/* [s, e) is a decimal number no larger than max. */
static bool number(const char *s, const char *e, uint64_t max, uint64_t *out)
{
	const char *d = s;
	uint64_t v = 0, lim = max / 10;

	for (; s < e && *s >= '0' && *s <= '9'; s++) {
		unsigned dig = (unsigned)(*s - '0');

		if (v > lim || (v == lim && dig > max % 10))
			return false;
		v = v * 10 + dig;
	}
	*out = v;
	return s > d && s == e;
}

/* comm: the basename of [s, e), at most 15 bytes, as the kernel keeps it. */
static void set_comm(char comm[16], const char *s, const char *e)
{
	memset(comm, 0, 16);	/* records are compared whole */
	for (const char *p = s; p < e; p++)
		if (*p == '/')
			s = p + 1;
	for (size_t i = 0; i < 15 && s + i < e && s[i]; i++)
		comm[i] = s[i];
}

/* A value [s, e) into buf (len bytes), made safe for every report
 * format: no commas, quotes, backslashes or control characters. */
static void text(char *buf, size_t len, const char *s, const char *e)
{
	size_t n = (size_t)(e - s) < len - 1 ? (size_t)(e - s) : len - 1;

	for (size_t i = 0; i < n; i++)
		buf[i] = (unsigned char)s[i] < 0x20 || s[i] == ',' ||
			 s[i] == '"' || s[i] == '\\' ? '_' : s[i];
	buf[n] = '\0';
}

/* A container, pod or unit line of record c. */
static void who_line(struct attr_note_rec *c, const struct kv *kv)
{
	size_t len = (size_t)(kv->ve - kv->v);
	struct nm_cg *g = &c->cg;

	switch (kv->key) {
	case K_CNAME:
		text(c->rn.name, sizeof(c->rn.name), kv->v, kv->ve);
		break;
	case K_CID:	/* ptcpdump and porttop write the full 64 digits */
		for (size_t i = 0; i < len; i++)
			if (!((kv->v[i] >= '0' && kv->v[i] <= '9') ||
			      (kv->v[i] >= 'a' && kv->v[i] <= 'f')))
				len = 0;
		if (len == NM_ID_LEN - 1)
			text(g->id, sizeof(g->id), kv->v, kv->ve);
		break;
	case K_CIMAGE:
		text(c->rn.image, sizeof(c->rn.image), kv->v, kv->ve);
		break;
	case K_POD:
		text(c->rn.pod, sizeof(c->rn.pod), kv->v, kv->ve);
		break;
	case K_PODNS:
		text(c->rn.ns, sizeof(c->rn.ns), kv->v, kv->ve);
		break;
	case K_PODUID:
		text(g->pod_uid, sizeof(g->pod_uid), kv->v, kv->ve);
		break;
	case K_UNIT:
		text(g->unit, sizeof(g->unit), kv->v, kv->ve);
		break;
	case K_RUNTIME:
		for (int rt = 1; rt < NM_RT_NUM; rt++)
			if (len == strlen(nm_rt_name(rt)) &&
			    !memcmp(kv->v, nm_rt_name(rt), len))
				g->rt = (uint8_t)rt;
		break;
	default:
		break;
	}
}

int attr_note_parse(struct attr_note_rec *r, int n, int max, const char *s,
		    const char *e)
{
	struct kv kv;
	uint64_t x;

	kv_next(&s, e, &kv);
	if (kv.key == K_UID) {
		if (n > 0 && number(kv.v, kv.ve, UINT32_MAX, &x))
			r[n - 1].uid = (uint32_t)x;
		return n;
	}
	if (kv.key == K_CNAME || kv.key == K_POD) {	/* ptcpdump's */
		for (; n > 0; kv_next(&s, e, &kv)) {
			who_line(&r[n - 1], &kv);
			if (s >= e)
				break;
		}
		return n;
	}
	if (kv.key != K_PID)
		return n;
	if (!number(kv.v, kv.ve, INT32_MAX, &x))
		return -1;
	if (n == max)
		return n;
	struct attr_note_rec *c = &r[n];

	c->pid = (int32_t)x;
	c->uid = UINT32_MAX;
	c->cgroup = 0;
	c->end = -1;
	memset(c->comm, 0, sizeof(c->comm));
	memset(&c->cg, 0, sizeof(c->cg));
	memset(&c->rn, 0, sizeof(c->rn));
	while (s < e) {
		kv_next(&s, e, &kv);
		if (kv.key >= K_CNAME)
			who_line(c, &kv);
		else if (kv.key == K_CMD)
			set_comm(c->comm, kv.v, kv.ve);
		else if (kv.key == K_UID && number(kv.v, kv.ve, UINT32_MAX, &x))
			c->uid = (uint32_t)x;
		else if (kv.key == K_CGROUP &&
			 number(kv.v, kv.ve, UINT64_MAX, &x))
			c->cgroup = x;
		else if (kv.key == K_END && kv.ve - kv.v == 3)
			c->end = !memcmp(kv.v, "src", 3) ? 0 :
				 !memcmp(kv.v, "dst", 3) ? 1 : -1;
	}
	return n + 1;
}


bool attr_note_flow(const char *s, const char *e, struct dec_pkt *pk)
{
	char t[160], a[2][INET6_ADDRSTRLEN], proto[8];
	unsigned p[2];
	int used = -1;

	if ((size_t)(e - s) >= sizeof(t))
		return false;
	memcpy(t, s, (size_t)(e - s));
	t[e - s] = '\0';
	if (sscanf(t, "porttop flow: %7s %45s %u %45s %u%n", proto, a[0], &p[0],
		   a[1], &p[1], &used) != 5 || used != (int)(e - s) ||
	    p[0] > 65535 || p[1] > 65535)
		return false;
	memset(pk, 0, sizeof(*pk));
	pk->proto = !strcmp(proto, "tcp") ? 6 : !strcmp(proto, "udp") ? 17 : 0;
	pk->ipv = strchr(a[0], ':') ? 6 : 4;
	pk->sport = (uint16_t)p[0];
	pk->dport = (uint16_t)p[1];
	return pk->proto && inet_pton(pk->ipv == 6 ? AF_INET6 : AF_INET, a[0],
				      pk->src) == 1 &&
	       inet_pton(pk->ipv == 6 ? AF_INET6 : AF_INET, a[1], pk->dst) == 1;
}
