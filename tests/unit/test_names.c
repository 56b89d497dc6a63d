/*
 * test_names.c - names people think in (issue 17): cgroup paths in the
 * forms the runtimes write (names/nm_cgroup.c), /proc/PID/cgroup files of
 * v2 and hybrid hosts, the payload readers (decode/dec_names.c: DNS
 * answers with compression and loops, TLS server_name, HTTP Host, each
 * cut and lying; decode/dec_quic.c: RFC 9001 Appendix A's keys and client
 * Initial, cut at every byte, and Initials sealed here with CRYPTO frames
 * out of order, missing or overrunning), and the container comments of pcapng flow notes
 * (attrib/attr_note.c), ptcpdump's separate ones included.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "../../attrib/attr_note.h"
#include <openssl/evp.h>

#include "../../decode/dec_names.h"
#include "../../decode/dec_quic_crypto.h"
#include "quic_rfc9001.h"
#include "../../names/nm_who.h"
#include "../../names/nm_runtime.h"
#include "../../names/nm_rtev.h"
#include <stdlib.h>

#define ID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void cgroup_forms(void **state)
{
	static const struct {
		const char *path;
		int rt;
		const char *id, *pod, *unit;
	} t[] = {
		{ "/system.slice/docker-" ID ".scope", NM_RT_DOCKER, ID, "", "" },
		{ "/docker/" ID, NM_RT_DOCKER, ID, "", "" },
		{ "/machine.slice/libpod-" ID ".scope", NM_RT_PODMAN, ID, "", "" },
		{ "/libpod_parent/libpod-" ID, NM_RT_PODMAN, ID, "", "" },
		{ "/user.slice/user-1000.slice/user@1000.service/user.slice/"
		  "libpod-" ID ".scope/container", NM_RT_PODMAN, ID, "", "" },
		{ "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-"
		  "pod1b2c3d4e_5f60_7182_93a4_b5c6d7e8f901.slice/cri-containerd-"
		  ID ".scope", NM_RT_CONTAINERD, ID,
		  "1b2c3d4e-5f60-7182-93a4-b5c6d7e8f901", "" },
		{ "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-"
		  "pod1b2c3d4e_5f60_7182_93a4_b5c6d7e8f901.slice/crio-" ID
		  ".scope", NM_RT_CRIO, ID,
		  "1b2c3d4e-5f60-7182-93a4-b5c6d7e8f901", "" },
		{ "/kubepods/besteffort/pod1b2c3d4e-5f60-7182-93a4-b5c6d7e8f901/"
		  ID, NM_RT_KUBE, ID, "1b2c3d4e-5f60-7182-93a4-b5c6d7e8f901", "" },
		{ "/k8s.io/" ID, NM_RT_CONTAINERD, ID, "", "" },
		{ "/system.slice/nginx.service", NM_RT_NONE, "", "",
		  "nginx.service" },
	};
	struct nm_cg cg;

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(nm_cgroup_parse(t[i].path, &cg), 1);
		assert_int_equal(cg.rt, t[i].rt);
		assert_string_equal(cg.id, t[i].id);
		assert_string_equal(cg.pod_uid, t[i].pod);
		assert_string_equal(cg.unit, t[i].unit);
	}
	/* an id one digit short, upper case, the root: nothing */
	assert_int_equal(nm_cgroup_parse("/docker/0123456789abcdef", &cg), 0);
	assert_int_equal(nm_cgroup_parse("/", &cg), 0);
	assert_int_equal(cg.rt, NM_RT_NONE);
}

static void cgroup_files(void **state)
{
	char path[NM_PATH_LEN];
	struct nm_cg cg;

	(void)state;
	/* hybrid: v2 says nothing, name=systemd names the container */
	assert_int_equal(nm_cgroup_file("9:name=systemd:/libpod_parent/"
					"libpod-" ID "\n4:memory:/x\n0::/\n",
					path, sizeof(path), &cg), 1);
	assert_int_equal(cg.rt, NM_RT_PODMAN);
	assert_string_equal(cg.id, ID);
	/* v2 only, a unit */
	assert_int_equal(nm_cgroup_file("0::/porttop.slice/web.service\n",
					path, sizeof(path), &cg), 1);
	assert_string_equal(cg.unit, "web.service");
	assert_int_equal(nm_cgroup_file("0::/\n", path, sizeof(path), &cg), 0);
}

/* ---- DNS ---------------------------------------------------------------- */

