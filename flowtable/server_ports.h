#ifndef PORTTOP_SERVER_PORTS_H
#define PORTTOP_SERVER_PORTS_H
#include <stdbool.h>
#include <stdint.h>
/* ft_likely_server_port: true if `port` (host byte order) is in Zeek's default
 * likely_server_ports for IP protocol `proto` (6 = TCP, 17 = UDP; any other
 * proto returns false). Source: the zeek/zeek scripts loaded by
 * scripts/base/init-default.zeek (scripts/base/protocols/<proto>/main.zeek)
 * and by base/init-bare.zeek (scripts/base/packet-protocols/<tunnel>/main.zeek),
 * newest stored snapshot (Zeek 8.1+ line, after zeek/zeek PR #5093), where
 * Analyzer::register_for_ports() and PacketAnalyzer::register_for_ports() add
 * their server_ports argument to likely_server_ports. Per-script citations and
 * the ports that were not server ports before Zeek 8.1 are in server_ports.c. */
bool ft_likely_server_port(uint8_t proto, uint16_t port);
#endif
