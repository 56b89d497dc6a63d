/*
 * test_attr_iphlp.c - the IP Helper table walker (attrib/attr_iphlp.c) on
 * buffers laid out as Windows writes MIB_TCPTABLE_OWNER_PID,
 * MIB_TCP6TABLE_OWNER_PID, MIB_UDPTABLE_OWNER_PID and
 * MIB_UDP6TABLE_OWNER_PID (offsets checked with MinGW's iphlpapi.h:
 * rows of 24, 56, 12 and 28 bytes from offset 4): ports in network order
 * in a DWORD, pid 0 as unknown, listeners, IPv4-mapped IPv6, a buffer
 * shorter than its count (truncated), and iphlp_fetch against a table
 * that grows between the size call and the data call (racing sizes);
 * token SIDs in their byte layout (MS-DTYP 2.4.2.2) to uids as Cygwin
 * maps them, and the services of svchost.exe processes to their names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../attrib/attr.h"
#include "../../attrib/attr_iphlp.h"

static struct attr_sock got[16];
static int ngot;

static void collect(void *arg, const struct attr_sock *s)
{
	(void)arg;
	if (ngot < 16)
		got[ngot++] = *s;
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> 8 * i);
}

/* A port as Windows stores it: network order in the DWORD's low bytes. */
static void putport(uint8_t *p, uint16_t port)
{
	put32(p, 0);
	p[0] = (uint8_t)(port >> 8);
	p[1] = (uint8_t)port;
}

static void tcp4_row(uint8_t *r, uint32_t state, const uint8_t la[4],
		     uint16_t lp, const uint8_t ra[4], uint16_t rp,
		     uint32_t pid)
{
	put32(r, state);
	memcpy(r + 4, la, 4);
	putport(r + 8, lp);
	memcpy(r + 12, ra, 4);
	putport(r + 16, rp);
	put32(r + 20, pid);
}

static void tcp4(void **state)
{
	static const uint8_t lo[4] = { 127, 0, 0, 1 }, any[4] = { 0 },
			     peer[4] = { 10, 0, 0, 9 };
	uint8_t buf[4 + 3 * 24];

	(void)state;
	put32(buf, 3);
	tcp4_row(buf + 4, IPHLP_TCP_LISTEN, any, 445, any, 0, 4);
	tcp4_row(buf + 28, 5, lo, 49876, peer, 443, 1234);	/* ESTAB */
	tcp4_row(buf + 52, IPHLP_TCP_TIME_WAIT, lo, 49875, peer, 80, 0);
	ngot = 0;
	assert_int_equal(iphlp_walk(IPHLP_TCP4, buf, sizeof(buf), collect,
				    NULL), 3);
	assert_int_equal(ngot, 3);
	assert_int_equal(got[0].listener, 1);
	assert_int_equal(got[0].lport, 445);
	assert_int_equal(got[0].pid, 4);
	assert_int_equal(got[1].proto, 6);
	assert_int_equal(got[1].ipv, 4);
	assert_memory_equal(got[1].laddr, lo, 4);
	assert_memory_equal(got[1].raddr, peer, 4);
	assert_int_equal(got[1].lport, 49876);
	assert_int_equal(got[1].rport, 443);
	assert_int_equal(got[1].listener, 0);
	assert_int_equal(got[1].pid, 1234);
	assert_int_equal(got[1].src, ATTR_SRC_IPHLP);
	assert_int_equal(got[2].pid, -1);	/* TIME_WAIT: System Idle */
}

static void tcp6_and_mapped(void **state)
{
	uint8_t buf[4 + 2 * 56] = { 0 }, *r = buf + 4;

	(void)state;
	put32(buf, 2);
	/* [::1]:8080 <- [::1]:50000, pid 77 */
	r[15] = 1;
	put32(r + 16, 0);
	putport(r + 20, 8080);
	r[24 + 15] = 1;
	putport(r + 44, 50000);
	put32(r + 48, 5);
	put32(r + 52, 77);
	/* ::ffff:192.0.2.1:80 <- ::ffff:198.51.100.2:40000, pid 78 */
	r += 56;
	r[10] = r[11] = 0xff;
	r[12] = 192, r[13] = 0, r[14] = 2, r[15] = 1;
	putport(r + 20, 80);
	r[24 + 10] = r[24 + 11] = 0xff;
	r[24 + 12] = 198, r[24 + 13] = 51, r[24 + 14] = 100, r[24 + 15] = 2;
	putport(r + 44, 40000);
	put32(r + 48, 5);
	put32(r + 52, 78);
	ngot = 0;
	assert_int_equal(iphlp_walk(IPHLP_TCP6, buf, sizeof(buf), collect,
				    NULL), 2);
	assert_int_equal(got[0].ipv, 6);
	assert_int_equal(got[0].laddr[15], 1);
	assert_int_equal(got[0].lport, 8080);
	assert_int_equal(got[0].rport, 50000);
	assert_int_equal(got[0].pid, 77);
	assert_int_equal(got[1].ipv, 4);		/* unmapped */
	assert_int_equal(got[1].laddr[0], 192);
	assert_int_equal(got[1].raddr[3], 2);
	assert_int_equal(got[1].lport, 80);
	assert_int_equal(got[1].pid, 78);
}

