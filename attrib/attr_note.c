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
static void owner_text(char *buf, size_t len, const struct attr_end *e,
		       int end)
{
	snprintf(buf, len, "PID: %d\nCmd: %s\nUserId: %u\nCgroupId: %llu\n"
		 "End: %s\nSource: %s", e->pid, e->comm, e->uid,
		 (unsigned long long)e->cgroup, end ? "dst" : "src",
		 attr_src_name(e->src));
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
		owner_text(comment[n++] + m, ATTR_NOTE_MAX - m, &ends[i], i);
	}
	return n;
}

/* ---- reading --------------------------------------------------------------- */

enum { K_OTHER, K_PID, K_CMD, K_UID, K_CGROUP, K_END };
static const uint8_t key_len[] = { 0, 4, 4, 7, 9, 4 };	/* with the ':' */

/* One line of a comment: its key, and its value [v, ve) (blanks around it
 * and a \r trimmed). */
struct kv {
	int key;
	const char *v, *ve;
};

/* [s, e) starts with lit (a constant memcmp: a compare or two) */
#define PREFIX(s, e, lit) ((size_t)((e) - (s)) >= sizeof(lit) - 1 && \
			   !memcmp(s, lit, sizeof(lit) - 1))

/* The line at *p (up to \n) into kv; *p moves past it. */
static void kv_next(const char **p, const char *e, struct kv *kv)
{
	const char *s = *p, *nl = memchr(s, '\n', (size_t)(e - s));
	const char *le = nl ? nl : e;

	*p = nl ? nl + 1 : e;
	kv->key = PREFIX(s, le, "PID:") ? K_PID :
		  PREFIX(s, le, "Cmd:") ? K_CMD :
		  PREFIX(s, le, "End:") ? K_END :
		  PREFIX(s, le, "UserId:") ? K_UID :
		  PREFIX(s, le, "CgroupId:") ? K_CGROUP : K_OTHER;
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
	while (s < e) {
		kv_next(&s, e, &kv);
		if (kv.key == K_CMD)
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
