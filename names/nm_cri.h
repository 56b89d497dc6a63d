/*
 * nm_cri.h - container names from the Kubernetes Container Runtime
 * Interface (CRI), as containerd and CRI-O serve it on their unix
 * sockets (/run/containerd/containerd.sock, /run/crio/crio.sock): gRPC
 * (HTTP/2, prior knowledge) unary calls of runtime.v1.RuntimeService,
 * messages read with protobuf-c from names/cri.proto (a subset of
 * k8s.io/cri-api pkg/apis/runtime/v1/api.proto, same field numbers).
 * For the runtime thread (nm_runtime_linux.c); the Windows build leaves
 * it out.  The CRI v1 API: containerd 1.6+ and CRI-O 1.20+ (the older
 * v1alpha2 is not asked).
 */
#ifndef PORTTOP_NM_CRI_H
#define PORTTOP_NM_CRI_H

#include <stddef.h>
#include <stdint.h>

#include "nm_runtime.h"

/* nm_cri_unframe: the one message of a gRPC response body (b, n): a
 * 5-byte prefix (flag 0: not compressed; length, big-endian) then the
 * message (gRPC over HTTP2, "Length-Prefixed-Message").  0 with *msg
 * and *len, -1 when b is not exactly one uncompressed message. */
int nm_cri_unframe(const uint8_t *b, size_t n, const uint8_t **msg,
		   size_t *len);

/* nm_cri_parse: a ListContainersResponse (cont, clen bytes) and a
 * ListPodSandboxResponse (pods, plen), unframed: fn with each container
 * whose id is 64 hex digits and its names -- name: the container's
 * metadata name; image: its ImageSpec's user_specified_image, else
 * image, else image_ref; pod and ns: its sandbox's metadata name and
 * namespace (none when the sandbox is not in pods); tidied
 * (nm_rt_tidy).  Returns the containers listed, -1 when either is not
 * such a message. */
int nm_cri_parse(const uint8_t *cont, size_t clen, const uint8_t *pods,
		 size_t plen, nm_rt_fn fn, void *arg);

/* nm_cri_list: ask the CRI socket path for its pod sandboxes, then its
 * containers (timeout_ms each; aborted at once when *stop turns
 * nonzero), and nm_cri_parse them into fn.  NM_WHO_NAMED (nm_who.h)
 * with *listed containers, else why not (NM_WHO_NORUNTIME, _DENIED,
 * _TIMEOUT, _ERROR: a gRPC status other than OK, as "gRPC status 12:
 * unknown service runtime.v1.RuntimeService"), said in err. */
int nm_cri_list(const char *path, int timeout_ms, const int *stop,
		nm_rt_fn fn, void *arg, int *listed, char *err, size_t len);

#endif
