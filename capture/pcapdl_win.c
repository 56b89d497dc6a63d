/*
 * pcapdl_win.c - see pcapdl_win.h.  Each libpcap function porttop calls is
 * defined here and forwards to wpcap.dll's, looked up once by name.
 * Without the DLL they fail as libpcap fails (NULL, -1, an errbuf that
 * says Npcap is needed).  pcap_file is not forwarded: the FILE it returns
 * belongs to the DLL's C runtime, not porttop's (a progress line then
 * says 0 bytes read of a pcap file).
 */
#include <stdio.h>
#include <string.h>
#include <winsock2.h>	/* before windows.h: pcap.h includes it */
#include <windows.h>
#include <pcap/pcap.h>

#include "pcapdl_win.h"

/* X(return type, name, (parameters), (arguments), value without the DLL) */
#define PCAP_FUNCS(X) \
	X(const char *, pcap_statustostr, (int e), (e), "libpcap: " PCAPDL_NEED) \
	X(char *, pcap_geterr, (pcap_t *p), (p), (char *)PCAPDL_NEED) \
	X(int, pcap_activate, (pcap_t *p), (p), PCAP_ERROR) \
	X(int, pcap_set_tstamp_precision, (pcap_t *p, int v), (p, v), PCAP_ERROR) \
	X(int, pcap_set_buffer_size, (pcap_t *p, int v), (p, v), PCAP_ERROR) \
	X(int, pcap_set_immediate_mode, (pcap_t *p, int v), (p, v), PCAP_ERROR) \
	X(int, pcap_set_timeout, (pcap_t *p, int v), (p, v), PCAP_ERROR) \
	X(int, pcap_set_promisc, (pcap_t *p, int v), (p, v), PCAP_ERROR) \
	X(int, pcap_set_snaplen, (pcap_t *p, int v), (p, v), PCAP_ERROR) \
	X(int, pcap_setnonblock, (pcap_t *p, int v, char *e), (p, v, e), PCAP_ERROR) \
	X(int, pcap_datalink, (pcap_t *p), (p), -1) \
	X(int, pcap_snapshot, (pcap_t *p), (p), -1) \
	X(int, pcap_stats, (pcap_t *p, struct pcap_stat *s), (p, s), -1) \
	X(int, pcap_next_ex, (pcap_t *p, struct pcap_pkthdr **h, const u_char **d), (p, h, d), PCAP_ERROR) \
	X(int, pcap_setfilter, (pcap_t *p, struct bpf_program *f), (p, f), -1) \
	X(int, pcap_compile, (pcap_t *p, struct bpf_program *f, const char *s, int o, bpf_u_int32 m), (p, f, s, o, m), -1) \
	X(int, pcap_offline_filter, (const struct bpf_program *f, const struct pcap_pkthdr *h, const u_char *d), (f, h, d), 0) \
	X(const char *, pcap_datalink_val_to_name, (int v), (v), NULL) \
	X(const char *, pcap_lib_version, (void), (), "libpcap: none (" PCAPDL_NEED ")") \
	X(pcap_t *, pcap_create, (const char *s, char *e), (s, e), NULL) \
	X(pcap_t *, pcap_open_dead, (int l, int s), (l, s), NULL) \
	X(pcap_t *, pcap_open_dead_with_tstamp_precision, (int l, int s, u_int p), (l, s, p), NULL) \
	X(pcap_t *, pcap_open_offline_with_tstamp_precision, (const char *f, u_int p, char *e), (f, p, e), NULL) \
	X(pcap_t *, pcap_hopen_offline_with_tstamp_precision, (intptr_t h, u_int p, char *e), (h, p, e), NULL) \
	X(int, pcap_findalldevs, (pcap_if_t **d, char *e), (d, e), -1) \
	X(pcap_dumper_t *, pcap_dump_open, (pcap_t *p, const char *f), (p, f), NULL) \
	X(pcap_dumper_t *, pcap_dump_hopen, (pcap_t *p, intptr_t h), (p, h), NULL) \
	X(int, pcap_dump_flush, (pcap_dumper_t *p), (p), -1) \
	X(FILE *, pcap_dump_file, (pcap_dumper_t *p), (p), NULL)

/* X(name, (parameters), (arguments)) */
#define PCAP_VOID_FUNCS(X) \
	X(pcap_close, (pcap_t *p), (p)) \
	X(pcap_breakloop, (pcap_t *p), (p)) \
	X(pcap_freecode, (struct bpf_program *f), (f)) \
	X(pcap_freealldevs, (pcap_if_t *d), (d)) \
	X(pcap_dump, (u_char *u, const struct pcap_pkthdr *h, const u_char *d), (u, h, d)) \
	X(pcap_dump_close, (pcap_dumper_t *p), (p))

#define PTR(ret, name, params, args, none) static ret (*p_##name) params;
#define VPTR(name, params, args) static void (*p_##name) params;
PCAP_FUNCS(PTR)
PCAP_VOID_FUNCS(VPTR)

static HMODULE dll;
static DWORD load_error;
static INIT_ONCE once = INIT_ONCE_STATIC_INIT;

/* wpcap.dll beside the program first (a bundled one, the tests' stand-in),
 * then Npcap's folder, then the search path. */
static HMODULE open_dll(void)
{
	wchar_t dir[MAX_PATH + 16];
	UINT n = GetSystemDirectoryW(dir, MAX_PATH);
	HMODULE h;

	h = LoadLibraryExW(L"wpcap.dll", NULL,
			   LOAD_LIBRARY_SEARCH_APPLICATION_DIR);
	if (!h && n && n < MAX_PATH) {
		wcscat(dir, L"\\Npcap");
		SetDllDirectoryW(dir);	/* wpcap.dll loads Packet.dll */
		h = LoadLibraryW(L"wpcap.dll");
	}
	return h;
}

static BOOL CALLBACK load_once(INIT_ONCE *o, void *arg, void **ctx)
{
	(void)o;
	(void)arg;
	(void)ctx;
	if (!(dll = open_dll())) {
		load_error = GetLastError();
		return TRUE;
	}
#define LOOKUP(ret, name, params, args, none) \
	p_##name = (ret (*) params)(void (*)(void))GetProcAddress(dll, #name);
#define VLOOKUP(name, params, args) \
	p_##name = (void (*) params)(void (*)(void))GetProcAddress(dll, #name);
	PCAP_FUNCS(LOOKUP)
	PCAP_VOID_FUNCS(VLOOKUP)
	return TRUE;
}

int pcapdl_load(char *errbuf)
{
	InitOnceExecuteOnce(&once, load_once, NULL, NULL);
	if (dll)
		return 0;
	if (errbuf)
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s (wpcap.dll: error %lu)",
			 PCAPDL_NEED, (unsigned long)load_error);
	return -1;
}

/* Every forwarder: load, then call, or fail as libpcap would.  A function
 * this wpcap.dll lacks (an old WinPcap) fails the same way. */
#define FWD(ret, name, params, args, none) \
	ret name params \
	{ \
		pcapdl_load(NULL); \
		if (p_##name) \
			return p_##name args; \
		return none; \
	}
#define FWD_VOID(name, params, args) \
	void name params \
	{ \
		pcapdl_load(NULL); \
		if (p_##name) \
			p_##name args; \
	}

PCAP_FUNCS(FWD)
PCAP_VOID_FUNCS(FWD_VOID)

FILE *pcap_file(pcap_t *p)
{
	(void)p;
	return NULL;
}
