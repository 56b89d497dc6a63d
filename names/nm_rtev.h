/*
 * nm_rtev.h - the runtimes' event streams, for the runtime thread
 * (nm_runtime_linux.c): GET /events (the Docker Engine API's; Podman
 * serves the same), a JSON object a line for as long as the connection
 * lasts, read with libcurl's multi interface so that one thread follows
 * every socket and still asks for lists.  Each container event that
 * says a name (create, init, start, die, remove, ...; Actor.Attributes
 * name and image, the kubelet's pod labels) is kept, the latest
 * NM_RTEV_KEEP containers: a container created and removed between two
 * lists is named all the same, and a removed one's name stays for the
 * flows that already had it.  Podman's events give a pod's id, not its
 * name: such a container has its pod only from a list.
 */
#ifndef PORTTOP_NM_RTEV_H
#define PORTTOP_NM_RTEV_H

#include <stdint.h>

#include "nm_runtime.h"

#define NM_RTEV_KEEP 1024
#define NM_RTEV_LINE (64u << 10)	/* a longer event is dropped */

struct nm_rtev;

/* nm_rtev_new: no streams yet; *stop (atomic) nonzero aborts every
 * transfer.  NULL when out of memory or libcurl fails. */
struct nm_rtev *nm_rtev_new(const int *stop);
void nm_rtev_free(struct nm_rtev *v);

/* nm_rtev_watch: follow socket i's stream (path, by the Docker API),
 * unless it is followed already or ended less than retry_ns ago
 * (CLOCK_MONOTONIC).  i < NM_RT_SOCKETS. */
void nm_rtev_watch(struct nm_rtev *v, int i, const char *path,
		   int timeout_ms, int64_t retry_ns);

/* nm_rtev_wait: read what the streams sent, waiting up to ms for it.
 * Returns how many containers were learnt (new, or renamed). */
int nm_rtev_wait(struct nm_rtev *v, int ms);

/* nm_rtev_find: the names an event gave container id (64 hex digits),
 * NULL when none did.  nm_rtev_streams: streams open now;
 * nm_rtev_learnt: containers learnt since start. */
const struct nm_rtnames *nm_rtev_find(struct nm_rtev *v, const char *id);
int nm_rtev_streams(const struct nm_rtev *v);
uint64_t nm_rtev_learnt(const struct nm_rtev *v);

/* nm_rt_event: one event line (a JSON object): fn with the container's
 * id and names when it is a container event that names it.  1 then, 0
 * for another event, -1 when it is not a JSON object. */
int nm_rt_event(const char *json, size_t len, nm_rt_fn fn, void *arg);

#endif