struct seen {
	int n;
	char owner[4][DEC_NAME_MAX], target[4][DEC_NAME_MAX];
	uint16_t type[4];
	uint32_t ttl[4];
	uint8_t addr[4][16];
};

static void on_rr(void *arg, const struct dec_dns_rr *rr)
{
	struct seen *s = arg;

	if (s->n >= 4)
		return;
	snprintf(s->owner[s->n], DEC_NAME_MAX, "%s", rr->owner);
	snprintf(s->target[s->n], DEC_NAME_MAX, "%s",
		 rr->target ? rr->target : "");
	s->type[s->n] = rr->type;
	s->ttl[s->n] = rr->ttl;
	memcpy(s->addr[s->n], rr->addr, 16);
	s->n++;
}

/* www.example.test IN A? -> CNAME web.example.test (compressed), A
 * 192.0.2.7 */
static const uint8_t dns_resp[] = {
	0x12, 0x34, 0x81, 0x80, 0, 1, 0, 2, 0, 0, 0, 0,
	3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 4, 't', 'e',
	's', 't', 0, 0, 1, 0, 1,
	/* answer 1 at 34: www.example.test (ptr 12) CNAME web + ptr 16 */
	0xc0, 12, 0, 5, 0, 1, 0, 0, 0x0e, 0x10, 0, 6,
	3, 'w', 'e', 'b', 0xc0, 16,
	/* answer 2 at 52: web.example.test (ptr 46) A */
	0xc0, 46, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 7,
};

static void dns_answers(void **state)
{
	struct rd_span s = { dns_resp, sizeof(dns_resp) };
	struct seen seen = { 0 };

	(void)state;
	assert_int_equal(dec_dns(&s, true, on_rr, &seen), DEC_NM_OK);
	assert_int_equal(seen.n, 2);
	assert_int_equal(seen.type[0], DEC_RR_CNAME);
	assert_string_equal(seen.owner[0], "www.example.test");
	assert_string_equal(seen.target[0], "web.example.test");
	assert_int_equal(seen.ttl[0], 3600);
	assert_int_equal(seen.type[1], DEC_RR_A);
	assert_string_equal(seen.owner[1], "web.example.test");
	assert_memory_equal(seen.addr[1], ((uint8_t[]){ 192, 0, 2, 7 }), 4);
}

static void dns_damage(void **state)
{
	uint8_t b[sizeof(dns_resp)];
	struct rd_span s = { dns_resp, sizeof(dns_resp) - 5 };
	struct seen seen = { 0 };

	(void)state;
	/* cut by the snaplen in the A record: the CNAME was given */
	assert_int_equal(dec_dns(&s, false, on_rr, &seen), DEC_NM_CUT);
	assert_int_equal(seen.n, 1);
	/* the same bytes as a whole payload lie about their lengths */
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(dec_dns(&s, true, on_rr, &seen), DEC_NM_BAD);
	/* a pointer to itself: a loop, bad, not a hang */
	memcpy(b, dns_resp, sizeof(b));
	b[52] = 0xc0, b[53] = 52;
	s = (struct rd_span){ b, sizeof(b) };
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(dec_dns(&s, true, on_rr, &seen), DEC_NM_BAD);
	/* a query (QR 0) is not read */
	b[2] = 0x01;
	assert_int_equal(dec_dns(&s, true, on_rr, &seen), DEC_NM_NONE);
}

/* ---- TLS and HTTP ------------------------------------------------------- */

/* A minimal ClientHello: no ciphers of note, one extension, server_name
 * "sni.test". */
static size_t client_hello(uint8_t *b, const char *name)
{
	size_t nl = strlen(name), ext = 9 + nl, hs = 2 + 32 + 1 + 4 + 2 + 2 +
		    ext, n = 0;

	b[n++] = 22, b[n++] = 3, b[n++] = 1;
	b[n++] = (uint8_t)((hs + 4) >> 8), b[n++] = (uint8_t)(hs + 4);
	b[n++] = 1, b[n++] = 0, b[n++] = (uint8_t)(hs >> 8), b[n++] = (uint8_t)hs;
	b[n++] = 3, b[n++] = 3;
	memset(b + n, 0xab, 32), n += 32;
	b[n++] = 0;				/* session id */
	b[n++] = 0, b[n++] = 2, b[n++] = 0x13, b[n++] = 0x01;	/* suites */
	b[n++] = 1, b[n++] = 0;			/* compression */
	b[n++] = 0, b[n++] = (uint8_t)ext;	/* extensions */
	b[n++] = 0, b[n++] = 0;			/* server_name */
	b[n++] = 0, b[n++] = (uint8_t)(5 + nl);
	b[n++] = 0, b[n++] = (uint8_t)(3 + nl);
	b[n++] = 0, b[n++] = 0, b[n++] = (uint8_t)nl;
	memcpy(b + n, name, nl);
	return n + nl;
}

