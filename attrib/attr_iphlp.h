/*
 * attr_iphlp.h - Windows' socket tables as IP Helper writes them
 * (GetExtendedTcpTable with TCP_TABLE_OWNER_PID_ALL, GetExtendedUdpTable
 * with UDP_TABLE_OWNER_PID, AF_INET and AF_INET6), walked from their
 * bytes: attr_iphlp.c has no Windows header, so the unit tests feed it
 * buffers in the real layouts on Linux (tests/unit/test_attr_iphlp.c).
 * The back end that asks Windows for them is attr_iphlp_win.c; the
 * owners' users (token SIDs) and services (svchost.exe) are mapped here
 * too, from bytes and lists, for the same reason.
 *
 * Layouts (little-endian DWORDs; a table is DWORD dwNumEntries, then the
 * rows from offset 4):
 *   MIB_TCPROW_OWNER_PID   24 bytes: dwState, dwLocalAddr, dwLocalPort,
 *                          dwRemoteAddr, dwRemotePort, dwOwningPid
 *   MIB_TCP6ROW_OWNER_PID  56 bytes: ucLocalAddr[16], dwLocalScopeId,
 *                          dwLocalPort, ucRemoteAddr[16], dwRemoteScopeId,
 *                          dwRemotePort, dwState, dwOwningPid
 *   MIB_UDPROW_OWNER_PID   12 bytes: dwLocalAddr, dwLocalPort, dwOwningPid
 *   MIB_UDP6ROW_OWNER_PID  28 bytes: ucLocalAddr[16], dwLocalScopeId,
 *                          dwLocalPort, dwOwningPid
 * Addresses are in network order, as their bytes; a port is in network
 * order in the low 16 bits of its DWORD (its first two bytes in memory).
 */
#ifndef PORTTOP_ATTR_IPHLP_H
#define PORTTOP_ATTR_IPHLP_H

#include <stddef.h>
#include <stdint.h>

#include "attr_sock.h"

enum iphlp_kind { IPHLP_TCP4, IPHLP_TCP6, IPHLP_UDP4, IPHLP_UDP6,
		  IPHLP_KINDS };

/* MIB_TCP_STATE values that matter here. */
#define IPHLP_TCP_LISTEN	2
#define IPHLP_TCP_TIME_WAIT	11
#define IPHLP_TCP_DELETE_TCB	12

/* iphlp_row_size: bytes per row of a table of this kind. */
size_t iphlp_row_size(enum iphlp_kind k);

/* iphlp_walk: each row of the table in buf (len bytes) to fn as an
 * attr_sock (src ATTR_SRC_IPHLP, pid from dwOwningPid, -1 for pid 0: the
 * System Idle process owns TIME_WAIT rows, and wine reports 0 for every
 * socket; comm empty).  TCP LISTEN rows and every UDP row are listeners;
 * DELETE_TCB rows are closed.  Returns the number of rows given to fn, or
 * -1 when the buffer is shorter than its count says (truncated): the
 * whole rows that fit are still given. */
int iphlp_walk(enum iphlp_kind k, const uint8_t *buf, size_t len,
	       attr_sock_fn fn, void *arg);

/* What the back end asks Windows: fill buf (*len bytes) with a table,
 * returning 0, or IPHLP_MORE with the size needed in *len (the table grew
 * since it was measured), or another nonzero error. */
#define IPHLP_MORE 122		/* ERROR_INSUFFICIENT_BUFFER */
typedef unsigned long (*iphlp_get_fn)(void *buf, unsigned long *len,
				      enum iphlp_kind k);

/* iphlp_fetch: a whole table in *buf (malloc'ed, *cap bytes, reused and
 * grown between calls), asking again while it races with sockets being
 * made (at most 8 times, with room for 64 more rows each time).  Returns
 * its length, or -1 (*err: Windows' error, or IPHLP_MORE when it kept
 * growing, 8 (ERROR_NOT_ENOUGH_MEMORY) out of memory). */
long iphlp_fetch(iphlp_get_fn get, enum iphlp_kind k, uint8_t **buf,
		 size_t *cap, unsigned long *err);

/* A SID as Windows lays it out (MS-DTYP 2.4.2.2): revision (1), the
 * count of sub-authorities (at most 15), a 6-byte big-endian identifier
 * authority, then the sub-authorities as little-endian DWORDs. */
#define IPHLP_UID_LOCAL		0x30000u	/* this machine's accounts */
#define IPHLP_UID_DOMAIN	0x100000u	/* a domain's accounts */

/* iphlp_sid_uid: the user SID of a process token (sid, len bytes) as the
 * uid porttop reports, Cygwin's mapping (its "POSIX accounts" chapter):
 * a well-known NT AUTHORITY SID of one sub-authority (S-1-5-18 SYSTEM,
 * -19 LOCAL SERVICE, -20 NETWORK SERVICE) is that number; an account of
 * this machine (machine: its account domain's SID, S-1-5-21-a-b-c, mlen
 * bytes) is IPHLP_UID_LOCAL + its RID (1001 -> 197609, as Cygwin's id
 * says); another S-1-5-21 domain's is IPHLP_UID_DOMAIN + its RID (Cygwin
 * gives that range to the primary domain; a trusted domain's accounts
 * share it here).  (uint32_t)-1 for anything else (S-1-5-90 Window
 * Manager, S-1-5-96 font driver sessions, AppContainers) or a malformed
 * SID. */
uint32_t iphlp_sid_uid(const uint8_t *sid, size_t len,
		       const uint8_t *machine, size_t mlen);

/* A Win32 service and the process it runs in (EnumServicesStatusExW,
 * SC_ENUM_PROCESS_INFO), its name (lpServiceName) in UTF-8. */
struct iphlp_svc {
	int32_t pid;
	char name[64];
};

/* iphlp_svc_sort: v (n entries) by pid, then name. */
void iphlp_svc_sort(struct iphlp_svc *v, size_t n);

/* iphlp_svc_comm: the name a process that hosts services (svchost.exe)
 * goes by, from v (sorted by iphlp_svc_sort): its first service's name,
 * with "+N" for N more in the same process ("BFE+1"), cut to fit 15
 * bytes.  1 when pid hosts a service (comm written), else 0. */
int iphlp_svc_comm(const struct iphlp_svc *v, size_t n, int32_t pid,
		   char comm[16]);

#endif
