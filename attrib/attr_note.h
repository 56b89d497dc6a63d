/*
 * attr_note.h - the comments that carry processes in pcapng files: written
 * by porttop -w (attr_packet_note, attr_flow_note in attr.h), read by the
 * reading of a file's comments (attr_file.c).  Internal to attrib/.
 *
 * A process record is a comment whose first line is "PID: <decimal>",
 * then "Key: value" lines: Cmd (a path is reduced to its basename, 15
 * bytes kept, like the kernel's comm), UserId, CgroupId, End (src or dst:
 * which end of the packet, or of the flow line, the process owns), and
 * ours that readers may ignore (Source).  Unknown keys are ignored
 * (ptcpdump writes Args, ParentPID...).  A comment whose first line is
 * "UserId:" (ptcpdump writes it apart) sets the last record's uid.
 * porttop's flow notes put one line before the record: "porttop flow:
 * PROTO ORIG_H ORIG_P RESP_H RESP_P" (End: src is the orig), and add
 * the owner's container, pod or unit (names/nm_who.h) in ptcpdump's keys
 * ContainerName, ContainerId, ContainerImage, PodName, PodNamespace,
 * PodUID, and ours, Runtime and Unit; packet comments do not (they are
 * kept to 255 bytes).  ptcpdump writes its container and pod in comments
 * of their own, whose first lines are "ContainerName:" and "PodName:":
 * they complete the last record, as "UserId:" does.  Readers that do
 * not know a key ignore it, so older porttops read these files.
 */
#ifndef PORTTOP_ATTR_NOTE_H
#define PORTTOP_ATTR_NOTE_H

#include <stdbool.h>
#include <stdint.h>

#include "../decode/dec.h"
#include "../names/nm_who.h"

#define ATTR_NOTE_RECS 8	/* records kept per packet */

/* One process record. */
struct attr_note_rec {
	int32_t pid;
	uint32_t uid;		/* UINT32_MAX when absent */
	uint64_t cgroup;	/* 0 when absent */
	int end;		/* -1 not said, 0 source, 1 destination */
	char comm[16];
	struct nm_cg cg;	/* its container or unit, zero: none said */
	struct nm_rtnames rn;	/* the container's names */
};

/* attr_note_parse: one comment [s, e) (not NUL-terminated).  r holds n
 * records; a new one is added (up to max), or a "UserId:",
 * "ContainerName:" or "PodName:" comment updates r[n - 1].  Returns the number of records r holds now, or -1 for a
 * "PID:" comment whose pid does not parse (0 .. INT32_MAX). */
int attr_note_parse(struct attr_note_rec *r, int n, int max, const char *s,
		    const char *e);

/* attr_note_flow: the line "porttop flow: tcp 10.0.0.1 40000 10.0.0.2 80"
 * [s, e) as a packet from orig to resp in *pk (proto, ipv, addresses,
 * ports only).  False when it is not one (bad protocol, address, port). */
bool attr_note_flow(const char *s, const char *e, struct dec_pkt *pk);

#endif
