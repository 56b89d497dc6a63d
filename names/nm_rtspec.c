/*
 * nm_rtspec.c - --runtime SPEC (nm_runtime.h: nm_runtime_spec): which
 * runtime sockets the runtime thread asks, and by which API.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nm_runtime.h"

/* Add one socket; -1 when there are too many or the path is too long. */
static int add(struct nm_runtime_opts *o, const char *path, size_t len,
	       int api)
{
	if (o->nsock == NM_RT_SOCKETS || len == 0 || len >= NM_PATH_LEN)
		return -1;
	for (int i = 0; i < o->nsock; i++)	/* each once */
		if (strlen(o->sockets[i]) == len &&
		    !memcmp(o->sockets[i], path, len))
			return 0;
	memcpy(o->sockets[o->nsock], path, len);
	o->sockets[o->nsock][len] = '\0';
	o->api[o->nsock++] = (uint8_t)api;
	return 0;
}

/* A runtime's usual sockets (which: NM_API_DOCKER, _PODMAN or _CRI),
 * asked by api: Docker's $DOCKER_HOST (unix://) and /run/docker.sock;
 * Podman's rootful and rootless ones; containerd's and CRI-O's (the
 * kubelet's --container-runtime-endpoint defaults). */
static int usual(struct nm_runtime_opts *o, int which, int api)
{
	const char *dh = getenv("DOCKER_HOST"), *xdg = getenv("XDG_RUNTIME_DIR");
	char p[NM_PATH_LEN + 32];

	if (which == NM_API_CRI)
		return add(o, "/run/containerd/containerd.sock", 31, api) < 0 ?
		       -1 : add(o, "/run/crio/crio.sock", 19, api);
	if (which == NM_API_DOCKER) {
		if (dh && !strncmp(dh, "unix://", 7) && dh[7] &&
		    add(o, dh + 7, strlen(dh + 7), api) < 0)
			return -1;
		return add(o, "/run/docker.sock", 16, api);
	}
	if (add(o, "/run/podman/podman.sock", 23, api) < 0)
		return -1;
	if (!xdg || !*xdg)
		return 0;
	snprintf(p, sizeof(p), "%.200s/podman/podman.sock", xdg);
	return add(o, p, strlen(p), api);
}

/* One item of the list: KIND, KIND=PATH or none. */
static int item(struct nm_runtime_opts *o, const char *s, size_t len)
{
	static const char *const kinds[] = { "auto", "podman", "docker",
					     "cri" };	/* enum nm_api */
	const char *eq = memchr(s, '=', len);
	size_t klen = eq ? (size_t)(eq - s) : len;

	if (klen == 4 && !memcmp(s, "none", 4) && !eq) {
		o->off = 1;
		return 0;
	}
	for (int k = 0; k < 4; k++) {
		if (strlen(kinds[k]) != klen || memcmp(s, kinds[k], klen))
			continue;
		if (!eq)
			return k != NM_API_ANY ? usual(o, k, k) :
			       usual(o, NM_API_DOCKER, k) < 0 ||
			       usual(o, NM_API_PODMAN, k) < 0 ? -1 :
			       usual(o, NM_API_CRI, NM_API_CRI);
		if (eq[1] != '/')	/* a path, absolute */
			return -1;
		return add(o, eq + 1, len - klen - 1, k);
	}
	return -1;
}

int nm_runtime_spec(struct nm_runtime_opts *o, const char *spec)
{
	const char *s = spec;

	do {
		const char *c = strchr(s, ',');
		size_t len = c ? (size_t)(c - s) : strlen(s);

		if (item(o, s, len) < 0)
			return -1;
		s = c ? c + 1 : NULL;
	} while (s);
	return o->off && o->nsock ? -1 : 0;	/* none alone */
}
