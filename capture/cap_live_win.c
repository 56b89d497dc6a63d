/*
 * cap_live_win.c - network devices through Npcap (wpcap.dll, loaded by
 * pcapdl_win.c) on Windows: create, set, activate as on Linux, and -D.
 * Npcap names devices \Device\NPF_{GUID}; -D shows each with the friendly
 * name Windows shows ("Ethernet 2", from GetAdaptersAddresses, matched by
 * the GUID) and -i takes either, or -D's number.  Npcap's loopback
 * adapter (\Device\NPF_Loopback) carries 127.0.0.1 traffic.  Reads block
 * in Npcap for at most the read timeout, so there is nothing to poll.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <winsock2.h>
#include <iphlpapi.h>

#include "cap_int.h"
#include "cap_snap.h"
#include "pcapdl_win.h"

/* The friendly name of an NPF device, "" when Windows has none. */
static void friendly(const char *dev, char *out, size_t len)
{
	const char *guid = strchr(dev, '{');
	ULONG size = 16384;
	IP_ADAPTER_ADDRESSES *all = NULL, *a;

	*out = '\0';
	for (int tries = 0; guid && tries < 3; tries++) {
		free(all);
		if (!(all = malloc(size)))
			return;
		ULONG rc = GetAdaptersAddresses(AF_UNSPEC, 0, NULL, all, &size);

		if (rc == ERROR_SUCCESS)
			break;
		if (rc != ERROR_BUFFER_OVERFLOW)
			tries = 3;
	}
	for (a = guid ? all : NULL; a; a = a->Next)
		if (a->AdapterName && !strcmp(a->AdapterName, guid) &&
		    a->FriendlyName)
			WideCharToMultiByte(CP_UTF8, 0, a->FriendlyName, -1, out,
					    (int)len, NULL, NULL);
	free(all);
}

/* -i NAME: a device's NPF name, its friendly name, or -D's number; NULL:
 * the first that is up and not a loopback, as tcpdump picks it. */
static int find_device(const char *want, char *name, size_t len,
		       char *errbuf)
{
	pcap_if_t *all, *d, *pick = NULL;
	char fr[256];
	int i = 1, num = 0;

	/* a number only when all digits: "5G modem" is a friendly name */
	if (want && want[strspn(want, "0123456789")] == '\0')
		num = atoi(want);

	if (pcap_findalldevs(&all, errbuf) != 0)
		return CAP_ERR_OPEN;
	for (d = all; d && !pick; d = d->next, i++) {
		if (!want) {
			if (!(d->flags & PCAP_IF_LOOPBACK) &&
			    (d->flags & PCAP_IF_UP))
				pick = d;
			continue;
		}
		friendly(d->name, fr, sizeof(fr));
		if (!strcmp(want, d->name) || !_stricmp(want, fr) || num == i)
			pick = d;
	}
	if (!pick && !want)
		pick = all;
	snprintf(name, len, "%s", pick ? pick->name : want ? want : "");
	pcap_freealldevs(all);
	if (!*name) {
		snprintf(errbuf, CAP_ERRBUF_SIZE, "no capture device found "
			 "(is Npcap installed and its driver running?)");
		return CAP_ERR_OPEN;
	}
	return CAP_OK;
}

static void setup(pcap_t *p, const struct cap_live_opts *o)
{
	pcap_set_snaplen(p, cap_snap_device_len(o));
	pcap_set_promisc(p, o->promisc);
	pcap_set_timeout(p, CAP_READ_TIMEOUT_MS);
	if (o->immediate)
		pcap_set_immediate_mode(p, 1);
	pcap_set_buffer_size(p, (o->buffer_kib > 0 ? o->buffer_kib :
				 CAP_DEFAULT_BUFFER_KIB) * 1024);
	pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO);
}

int cap_open_live(const struct cap_live_opts *o, struct cap **out,
		  char *errbuf, char *warn)
{
	struct cap *c;
	int rc;

	*warn = '\0';
	if (o->fanout_group) {	/* Npcap's driver has no such groups */
		snprintf(errbuf, CAP_ERRBUF_SIZE, "--fanout-group: Npcap has "
			 "no fanout groups (Linux's PACKET_FANOUT)");
		return CAP_ERR_OPEN;
	}
	if (pcapdl_load(errbuf) < 0)
		return CAP_ERR_OPEN;
	if (!(c = calloc(1, sizeof(*c)))) {
		snprintf(errbuf, CAP_ERRBUF_SIZE, "out of memory");
		return CAP_ERR_OPEN;
	}
	if (find_device(o->iface, c->name, sizeof(c->name), errbuf) != CAP_OK ||
	    !(c->p = pcap_create(c->name, errbuf))) {
		free(c);
		return CAP_ERR_OPEN;
	}
	setup(c->p, o);
	rc = pcap_activate(c->p);
	if (rc < 0) {
		snprintf(errbuf, CAP_ERRBUF_SIZE, "%.64s: %.160s%s", c->name,
			 rc == PCAP_ERROR ? pcap_geterr(c->p) :
					    pcap_statustostr(rc),
			 rc == PCAP_ERROR_NO_SUCH_DEVICE ?
				 " (porttop -D lists the devices)" : "");
		pcap_close(c->p);
		free(c);
		return CAP_ERR_OPEN;
	}
	if (rc > 0)
		snprintf(warn, CAP_ERRBUF_SIZE, "%.64s: %.160s", c->name,
			 rc == PCAP_WARNING ? pcap_geterr(c->p) :
					      pcap_statustostr(rc));
	c->fd = -1;
	c->live = 1;
	c->dlt = pcap_datalink(c->p);
	/* Npcap's driver keeps what the program returns, counted from the
	 * frame's start: no cooked header to leave out */
	if (cap_snap_open(c, o, 0, errbuf) != CAP_OK) {
		pcap_close(c->p);
		free(c);
		return CAP_ERR_OPEN;
	}
	*out = c;
	return CAP_OK;
}

int cap_list_devices(FILE *out, char *errbuf)
{
	pcap_if_t *all, *d;
	char fr[256];
	int i = 1;

	if (pcapdl_load(errbuf) < 0 || pcap_findalldevs(&all, errbuf) != 0)
		return CAP_ERR_OPEN;
	for (d = all; d; d = d->next, i++) {
		friendly(d->name, fr, sizeof(fr));
		fprintf(out, "%d.%s", i, d->name);
		if (*fr || d->description)
			fprintf(out, " (%s%s%s)", fr, *fr && d->description ?
				": " : "", d->description ? d->description : "");
		cap_dev_flags(out, d->flags);
	}
	pcap_freealldevs(all);
	return CAP_OK;
}

int cap_live_wait(struct cap *c)
{
	(void)c;
	return 1;	/* pcap_next_ex waits up to the read timeout itself */
}
