/*
 * cap_live_linux.c - network devices through libpcap on Linux: create,
 * set, activate (libpcap's shape), and tcpdump -D.
 *
 * The read timeout bounds how long a quiet device keeps cap_next() blocked,
 * so the capture thread notices a stop request and refreshes kernel
 * counters at least this often even when nothing arrives.
 */
#include <errno.h>
#include <linux/if_packet.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cap_int.h"
#include "cap_snap.h"

/* tcpdump's choice of default device: the first one pcap_findalldevs()
 * lists that is up and not a loopback, else the first one. */
static int default_device(char *name, size_t len, char *errbuf)
{
	pcap_if_t *all, *d, *pick = NULL;

	if (pcap_findalldevs(&all, errbuf) != 0)
		return CAP_ERR_OPEN;
	for (d = all; d && !pick; d = d->next)
		if (!(d->flags & PCAP_IF_LOOPBACK) && (d->flags & PCAP_IF_UP))
			pick = d;
	if (!pick)
		pick = all;
	if (!pick) {
		pcap_freealldevs(all);
		snprintf(errbuf, CAP_ERRBUF_SIZE,
			 "no capture device found (are you root?)");
		return CAP_ERR_OPEN;
	}
	snprintf(name, len, "%s", pick->name);
	pcap_freealldevs(all);
	return CAP_OK;
}

static const char *activate_hint(int rc)
{
	switch (rc) {
	case PCAP_ERROR_PERM_DENIED:
		return " (run as root, or give porttop CAP_NET_RAW and "
		       "CAP_NET_ADMIN; see README)";
	case PCAP_ERROR_NO_SUCH_DEVICE:
		return " (porttop -D lists the devices)";
	case PCAP_ERROR_IFACE_NOT_UP:
		return " (the device is down)";
	default:
		return "";
	}
}

/* A cooked capture's (the any device's) packets reach the socket filter
 * from their network header: the kernel's count of bytes kept leaves out
 * the header libpcap then puts in front (pcap-linux.c). */
static int cooked_header(int dlt)
{
	return dlt == DLT_LINUX_SLL2 ? 20 : dlt == DLT_LINUX_SLL ? 16 : 0;
}

/* Joins the device's socket to PACKET_FANOUT group `group` in hash mode
 * (packet(7)): the kernel hands each packet to one member, chosen by its
 * symmetric flow hash (net/packet/af_packet.c, fanout_demux_hash), so a
 * flow's two directions reach the same member.  Without
 * PACKET_FANOUT_FLAG_DEFRAG: the kernel would hand a reassembled
 * datagram, not the fragments on the wire; a fragment hashes on its
 * addresses alone, so a datagram's fragments still reach one member.
 * After pcap_activate: a socket joins once bound. */
static int join_fanout(struct cap *c, int group, char *errbuf)
{
	int arg = (group & 0xffff) | (PACKET_FANOUT_HASH << 16);

	if (setsockopt(c->fd, SOL_PACKET, PACKET_FANOUT, &arg,
		       sizeof(arg)) == 0)
		return CAP_OK;
	snprintf(errbuf, CAP_ERRBUF_SIZE,
		 "%.64s: cannot join fanout group %d: %s%s", c->name, group,
		 strerror(errno), errno == EINVAL ? " (its members capture "
		 "another device, or not in hash mode)" : "");
	return CAP_ERR_OPEN;
}

int cap_open_live(const struct cap_live_opts *o, struct cap **out,
		  char *errbuf, char *warn)
{
	struct cap *c = calloc(1, sizeof(*c));
	int rc;

	*warn = '\0';
	if (!c) {
		snprintf(errbuf, CAP_ERRBUF_SIZE, "out of memory");
		return CAP_ERR_OPEN;
	}
	if (o->iface)
		snprintf(c->name, sizeof(c->name), "%s", o->iface);
	else if (default_device(c->name, sizeof(c->name), errbuf) != CAP_OK)
		goto fail;
	c->p = pcap_create(c->name, errbuf);
	if (!c->p)
		goto fail;
	pcap_set_snaplen(c->p, cap_snap_device_len(o));
	pcap_set_promisc(c->p, o->promisc);
	pcap_set_timeout(c->p, CAP_READ_TIMEOUT_MS);
	if (o->immediate)
		pcap_set_immediate_mode(c->p, 1);
	/* Larger than libpcap's 2 MiB by default: the 100 ms read timeout
	 * makes the kernel hand over part-filled ring blocks ten times a
	 * second, so a small ring stalls while the thread holds one; measured
	 * drops at 512 KiB from 25 kpps, none at 1 MiB and up
	 * (tests/bench/README.md, "Live loss"). */
	pcap_set_buffer_size(c->p, (o->buffer_kib > 0 ? o->buffer_kib :
				    CAP_DEFAULT_BUFFER_KIB) * 1024);
	/* nanoseconds where the kernel gives them; microseconds otherwise */
	pcap_set_tstamp_precision(c->p, PCAP_TSTAMP_PRECISION_NANO);
	rc = pcap_activate(c->p);
	if (rc < 0) {
		const char *msg = rc == PCAP_ERROR ? pcap_geterr(c->p) :
						     pcap_statustostr(rc);

		snprintf(errbuf, CAP_ERRBUF_SIZE, "%.64s: %.100s%.80s", c->name, msg,
			 activate_hint(rc));
		pcap_close(c->p);
		goto fail;
	}
	if (rc > 0)
		snprintf(warn, CAP_ERRBUF_SIZE, "%.64s: %.160s", c->name,
			 rc == PCAP_WARNING ? pcap_geterr(c->p) :
					      pcap_statustostr(rc));
	/* Non-blocking: cap_next() waits itself, CAP_READ_TIMEOUT_MS at
	 * most (pcap_next_ex would block until a packet comes). */
	c->fd = pcap_get_selectable_fd(c->p);
	if (c->fd < 0 || pcap_setnonblock(c->p, 1, errbuf) != 0) {
		if (c->fd < 0)
			snprintf(errbuf, CAP_ERRBUF_SIZE,
				 "%.64s: no selectable descriptor", c->name);
		pcap_close(c->p);
		goto fail;
	}
	if (o->fanout_group && join_fanout(c, o->fanout_group, errbuf) != CAP_OK) {
		pcap_close(c->p);
		goto fail;
	}
	c->live = 1;
	c->dlt = pcap_datalink(c->p);
	if (cap_snap_open(c, o, cooked_header(c->dlt), errbuf) != CAP_OK) {
		pcap_close(c->p);
		goto fail;
	}
	*out = c;
	return CAP_OK;
fail:
	free(c);
	return CAP_ERR_OPEN;
}

int cap_list_devices(FILE *out, char *errbuf)
{
	pcap_if_t *all, *d;
	int i = 1;

	if (pcap_findalldevs(&all, errbuf) != 0)
		return CAP_ERR_OPEN;
	for (d = all; d; d = d->next, i++) {
		fprintf(out, "%d.%s", i, d->name);
		if (d->description)
			fprintf(out, " (%s)", d->description);
		cap_dev_flags(out, d->flags);
	}
	pcap_freealldevs(all);
	return CAP_OK;
}

int cap_live_wait(struct cap *c)
{
	/* libpcap's own wait would block until the next packet: with
	 * TPACKET_V3 the kernel wakes readers only for blocks that hold
	 * packets */
	struct pollfd pfd = { .fd = c->fd, .events = POLLIN };

	return poll(&pfd, 1, CAP_READ_TIMEOUT_MS) > 0;
}
