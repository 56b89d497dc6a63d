/*
 * npf_standin.c - a wpcap.dll that lists devices the way Npcap names them,
 * for tests/windows/run.sh: wine has no NPF driver, and the file-reading
 * wpcap.dll (PCAP_TYPE=null) lists none, so -D's friendly names and -i's
 * three forms (capture/cap_live_win.c) could not be seen otherwise.
 *
 * pcap_findalldevs: \Device\NPF_{GUID} for each adapter wine's
 * GetAdaptersAddresses reports (its AdapterName is the GUID, as Npcap's
 * device names carry it), described "stand-in N" (N counts from 1, not
 * the friendly name: porttop must find that itself), flagged Up, Running
 * (and Loopback for a loopback adapter); then Npcap's loopback adapter,
 * \Device\NPF_Loopback.  pcap_create keeps the name; pcap_activate fails:
 * PCAP_ERROR_NO_SUCH_DEVICE for a name not in that list, else PCAP_ERROR
 * with "stand-in: no packets", so porttop's message names the device it
 * chose; but the loopback adapter opens, and gives no packets (a read
 * timeout each 50 ms), so porttop.exe runs live and reports IP Helper's
 * listeners.  pcap_compile gives every expression a one-instruction
 * program that keeps whole packets (none come, so it never runs), and
 * pcap_setfilter takes a program that ends in a return, as Npcap's
 * driver keeps what a filter returns (porttop splices its snaplen into
 * the filter: capture/cap_snap.c).  Nothing else is exported: porttop's
 * forwarders fail as without the function (capture/pcapdl_win.c).
 * Built with
 * -Dpcap_EXPORTS, so pcap.h declares these exported.
 */
#include <winsock2.h>
#include <iphlpapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pcap/pcap.h>

struct pcap {
	char name[256];
	char err[PCAP_ERRBUF_SIZE];
	volatile LONG stop;	/* pcap_breakloop */
};

/* The one device that opens: Npcap's loopback adapter. */
#define LOOPBACK "\\Device\\NPF_Loopback"

static pcap_if_t *dev(pcap_if_t **tail, const char *name, const char *desc,
		      bpf_u_int32 flags)
{
	pcap_if_t *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->name = _strdup(name);
	d->description = _strdup(desc);
	d->flags = flags;
	*tail = d;
	return d;
}

int pcap_findalldevs(pcap_if_t **all, char *errbuf)
{
	ULONG size = 65536, rc;
	IP_ADAPTER_ADDRESSES *ad = malloc(size), *a;
	pcap_if_t **tail = all, *d;
	char name[300], desc[64];
	int n = 0;

	*all = NULL;
	rc = ad ? GetAdaptersAddresses(AF_UNSPEC, 0, NULL, ad, &size) : 1;
	if (rc != ERROR_SUCCESS) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "GetAdaptersAddresses: %lu",
			 (unsigned long)rc);
		free(ad);
		return -1;
	}
	for (a = ad; a; a = a->Next) {
		snprintf(name, sizeof(name), "\\Device\\NPF_%s", a->AdapterName);
		snprintf(desc, sizeof(desc), "stand-in %d", ++n);
		d = dev(tail, name, desc, PCAP_IF_UP | PCAP_IF_RUNNING |
			(a->IfType == IF_TYPE_SOFTWARE_LOOPBACK ?
			 PCAP_IF_LOOPBACK : 0));
		if (d)
			tail = &d->next;
	}
	free(ad);
	dev(tail, LOOPBACK,
	    "Adapter for loopback traffic capture",
	    PCAP_IF_UP | PCAP_IF_RUNNING | PCAP_IF_LOOPBACK);
	return 0;
}

void pcap_freealldevs(pcap_if_t *d)
{
	while (d) {
		pcap_if_t *next = d->next;

		free(d->name);
		free(d->description);
		free(d);
		d = next;
	}
}

pcap_t *pcap_create(const char *name, char *errbuf)
{
	pcap_t *p = calloc(1, sizeof(*p));

	if (!p)
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "out of memory");
	else
		snprintf(p->name, sizeof(p->name), "%s", name);
	return p;
}

int pcap_activate(pcap_t *p)
{
	pcap_if_t *all, *d;
	int known = 0;
	char e[PCAP_ERRBUF_SIZE];

	if (!strcmp(p->name, LOOPBACK))
		return 0;
	if (pcap_findalldevs(&all, e) == 0) {
		for (d = all; d; d = d->next)
			known |= !strcmp(d->name, p->name);
		pcap_freealldevs(all);
	}
	snprintf(p->err, sizeof(p->err), "stand-in: no packets");
	return known ? PCAP_ERROR : PCAP_ERROR_NO_SUCH_DEVICE;
}

/* The loopback adapter's link type, as Npcap's (BSD loopback). */
int pcap_datalink(pcap_t *p)
{
	(void)p;
	return DLT_NULL;
}

int pcap_snapshot(pcap_t *p)
{
	(void)p;
	return 262144;
}

int pcap_stats(pcap_t *p, struct pcap_stat *st)
{
	(void)p;
	memset(st, 0, sizeof(*st));
	return 0;
}

/* No packet ever: each call is a read timeout (50 ms) until
 * pcap_breakloop. */
int pcap_next_ex(pcap_t *p, struct pcap_pkthdr **h, const u_char **data)
{
	(void)h;
	(void)data;
	if (p->stop)
		return PCAP_ERROR_BREAK;
	Sleep(50);
	return 0;
}

void pcap_breakloop(pcap_t *p)
{
	InterlockedExchange(&p->stop, 1);
}

char *pcap_geterr(pcap_t *p)
{
	return p->err;
}

const char *pcap_statustostr(int e)
{
	return e == PCAP_ERROR_NO_SUCH_DEVICE ? "No such device exists" :
		"stand-in: other status";
}

int pcap_compile(pcap_t *p, struct bpf_program *f, const char *expr,
		 int optimize, bpf_u_int32 mask)
{
	(void)expr, (void)optimize, (void)mask;
	if (!(f->bf_insns = calloc(1, sizeof(*f->bf_insns)))) {
		snprintf(p->err, sizeof(p->err), "out of memory");
		return -1;
	}
	f->bf_len = 1;
	f->bf_insns[0].code = BPF_RET | BPF_K;
	f->bf_insns[0].k = 262144;
	return 0;
}

int pcap_setfilter(pcap_t *p, struct bpf_program *f)
{
	if (!f->bf_len || f->bf_insns[f->bf_len - 1].code != (BPF_RET | BPF_K)) {
		snprintf(p->err, sizeof(p->err), "stand-in: not a program");
		return -1;
	}
	return 0;
}

void pcap_freecode(struct bpf_program *f)
{
	free(f->bf_insns);
	f->bf_insns = NULL;
	f->bf_len = 0;
}

void pcap_close(pcap_t *p)
{
	free(p);
}