static void tls_sni(void **state)
{
	uint8_t b[256];
	char name[DEC_NAME_MAX];
	size_t n = client_hello(b, "sni.test");
	struct rd_span s = { b, n };

	(void)state;
	assert_int_equal(dec_tls_sni(&s, true, name), DEC_NM_OK);
	assert_string_equal(name, "sni.test");
	s.len = n - 4;				/* cut in the name */
	assert_int_equal(dec_tls_sni(&s, false, name), DEC_NM_CUT);
	b[0] = 23;				/* application data */
	s.len = n;
	assert_int_equal(dec_tls_sni(&s, true, name), DEC_NM_NONE);
}

static void http_host(void **state)
{
	static const char req[] = "GET / HTTP/1.1\r\nUser-Agent: t\r\n"
				  "host: Web.Test:8080\r\n\r\n";
	static const char lit[] = "GET / HTTP/1.1\r\nHost: 10.0.0.1:80\r\n\r\n";
	static const char resp[] = "HTTP/1.1 200 OK\r\nHost: x.test\r\n\r\n";
	char name[DEC_NAME_MAX];
	struct rd_span s = { (const uint8_t *)req, sizeof(req) - 1 };

	(void)state;
	assert_int_equal(dec_http_host(&s, true, name), DEC_NM_OK);
	assert_true(!strcmp(name, "Web.Test") || !strcmp(name, "web.test"));
	s = (struct rd_span){ (const uint8_t *)lit, sizeof(lit) - 1 };
	assert_int_equal(dec_http_host(&s, true, name), DEC_NM_NONE);
	s = (struct rd_span){ (const uint8_t *)resp, sizeof(resp) - 1 };
	assert_int_equal(dec_http_host(&s, true, name), DEC_NM_NONE);
	s = (struct rd_span){ (const uint8_t *)req, 20 };	/* cut */
	assert_int_equal(dec_http_host(&s, false, name), DEC_NM_CUT);
}

/* ---- QUIC Initials ------------------------------------------------------- */

static size_t unhex(uint8_t *b, const char *h)
{
	size_t n = 0;
	unsigned v;

	for (; h[0] && h[1]; h += 2) {
		assert_int_equal(sscanf(h, "%2x", &v), 1);
		b[n++] = (uint8_t)v;
	}
	return n;
}

static void a1_keys(struct dec_quic_keys *k)
{
	unhex(k->key, A1_KEY);
	unhex(k->iv, A1_IV);
	unhex(k->hp, A1_HP);
}

/* Protect an Initial as its client would (RFC 9001 5.3, 5.4.1) with
 * keys k: the unprotected header hdr (hl bytes, ending in a 4-byte
 * packet number), payload pt (pl bytes) into pkt; its length. */
static size_t seal_with(const struct dec_quic_keys *kp, uint8_t *pkt,
			const uint8_t *hdr, size_t hl, const uint8_t *pt,
			size_t pl)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	struct dec_quic_keys k = *kp;
	uint8_t nonce[12], mask[5];
	int n;

	memcpy(pkt, hdr, hl);
	memcpy(nonce, k.iv, 12);
	for (int i = 0; i < 4; i++)
		nonce[8 + i] ^= hdr[hl - 4 + i];
	assert_non_null(c);
	assert_true(EVP_EncryptInit_ex(c, EVP_aes_128_gcm(), NULL, k.key,
				       nonce));
	assert_true(EVP_EncryptUpdate(c, NULL, &n, hdr, (int)hl));
	assert_true(EVP_EncryptUpdate(c, pkt + hl, &n, pt, (int)pl));
	assert_true(EVP_EncryptFinal_ex(c, pkt + hl + n, &n));
	assert_true(EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16,
					pkt + hl + pl));
	EVP_CIPHER_CTX_free(c);
	assert_true(dec_quic_hp_mask(&k, pkt + hl, mask));
	pkt[0] ^= mask[0] & 0x0f;
	for (int i = 0; i < 4; i++)
		pkt[hl - 4 + i] ^= mask[1 + i];
	return hl + pl + 16;
}

