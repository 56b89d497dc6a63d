/*
 * nm_runtime.h - the names of containers, from their runtimes: the Docker
 * Engine API and Podman's (its libpod API, and its Docker-compatible one)
 * over their unix sockets, read with libcurl and jansson by a thread of
 * its own (never the capture thread).  It lists the containers
 * (GET /containers/json?all=1: id, name, image, labels; Podman's
 * /libpod/containers/json adds its pod's name), and publishes the names
 * of the who records (nm_who.h) whose container id it finds; the pod and
 * namespace of a Kubernetes container come from the labels the kubelet
 * sets (io.kubernetes.pod.name, io.kubernetes.pod.namespace).
 *
 * It asks at start, then when new containers are seen (at most every
 * 250 ms) and every `every_ns` while some are unnamed.  A runtime that
 * is missing, refuses porttop or hangs costs names, never packets: each
 * request gives up after timeout_ms, and the records say why they have
 * no name (nm_who.h, enum nm_who_miss).  containerd and CRI-O are asked
 * by the Kubernetes CRI (runtime.v1.RuntimeService ListPodSandbox and
 * ListContainers, gRPC over HTTP/2 on their unix sockets: nm_cri.h): the
 * container's name, image, and its pod's name and namespace from the
 * sandbox's metadata.
 */
#ifndef PORTTOP_NM_RUNTIME_H
#define PORTTOP_NM_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#include "nm_who.h"

#define NM_RT_SOCKETS 8

/* The API a socket is asked by: Podman's libpod API, else the Docker
 * Engine API (ANY: libpod first, the Docker one when it is not there);
 * CRI: the Kubernetes Container Runtime Interface (containerd, CRI-O). */
enum nm_api { NM_API_ANY = 0, NM_API_PODMAN, NM_API_DOCKER, NM_API_CRI };

struct nm_runtime_opts {
	/* the sockets to ask (nm_runtime_spec); none given: "auto" */
	int nsock;
	char sockets[NM_RT_SOCKETS][NM_PATH_LEN];
	uint8_t api[NM_RT_SOCKETS];	/* enum nm_api */
	int off;		/* --runtime none: no thread at all */
	int no_events;		/* lists only: no /events stream */
	int64_t every_ns;	/* 0: 2 s */
	int timeout_ms;		/* per request; 0: 2000 */
};

/* nm_runtime_spec: add --runtime SPEC's sockets to o: a comma-separated
 * list of `podman` (/run/podman/podman.sock and
 * $XDG_RUNTIME_DIR/podman/podman.sock, by the libpod API), `docker`
 * ($DOCKER_HOST when unix://, /run/docker.sock, by the Docker API),
 * `cri` (/run/containerd/containerd.sock and /run/crio/crio.sock, by the
 * CRI), `auto` (all of those: podman's and docker's each by libpod then
 * Docker), `KIND=PATH` (that socket; PATH absolute), or `none` alone
 * (o->off).  0, or -1 when SPEC
 * is not such a list or names more than NM_RT_SOCKETS sockets.
 * Environment read now. */
int nm_runtime_spec(struct nm_runtime_opts *o, const char *spec);

struct nm_runtime;

/* nm_runtime_start: start the thread.  0 with *out, -1 when it cannot
 * (memory, libcurl, the thread). */
int nm_runtime_start(struct nm_runtime **out, const struct nm_runtime_opts *o);

/* nm_runtime_stop: stop it (within a request's timeout at worst: a
 * request in flight is abandoned at once) and free; NULL is ignored. */
void nm_runtime_stop(struct nm_runtime *r);

/* nm_runtime_msg: one line on what the runtimes said ("containers:
 * podman /run/podman/podman.sock: 3 containers, 2 named" or "containers:
 * no names: /run/docker.sock: permission denied; ..."); 0 when none was
 * asked yet, or no owner seen was in a container.  Any thread. */
int nm_runtime_msg(struct nm_runtime *r, char *buf, size_t len);

/* nm_rt_parse: a container list (the JSON array either API returns),
 * giving fn each container's id and names.  Returns how many, or -1 when
 * it is not such a list. */
typedef void (*nm_rt_fn)(void *arg, const char *id,
			 const struct nm_rtnames *n);
int nm_rt_parse(const char *json, size_t len, nm_rt_fn fn, void *arg);

/* nm_rt_tidy: keep in n only what every report can hold: commas,
 * quotes, backslashes and control characters become '_'. */
void nm_rt_tidy(struct nm_rtnames *n);

#endif
