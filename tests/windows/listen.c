/*
 * listen.c - sockets for porttop.exe's attribution to find under wine
 * (tests/windows/run.sh): a TCP listener on 127.0.0.1, one on ::1 and a
 * UDP socket on 127.0.0.1, each on a port the system picks; writes
 * "tcp PORT", "tcp6 PORT", "udp PORT" lines to PORTSFILE, then runs CMD
 * (one command line; standard streams inherited) while they stay open,
 * and exits with CMD's exit status (255: a socket or CMD failed).  (None
 * comes or goes while CMD runs: how soon wine starts CMD is not known,
 * so no check of one could be free of races.)
 * Usage: listen PORTSFILE CMD
 */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <stdio.h>
#include <string.h>
#include <windows.h>

/* A socket of type on the loopback address of family, bound to a port
 * the system picks (listening when TCP); its port, or 0. */
static int open_one(int family, int type, SOCKET *out)
{
	struct sockaddr_storage ss;
	int len = family == AF_INET ? sizeof(struct sockaddr_in) :
				      sizeof(struct sockaddr_in6);
	SOCKET s = socket(family, type, 0);

	memset(&ss, 0, sizeof(ss));
	ss.ss_family = (ADDRESS_FAMILY)family;
	if (family == AF_INET)
		((struct sockaddr_in *)&ss)->sin_addr.s_addr =
			htonl(INADDR_LOOPBACK);
	else
		((struct sockaddr_in6 *)&ss)->sin6_addr = in6addr_loopback;
	if (s == INVALID_SOCKET || bind(s, (struct sockaddr *)&ss, len) ||
	    (type == SOCK_STREAM && listen(s, 4)) ||
	    getsockname(s, (struct sockaddr *)&ss, &len))
		return 0;
	*out = s;
	return ntohs(family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port :
				((struct sockaddr_in6 *)&ss)->sin6_port);
}

int main(int argc, char **argv)
{
	STARTUPINFOA si = { .cb = sizeof(si) };
	PROCESS_INFORMATION pi;
	WSADATA wsa;
	DWORD code = 255;
	int tcp, tcp6, udp;
	SOCKET s[3];
	FILE *f;

	if (argc != 3 || WSAStartup(MAKEWORD(2, 2), &wsa))
		return 255;
	tcp = open_one(AF_INET, SOCK_STREAM, &s[0]);
	tcp6 = open_one(AF_INET6, SOCK_STREAM, &s[1]);
	udp = open_one(AF_INET, SOCK_DGRAM, &s[2]);
	if (!tcp || !tcp6 || !udp || !(f = fopen(argv[1], "w"))) {
		fprintf(stderr, "listen: sockets %d %d %d\n", tcp, tcp6, udp);
		return 255;
	}
	fprintf(f, "tcp %d\ntcp6 %d\nudp %d\n", tcp, tcp6, udp);
	fclose(f);
	if (!CreateProcessA(NULL, argv[2], NULL, NULL, TRUE, 0, NULL, NULL, &si,
			    &pi)) {
		fprintf(stderr, "listen: cannot run %s\n", argv[2]);
		return 255;
	}
	WaitForSingleObject(pi.hProcess, INFINITE);
	GetExitCodeProcess(pi.hProcess, &code);
	return (int)code;
}