/* The same with A.1's keys. */
static size_t seal(uint8_t *pkt, const uint8_t *hdr, size_t hl,
		   const uint8_t *pt, size_t pl)
{
	struct dec_quic_keys k;

	a1_keys(&k);
	return seal_with(&k, pkt, hdr, hl, pt, pl);
}

static void quic_keys(void **state)
{
	struct dec_quic_keys k, want;
	uint8_t dcid[8], sample[16], mask[5], want_mask[5];

	(void)state;
	unhex(dcid, A1_DCID);
	a1_keys(&want);
	assert_true(dec_quic_initial_keys(DEC_QUIC_V1, dcid, 8, &k));
	assert_memory_equal(k.key, want.key, 16);
	assert_memory_equal(k.iv, want.iv, 12);
	assert_memory_equal(k.hp, want.hp, 16);
	unhex(sample, A2_SAMPLE);
	unhex(want_mask, A2_MASK);
	assert_true(dec_quic_hp_mask(&k, sample, mask));
	assert_memory_equal(mask, want_mask, 5);
	assert_false(dec_quic_initial_keys(0xff00001d, dcid, 8, &k));
}

/* A.2's packet: example.com; cut at every byte, never a name. */
static void quic_rfc_initial(void **state)
{
	uint8_t pkt[1200], srv[256];
	char name[DEC_NAME_MAX];
	struct rd_span s = { pkt, 0 };

	(void)state;
	assert_int_equal(unhex(pkt, A2_PACKET), sizeof(pkt));
	s.len = sizeof(pkt);
	assert_true(dec_quic_initial(pkt, s.len));
	assert_int_equal(dec_quic_sni(&s, true, name), DEC_NM_OK);
	assert_string_equal(name, "example.com");
	for (uint32_t cut = 0; cut < sizeof(pkt); cut++) {
		s.len = cut;
		assert_int_equal(dec_quic_sni(&s, false, name),
				 cut < 7 ? DEC_NM_NONE : DEC_NM_CUT);
		assert_string_equal(name, "");
		assert_int_equal(dec_quic_sni(&s, true, name),
				 cut < 7 ? DEC_NM_NONE : DEC_NM_BAD);
		assert_string_equal(name, "");
	}
	s.len = sizeof(pkt);
	pkt[600] ^= 1;		/* the tag no longer authenticates */
	assert_int_equal(dec_quic_sni(&s, true, name), DEC_NM_NONE);
	s = (struct rd_span){ srv, (uint32_t)unhex(srv, A3_PACKET) };
	assert_int_equal(dec_quic_sni(&s, true, name), DEC_NM_NONE);
}

/* A CRYPTO frame (RFC 9000 19.6) of hello[at, at + len) at b. */
static size_t crypto(uint8_t *b, const uint8_t *hello, unsigned at,
		     unsigned len)
{
	b[0] = 0x06;
	b[1] = (uint8_t)(0x40 | at >> 8), b[2] = (uint8_t)at;
	b[3] = (uint8_t)(0x40 | len >> 8), b[4] = (uint8_t)len;
	memcpy(b + 5, hello + at, len);
	return 5 + len;
}

/* One Initial sealed from frames f (n bytes, padded), read back. */
static int sealed(const uint8_t *f, size_t n, char *name)
{
	uint8_t hdr[32], pt[A2_PAYLOAD_LEN] = { 0 }, pkt[1200];
	size_t hl = unhex(hdr, A2_HEADER);
	struct rd_span s = { pkt, 0 };

	memcpy(pt, f, n);
	s.len = (uint32_t)seal(pkt, hdr, hl, pt, sizeof(pt));
	return dec_quic_sni(&s, true, name);
}