static void udp_rows_are_listeners(void **state)
{
	uint8_t b4[4 + 12], b6[4 + 28] = { 0 };

	(void)state;
	put32(b4, 1);
	b4[4] = 0, b4[5] = 0, b4[6] = 0, b4[7] = 0;
	putport(b4 + 8, 53);
	put32(b4 + 12, 900);
	put32(b6, 1);
	b6[4 + 15] = 1;
	putport(b6 + 4 + 20, 5353);
	put32(b6 + 4 + 24, 901);
	ngot = 0;
	assert_int_equal(iphlp_walk(IPHLP_UDP4, b4, sizeof(b4), collect,
				    NULL), 1);
	assert_int_equal(iphlp_walk(IPHLP_UDP6, b6, sizeof(b6), collect,
				    NULL), 1);
	assert_int_equal(got[0].proto, 17);
	assert_int_equal(got[0].lport, 53);
	assert_int_equal(got[0].listener, 1);
	assert_int_equal(got[0].pid, 900);
	assert_int_equal(got[1].ipv, 6);
	assert_int_equal(got[1].lport, 5353);
	assert_int_equal(got[1].pid, 901);
}

static void truncated(void **state)
{
	static const uint8_t a[4] = { 10, 0, 0, 1 };
	uint8_t buf[4 + 2 * 24];

	(void)state;
	put32(buf, 5);			/* says 5 rows, holds 2 and a bit */
	tcp4_row(buf + 4, 5, a, 1, a, 2, 10);
	tcp4_row(buf + 28, 5, a, 3, a, 4, 11);
	ngot = 0;
	assert_int_equal(iphlp_walk(IPHLP_TCP4, buf, sizeof(buf) - 1, collect,
				    NULL), -1);
	assert_int_equal(ngot, 1);	/* the one whole row */
	ngot = 0;
	assert_int_equal(iphlp_walk(IPHLP_TCP4, buf, 3, collect, NULL), -1);
	assert_int_equal(ngot, 0);	/* not even a count */
	put32(buf, 0);
	assert_int_equal(iphlp_walk(IPHLP_TCP4, buf, 4, collect, NULL), 0);
}

/* A table that gains rows between the size call and the data call. */
static uint32_t rows_now;
static int calls;

static unsigned long growing(void *buf, unsigned long *len,
			     enum iphlp_kind k)
{
	unsigned long need = 4 + rows_now * iphlp_row_size(k);

	calls++;
	if (*len < need) {
		*len = need;
		rows_now += 50;		/* within the 64 rows of slack */
		return IPHLP_MORE;
	}
	memset(buf, 0, need);
	put32(buf, rows_now);
	return 0;
}

static unsigned long always_growing(void *buf, unsigned long *len,
				    enum iphlp_kind k)
{
	(void)buf;
	*len += 1000 * iphlp_row_size(k);
	return IPHLP_MORE;
}

static void racing_sizes(void **state)
{
	uint8_t *buf = NULL;
	size_t cap = 0;
	unsigned long err;
	long len;

	(void)state;
	rows_now = 100;
	calls = 0;
	len = iphlp_fetch(growing, IPHLP_TCP4, &buf, &cap, &err);
	assert_true(len > 0);
	assert_int_equal(err, 0);
	assert_true(calls >= 2);
	assert_true((size_t)len <= cap);
	assert_int_equal(iphlp_walk(IPHLP_TCP4, buf, (size_t)len, collect,
				    NULL) >= 100, 1);
	assert_int_equal(iphlp_fetch(always_growing, IPHLP_UDP6, &buf, &cap,
				     &err), -1);
	assert_int_equal(err, IPHLP_MORE);	/* gave up, said why */
	free(buf);
}

/* A SID's bytes: revision 1, n sub-authorities, authority big-endian in
 * 6 bytes, the sub-authorities little-endian. */
