/* server_ports.c - Zeek's default likely_server_ports, as a compile-time table.
 *
 * Zeek flips a flow's orig/resp when the first packet is not a bare SYN (TCP)
 * or always (UDP) and only the source port is a "likely server port".
 *
 * Where the ports come from (zeek/zeek, newest stored snapshot, 8.1+ line):
 *  - scripts/base/init-bare.zeek declares `likely_server_ports: set[port]`,
 *    default {}.  In this snapshot no script redefs it any more (the generated
 *    doc/scripts/base/init-bare.zeek.rst lists no redefinitions).
 *  - Analyzer::register_for_ports(tag, server_ports, non_server_ports)
 *    (scripts/base/frameworks/analyzer/main.zeek) and
 *    PacketAnalyzer::register_for_ports(parent, child, server_ports, ...)
 *    (scripts/base/packet-protocols/main.zeek) do
 *    `likely_server_ports += server_ports`; non_server_ports are not added.
 *    Analyzer::register_for_port() (singular, used for Spicy .evt ports) does
 *    not add anything.
 *  - So the set is the union of the server_ports registered by the scripts that
 *    base/init-default.zeek loads (base/protocols/NAME) plus the tunnel packet
 *    analyzers loaded via base/init-bare.zeek (base/packet-protocols/NAME).
 *  - Loaded scripts that register no ports: conn, ntlm, pop3 (DPD signature
 *    only), rfb, websocket, tunnels (dpd.sig only).  Not loaded by the stored
 *    init-default.zeek, hence not included: postgresql, redis, dhcpv6,
 *    nat-mapping, openvpn.
 *
 * "8.1+" marks ports that Zeek <= 8.0 did NOT put in likely_server_ports:
 * there, only explicit `redef likely_server_ports += {...}` counted and
 * register_for_ports() did not touch the set.
 *
 * Lookup is a switch per transport protocol: no state, no initialisation,
 * thread-safe, and the compiler emits a jump table / decision tree.
 * Ports shared by two scripts appear once (duplicate case labels are a
 * compile error) with the second script named in the comment.
 */
#include "server_ports.h"

static bool tcp_server_port(uint16_t port)
{
	switch (port) {
	/* scripts/base/protocols/dce-rpc/main.zeek */
	case 135:
	/* scripts/base/protocols/dnp3/main.zeek */
	case 20000:
	/* scripts/base/protocols/dns/main.zeek */
	case 53:
	/* scripts/base/protocols/finger/main.zeek (8.1+) */
	case 79:
	/* scripts/base/protocols/ftp/main.zeek */
	case 21: case 2811:
	/* scripts/base/protocols/http/main.zeek (1080 also socks/main.zeek) */
	case 80: case 81: case 631: case 1080: case 3128:
	case 8000: case 8080: case 8888:
	/* scripts/base/protocols/imap/main.zeek */
	case 143:
	/* scripts/base/protocols/irc/main.zeek */
	case 6666: case 6667: case 6668: case 6669:
	/* scripts/base/protocols/krb/main.zeek */
	case 88:
	/* scripts/base/protocols/ldap/main.zeek */
	case 389: case 3268:
	/* scripts/base/protocols/modbus/main.zeek */
	case 502:
	/* scripts/base/protocols/mqtt/main.zeek (8.1+) */
	case 1883:
	/* scripts/base/protocols/mysql/main.zeek (8.1+) */
	case 1434: case 3306:
	/* scripts/base/protocols/rdp/main.zeek */
	case 3389:
	/* scripts/base/protocols/smb/main.zeek */
	case 139: case 445:
	/* scripts/base/protocols/smtp/main.zeek */
	case 25: case 587:
	/* scripts/base/protocols/ssh/main.zeek */
	case 22:
	/* scripts/base/protocols/ssl/main.zeek (465 is 8.1+) */
	case 443: case 465: case 563: case 585: case 614: case 636:
	case 989: case 990: case 992: case 993: case 995: case 5223:
	/* scripts/base/protocols/syslog/main.zeek (tcp_ports, 8.1+) */
	case 514:
	/* scripts/base/protocols/xmpp/main.zeek */
	case 5222: case 5269:
		return true;
	default:
		return false;
	}
}

static bool udp_server_port(uint16_t port)
{
	switch (port) {
	/* scripts/base/protocols/dhcp/main.zeek: server_ports (4011 is 8.1+);
	 * 68/udp is client_ports, registered as non-server */
	case 67: case 4011:
	/* scripts/base/protocols/dnp3/main.zeek */
	case 20000:
	/* scripts/base/protocols/dns/main.zeek */
	case 53: case 137: case 5353: case 5355:
	/* scripts/base/protocols/krb/main.zeek */
	case 88:
	/* scripts/base/protocols/ldap/main.zeek */
	case 389:
	/* scripts/base/protocols/ntp/main.zeek */
	case 123:
	/* scripts/base/protocols/ssl/main.zeek dtls_ports (also quic/main.zeek
	 * quic_ports; DoQ 853/784 are doq_ports, registered as non-server) */
	case 443:
	/* scripts/base/protocols/radius/main.zeek */
	case 1812:
	/* scripts/base/protocols/rdp/main.zeek (rdpeudp_ports) */
	case 3389:
	/* scripts/base/protocols/sip/main.zeek */
	case 5060:
	/* scripts/base/protocols/snmp/main.zeek */
	case 161: case 162:
	/* scripts/base/protocols/syslog/main.zeek */
	case 514:
	/* scripts/base/packet-protocols/ayiya/main.zeek */
	case 5072:
	/* scripts/base/packet-protocols/geneve/main.zeek */
	case 6081:
	/* scripts/base/packet-protocols/gtpv1/main.zeek */
	case 2152: case 2123:
	/* scripts/base/packet-protocols/teredo/main.zeek */
	case 3544:
	/* scripts/base/packet-protocols/vxlan/main.zeek */
	case 4789:
		return true;
	default:
		return false;
	}
}

bool ft_likely_server_port(uint8_t proto, uint16_t port)
{
	switch (proto) {
	case 6:
		return tcp_server_port(port);
	case 17:
		return udp_server_port(port);
	default:
		return false;
	}
}