static void quic_frames(void **state)
{
	uint8_t c[300], hdr[32], pt[A2_PAYLOAD_LEN] = { 0 }, pkt[1200];
	uint8_t want[1200], f[600];
	const uint8_t *hello = c + 4;	/* past its own frame's header */
	unsigned hl = (unsigned)unhex(c, A2_CRYPTO) - 4;
	char name[DEC_NAME_MAX];
	size_t n = 0;

	(void)state;
	/* the sealer makes A.2's packet from its header and frame */
	memcpy(pt, c, hl + 4);
	assert_int_equal(seal(pkt, hdr, unhex(hdr, A2_HEADER), pt,
			      sizeof(pt)), 1200);
	unhex(want, A2_PACKET);
	assert_memory_equal(pkt, want, 1200);
	/* the hello's end first, PING, PADDING and an ACK between */
	f[n++] = 0x01;
	n += crypto(f + n, hello, 100, hl - 100);
	f[n++] = 0x00, f[n++] = 0x00;
	f[n++] = 0x02, f[n++] = 0, f[n++] = 0, f[n++] = 0, f[n++] = 0;
	n += crypto(f + n, hello, 0, 100);
	assert_int_equal(sealed(f, n, name), DEC_NM_OK);
	assert_string_equal(name, "example.com");
	/* its start in a later packet: nothing from 0 */
	n = crypto(f, hello, 100, hl - 100);
	assert_int_equal(sealed(f, n, name), DEC_NM_CUT);
	/* cut before the server_name */
	n = crypto(f, hello, 0, 40);
	assert_int_equal(sealed(f, n, name), DEC_NM_CUT);
	/* an ACK only */
	n = 0;
	f[n++] = 0x02, f[n++] = 0, f[n++] = 0, f[n++] = 0, f[n++] = 0;
	assert_int_equal(sealed(f, n, name), DEC_NM_NONE);
	/* a STREAM frame, which an Initial may not carry */
	n = crypto(f, hello, 0, hl);
	f[n++] = 0x08;
	assert_int_equal(sealed(f, n, name), DEC_NM_BAD);
	/* a CRYPTO frame longer than the payload */
	n = crypto(f, hello, 0, hl);
	f[3] = 0x7f, f[4] = 0xff;
	assert_int_equal(sealed(f, n, name), DEC_NM_BAD);
}

/* QUIC v2 (RFC 9369): A.2's header with v2's version and Initial type
 * (RFC 9369 Appendix A.2 prints it), sealed with the v2 keys of the same
 * DCID, names example.com; the v1 type bits under v2 are not an Initial. */
static void quic_v2(void **state)
{
	uint8_t c[300], hdr[32], pt[A2_PAYLOAD_LEN] = { 0 }, pkt[1200], dcid[8];
	struct dec_quic_keys k;
	char name[DEC_NAME_MAX];
	size_t hl = unhex(hdr, "d36b3343cf088394c8f03e5157080000449e00000002");
	struct rd_span s = { pkt, 0 };

	(void)state;
	unhex(dcid, A1_DCID);
	memcpy(pt, c, unhex(c, A2_CRYPTO));
	assert_true(dec_quic_initial_keys(DEC_QUIC_V2, dcid, 8, &k));
	s.len = (uint32_t)seal_with(&k, pkt, hdr, hl, pt, sizeof(pt));
	assert_int_equal(dec_quic_sni(&s, true, name), DEC_NM_OK);
	assert_string_equal(name, "example.com");
	pkt[0] ^= 0x10;		/* type 0: v1's Initial, v2's Retry */
	assert_false(dec_quic_initial(pkt, s.len));
	assert_int_equal(dec_quic_sni(&s, true, name), DEC_NM_NONE);
}

/* ---- flow notes ---------------------------------------------------------- */

static int parse(struct attr_note_rec *r, int n, const char *c)
{
	return attr_note_parse(r, n, ATTR_NOTE_RECS, c, c + strlen(c));
}

static void note_keys(void **state)
{
	struct attr_note_rec r[ATTR_NOTE_RECS];
	int n;

	(void)state;
	n = parse(r, 0, "PID: 42\nCmd: httpd\nUserId: 0\nCgroupId: 7\n"
		  "End: dst\nSource: bpf\nContainerName: web\nContainerId: "
		  ID "\nContainerImage: localhost/bb:1\nRuntime: podman\n"
		  "Unit: x.service");
	assert_int_equal(n, 1);
	assert_string_equal(r[0].rn.name, "web");
	assert_string_equal(r[0].rn.image, "localhost/bb:1");
	assert_string_equal(r[0].cg.id, ID);
	assert_int_equal(r[0].cg.rt, NM_RT_PODMAN);
	assert_string_equal(r[0].cg.unit, "x.service");
	/* ptcpdump's own comments complete the last record; a value with a
	 * comma or a quote is made safe for CSV and JSON */
	n = parse(r, n, "ContainerName: a,\"b\"\nContainerId: " ID);
	n = parse(r, n, "PodName: p1\nPodNamespace: ns1");
	assert_int_equal(n, 1);
	assert_string_equal(r[0].rn.name, "a__b_");
	assert_string_equal(r[0].rn.pod, "p1");
	assert_string_equal(r[0].rn.ns, "ns1");
	/* an id that is not 64 hex digits is not taken */
	n = parse(r, 0, "PID: 1\nContainerId: 1234");
	assert_string_equal(r[0].cg.id, "");
}