static size_t sid(uint8_t *b, uint8_t auth, int n, const uint32_t *sub)
{
	memset(b, 0, 8);
	b[0] = 1, b[1] = (uint8_t)n, b[7] = auth;
	for (int i = 0; i < n; i++)
		put32(b + 8 + 4 * i, sub[i]);
	return 8 + 4 * (size_t)n;
}

static void sid_uids(void **state)
{
	/* S-1-5-18 as GetTokenInformation(TokenUser) writes it */
	static const uint8_t system[12] = { 1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0,
					    0 };
	static const uint32_t mach[] = { 21, 3623811015u, 3361044348u,
					 30300820u },
			      user[] = { 21, 3623811015u, 3361044348u,
					 30300820u, 1001 },
			      other[] = { 21, 1004336348u, 1177238915u,
					  682003330u, 1105 },
			      wine_mach[] = { 21, 0, 0, 0 },
			      wine_user[] = { 21, 0, 0, 0, 1000 },
			      dwm[] = { 90, 0, 1 }, net[] = { 20 },
			      world[] = { 0 };
	uint8_t m[64], wm[64], u[64];
	size_t ml = sid(m, 5, 4, mach), wml = sid(wm, 5, 4, wine_mach), ul;

	(void)state;
	assert_int_equal(iphlp_sid_uid(system, sizeof(system), m, ml), 18);
	ul = sid(u, 5, 1, net);
	assert_int_equal(iphlp_sid_uid(u, ul, m, ml), 20);
	ul = sid(u, 5, 5, user);	/* Cygwin's id: 197609 */
	assert_int_equal(iphlp_sid_uid(u, ul, m, ml), 197609);
	assert_int_equal(iphlp_sid_uid(u, ul, wm, wml), 0x100000 + 1001);
	ul = sid(u, 5, 5, wine_user);	/* what wine's tokens say */
	assert_int_equal(iphlp_sid_uid(u, ul, wm, wml), 0x30000 + 1000);
	ul = sid(u, 5, 5, other);	/* a domain's account */
	assert_int_equal(iphlp_sid_uid(u, ul, m, ml), 0x100000 + 1105);
	/* no uid: Window Manager, Everyone, cut, another revision */
	ul = sid(u, 5, 3, dwm);
	assert_int_equal(iphlp_sid_uid(u, ul, m, ml), (uint32_t)-1);
	ul = sid(u, 1, 1, world);
	assert_int_equal(iphlp_sid_uid(u, ul, m, ml), (uint32_t)-1);
	ul = sid(u, 5, 5, user);
	assert_int_equal(iphlp_sid_uid(u, ul - 1, m, ml), (uint32_t)-1);
	assert_int_equal(iphlp_sid_uid(u, 7, m, ml), (uint32_t)-1);
	u[0] = 2;
	assert_int_equal(iphlp_sid_uid(u, ul, m, ml), (uint32_t)-1);
	/* no machine SID known: every domain account in the domain range */
	u[0] = 1;
	assert_int_equal(iphlp_sid_uid(u, ul, NULL, 0), 0x100000 + 1001);
}

static void svchost_services(void **state)
{
	struct iphlp_svc v[] = {
		{ 1204, "Dnscache" }, { 880, "RpcSs" }, { 880, "RpcEptMapper" },
		{ 2100, "WinHttpAutoProxySvc" }, { 3000, "LanmanWorkstation" },
		{ 3000, "NlaSvc" }, { 3000, "nsi" }, { 3000, "Dhcp" },
	};
	size_t n = sizeof(v) / sizeof(v[0]);
	char comm[16];

	(void)state;
	iphlp_svc_sort(v, n);
	assert_int_equal(iphlp_svc_comm(v, n, 1204, comm), 1);
	assert_string_equal(comm, "Dnscache");
	assert_int_equal(iphlp_svc_comm(v, n, 880, comm), 1);
	assert_string_equal(comm, "RpcEptMapper+1");
	assert_int_equal(iphlp_svc_comm(v, n, 2100, comm), 1);
	assert_string_equal(comm, "WinHttpAutoProx");
	assert_int_equal(iphlp_svc_comm(v, n, 3000, comm), 1);
	assert_string_equal(comm, "Dhcp+3");
	assert_int_equal(iphlp_svc_comm(v, n, 999, comm), 0);
	assert_int_equal(iphlp_svc_comm(v, n, 4000, comm), 0);
	assert_int_equal(iphlp_svc_comm(v, 0, 880, comm), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tcp4),
		cmocka_unit_test(tcp6_and_mapped),
		cmocka_unit_test(udp_rows_are_listeners),
		cmocka_unit_test(truncated),
		cmocka_unit_test(racing_sizes),
		cmocka_unit_test(sid_uids),
		cmocka_unit_test(svchost_services),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
