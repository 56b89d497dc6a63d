/*
 * dump.h - -w FILE as a consumer of the engine: every packet read goes
 * to the file (capture/cap_dump.h: pcap, or pcapng when the name ends in
 * .pcapng); in pcapng with live attribution each packet carries the
 * processes at its ends as comments, and each flow, as it ends, a note
 * of its owners for those learnt after its packets were written
 * (attrib/attr.h: attr_packet_note, attr_flow_note).
 *
 * The file is flushed once a second of wall time, so what a quiet link
 * brought is on disk soon; write failures are counted, not fatal: the
 * capture goes on and dump_close() says what was lost.
 */
#ifndef PORTTOP_DUMP_H
#define PORTTOP_DUMP_H

#include "../attrib/attr.h"
#include "../capture/cap.h"
#include "consumer.h"
#include "status.h"

struct dump;

/* dump_open: create path for the packets of src; note_attr, when not
 * NULL and the file is pcapng, gives the process comments.  keep_cgroup
 * (porttop run; 0: every packet): only the packets with an end owned in
 * that cgroup v2, by note_attr's owners, are written: each waits in a
 * delay line (dump_hold.h: 250 ms, 16384 packets, 32 MiB) for its owner
 * to be known, and the flow notes wait behind their packets, so the file
 * stays in capture order.  When the line is full its oldest packet is
 * decided at once (written if its owner is known to be in the cgroup
 * then, else dropped), and dump_close says how many on stderr.  PT_OK
 * with *out, or PT_ERR_OUTPUT_OPEN ("-w" is the caller's prefix:
 * err->msg is "PATH: reason"), PT_ERR_NOMEM. */
enum pt_status dump_open(struct dump **out, const char *path,
			 const struct cap *src, struct attr *note_attr,
			 uint64_t keep_cgroup, struct pt_err *err);

/* dump_consumer: the consumer that writes to d (packet, flow notes, the
 * once-a-second flush; CONSUMER_LEFT: the flows a view leaves get their
 * notes at the end too; finish closes the file). */
struct consumer dump_consumer(struct dump *d);

/* dump_close: close the file if finish did not, and free d (NULL: PT_OK);
 * run: a line on stderr when packets were decided before they were due.
 * PT_OK, or PT_ERR_OUTPUT with err->msg "-w PATH: N packets could not be
 * written" or "-w PATH: REASON" (a failed flush or close). */
enum pt_status dump_close(struct dump *d, struct pt_err *err);

#endif