/* The Containers view's groups: one container's records (a file's with
 * its names, a live one's from /proc without) are one group, named by
 * the container; an unnamed one, a unit, none. */
/* --runtime SPEC: the sockets and APIs each form gives; bad lists
 * refused. */
static void runtime_spec(void **state)
{
	static const char *const bad[] = { "", "bogus", "docker=rel",
		"docker=", "none,docker", "podman,none", "dock", ",", "cri=rel",
		"podman=/a,podman=/b,podman=/c,podman=/d,podman=/e,"
		"podman=/f,podman=/g,podman=/h,podman=/i" };
	struct nm_runtime_opts o;

	(void)state;
	setenv("XDG_RUNTIME_DIR", "/run/user/7", 1);
	setenv("DOCKER_HOST", "unix:///tmp/d.sock", 1);
	memset(&o, 0, sizeof(o));
	assert_int_equal(nm_runtime_spec(&o, "none"), 0);
	assert_true(o.off);
	assert_int_equal(o.nsock, 0);
	memset(&o, 0, sizeof(o));
	assert_int_equal(nm_runtime_spec(&o, "podman"), 0);
	assert_int_equal(o.nsock, 2);
	assert_string_equal(o.sockets[0], "/run/podman/podman.sock");
	assert_string_equal(o.sockets[1], "/run/user/7/podman/podman.sock");
	assert_int_equal(o.api[1], NM_API_PODMAN);
	memset(&o, 0, sizeof(o));
	assert_int_equal(nm_runtime_spec(&o, "docker=/x.sock,docker"), 0);
	assert_int_equal(o.nsock, 3);	/* $DOCKER_HOST, then the usual */
	assert_string_equal(o.sockets[0], "/x.sock");
	assert_string_equal(o.sockets[1], "/tmp/d.sock");
	assert_string_equal(o.sockets[2], "/run/docker.sock");
	assert_int_equal(o.api[2], NM_API_DOCKER);
	memset(&o, 0, sizeof(o));
	assert_int_equal(nm_runtime_spec(&o, "auto"), 0);	/* the default */
	assert_int_equal(o.nsock, 6);
	assert_int_equal(o.api[0], NM_API_ANY);
	assert_int_equal(o.api[3], NM_API_ANY);
	assert_string_equal(o.sockets[4], "/run/containerd/containerd.sock");
	assert_string_equal(o.sockets[5], "/run/crio/crio.sock");
	assert_int_equal(o.api[4], NM_API_CRI);
	assert_int_equal(o.api[5], NM_API_CRI);
	memset(&o, 0, sizeof(o));
	assert_int_equal(nm_runtime_spec(&o, "auto,podman,cri"), 0);	/* once */
	assert_int_equal(o.nsock, 6);
	memset(&o, 0, sizeof(o));
	assert_int_equal(nm_runtime_spec(&o, "cri=/tmp/c.sock,cri"), 0);
	assert_int_equal(o.nsock, 3);
	assert_string_equal(o.sockets[0], "/tmp/c.sock");
	assert_int_equal(o.api[0], NM_API_CRI);
	assert_string_equal(o.sockets[2], "/run/crio/crio.sock");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&o, 0, sizeof(o));
		assert_int_equal(nm_runtime_spec(&o, bad[i]), -1);
	}
}

static void got_event(void *arg, const char *id, const struct nm_rtnames *n)
{
	struct nm_rtnames *out = arg;

	assert_int_equal(strlen(id), 64);
	*out = *n;
}

/* /events lines: Podman's (as its service sent them here), Docker's
 * with the kubelet's labels; other events and damage give nothing. */
