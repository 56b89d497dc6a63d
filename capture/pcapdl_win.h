/*
 * pcapdl_win.h - libpcap on Windows is Npcap's wpcap.dll, loaded at run
 * time (pcapdl_win.c), so porttop.exe starts without it: pcapng files
 * are read by porttop itself, and only devices, pcap files and capture
 * filters need it.
 */
#ifndef PORTTOP_PCAPDL_WIN_H
#define PORTTOP_PCAPDL_WIN_H

/* Where to get Npcap, for the messages. */
#define PCAPDL_NEED "Npcap is needed (https://npcap.com): install it, " \
	"or put a wpcap.dll beside porttop.exe"

/* pcapdl_load: load wpcap.dll once: from beside porttop.exe, else from
 * Npcap's folder (System32\Npcap, as Wireshark and nmap load it), else
 * the system's search path.  0, or -1 with PCAPDL_NEED and the reason in
 * errbuf (PCAP_ERRBUF_SIZE bytes; NULL: no message). */
int pcapdl_load(char *errbuf);

#endif