static void runtime_events(void **state)
{
	static const char podman[] = "{\"status\":\"start\",\"id\":\"10b508bb82aa641ea89d5b8c73a09906b31663036736a4cb807ae23b456bd43e\",\"from\":\"localhost/n3ev:1\",\"Type\":\"container\",\"Action\":\"start\",\"Actor\":{\"ID\":\"10b508bb82aa641ea89d5b8c73a09906b31663036736a4cb807ae23b456bd43e\",\"Attributes\":{\"containerExitCode\":\"0\",\"image\":\"localhost/n3ev:1\",\"name\":\"n3evc\",\"podId\":\"\"}},\"scope\":\"local\",\"time\":1796584455,\"timeNano\":1796584455649680845}";
	static const char docker[] = "{\"Type\":\"container\",\"Action\":\"create\",\"Actor\":{\"ID\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\",\"Attributes\":{\"image\":\"nginx:1.25\",\"name\":\"k8s_web_web-7d_prod_1\",\"io.kubernetes.container.name\":\"web\",\"io.kubernetes.pod.name\":\"web-7d\",\"io.kubernetes.pod.namespace\":\"prod\"}}}";
	static const char *const none[] = {
		"{\"Type\":\"network\",\"Action\":\"connect\",\"Actor\":{\"ID\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\",\"Attributes\":{\"name\":\"podman\"}}}",
		"{\"Type\":\"container\",\"Action\":\"start\",\"Actor\":{\"ID\":\"abc\",\"Attributes\":{\"name\":\"x\"}}}",
		"{\"Type\":\"container\",\"Action\":\"start\",\"Actor\":{\"ID\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}}" };
	struct nm_rtnames n;

	(void)state;
	memset(&n, 0, sizeof(n));
	assert_int_equal(nm_rt_event(podman, sizeof(podman) - 1, got_event, &n), 1);
	assert_string_equal(n.name, "n3evc");
	assert_string_equal(n.image, "localhost/n3ev:1");
	assert_string_equal(n.pod, "");
	assert_int_equal(nm_rt_event(docker, sizeof(docker) - 1, got_event, &n), 1);
	assert_string_equal(n.name, "web");
	assert_string_equal(n.image, "nginx:1.25");
	assert_string_equal(n.pod, "web-7d");
	assert_string_equal(n.ns, "prod");
	for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++)
		assert_int_equal(nm_rt_event(none[i], strlen(none[i]),
					     got_event, NULL), 0);
	assert_int_equal(nm_rt_event(podman, 40, got_event, NULL), -1);
	assert_int_equal(nm_rt_event("[1]", 3, got_event, NULL), -1);
}

static void who_groups(void **state)
{
	struct nm_cg c = { .rt = NM_RT_PODMAN, .id = ID }, u = { 0 };
	struct nm_rtnames web = { .name = "web", .image = "localhost/bb:1",
				  .pod = "shop", .ns = "prod" };
	uint32_t named, bare, other, unit;
	char b[160];

	(void)state;
	snprintf(u.unit, sizeof(u.unit), "nginx.service");
	named = nm_who_recorded(&c, &web);
	bare = nm_who_intern(7, "/libpod_parent/libpod-" ID, &c);
	c.id[0] = 'f';
	other = nm_who_intern(8, "/libpod_parent/libpod-f", &c);
	unit = nm_who_intern(9, "/system.slice/nginx.service", &u);
	assert_true(named && bare && other && unit);
	assert_true(nm_who_same_group(named, bare));
	assert_false(nm_who_same_group(named, other));
	assert_false(nm_who_same_group(unit, named));
	assert_false(nm_who_same_group(0, unit));
	assert_true(nm_who_same_group(0, 0));
	nm_who_label(named, b, sizeof(b));
	assert_string_equal(b, "web pod prod/shop");
	nm_who_label(bare, b, sizeof(b));	/* not named (yet) */
	assert_string_equal(b, "podman 0123456789ab");
	nm_who_label(unit, b, sizeof(b));
	assert_string_equal(b, "nginx.service");
	nm_who_label(0, b, sizeof(b));
	assert_string_equal(b, "-");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cgroup_forms),
		cmocka_unit_test(cgroup_files),
		cmocka_unit_test(dns_answers),
		cmocka_unit_test(dns_damage),
		cmocka_unit_test(tls_sni),
		cmocka_unit_test(http_host),
		cmocka_unit_test(quic_keys),
		cmocka_unit_test(quic_rfc_initial),
		cmocka_unit_test(quic_frames),
		cmocka_unit_test(quic_v2),
		cmocka_unit_test(note_keys),
		cmocka_unit_test(who_groups),
		cmocka_unit_test(runtime_spec),
		cmocka_unit_test(runtime_events),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
